import { add, div, maximum, mul, RecurError, sqrt, square, sub, type Tensor } from '@recur/tensor';
import type { ParameterSet } from '../parameters.js';
import { checkFlag, checkKeys } from '../value-checks.js';
import { type HyperParams, Optimizer, type UpdateInput, type UpdateOutput } from './optimizer.js';

/** Options of {@link Adam} and {@link AdamW}. */
export interface AdamOptions {
  /** Learning rate η (default 1e-3). */
  lr?: number;
  /** β₁, β₂: decay of the first and second moment averages (default [0.9, 0.999]). */
  betas?: readonly [number, number];
  /** ε added to the bias-corrected denominator, outside the square root (default 1e-8). */
  eps?: number;
  /** Weight decay λ (Adam: an L2 gradient term, default 0; AdamW: decoupled, default 0.01). */
  weightDecay?: number;
  /** Use the running maximum of the second moment (AMSGrad, default false). */
  amsgrad?: boolean;
}

/** How a subclass of {@link Adam} (AdamW) changes it: a static `variant` on the subclass. */
export interface AdamVariant {
  readonly variant: { type: string; decoupled: boolean; defaultDecay: number };
}

/**
 * Adam with PyTorch's `torch.optim.Adam` semantics, for the parameter's t-th update:
 *
 *     g ← g + λ·θ                       (L2 weight decay; AdamW decays θ directly instead)
 *     m ← β₁·m + (1 − β₁)·g             (`exp_avg`)
 *     v ← β₂·v + (1 − β₂)·g²            (`exp_avg_sq`; AMSGrad: v̂max ← max(v̂max, v))
 *     θ ← θ − (η / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
 *
 * Bias corrections are computed in float64 from t; the tensors are float32.
 *
 * @example
 * ```ts
 * const opt = new Adam(model.parameters(), { lr: 2e-3 });
 * ```
 */
export class Adam extends Optimizer {
  beta1 = 0.9;
  beta2 = 0.999;
  eps = 1e-8;
  weightDecay = 0;
  amsgrad = false;
  /** Whether weight decay is decoupled from the gradient (AdamW). */
  protected readonly decoupled: boolean;

  constructor(params: ParameterSet, options: AdamOptions = {}) {
    const variant = (new.target as unknown as Partial<AdamVariant>).variant;
    const type = variant?.type ?? 'Adam';
    super(type, params, options.lr ?? 1e-3);
    this.decoupled = variant?.decoupled ?? false;
    const [beta1, beta2] = options.betas ?? [0.9, 0.999];
    this.setHyperParams(
      Adam.checkHyperParams(type, {
        beta1,
        beta2,
        eps: options.eps ?? 1e-8,
        weightDecay: options.weightDecay ?? variant?.defaultDecay ?? 0,
        amsgrad: options.amsgrad ?? false,
      }),
    );
  }

  /** Validates Adam's (and AdamW's) hyper-parameters other than `lr`, as in its state dict. */
  static checkHyperParams(op: string, h: Readonly<Record<string, unknown>>): HyperParams {
    checkKeys(op, 'hyper-parameters', h, ['beta1', 'beta2', 'eps', 'weightDecay', 'amsgrad']);
    const beta1 = Optimizer.check(op, 'betas[0]', h.beta1, 0, 1);
    const beta2 = Optimizer.check(op, 'betas[1]', h.beta2, 0, 1);
    if (beta1 === 1 || beta2 === 1) {
      throw new RecurError(
        'RANGE',
        `${op}: betas must be below 1 (bias correction divides by 1 − βᵗ), got [${beta1}, ${beta2}]`,
      );
    }
    return {
      beta1,
      beta2,
      eps: Optimizer.check(op, 'eps', h.eps, 0),
      weightDecay: Optimizer.check(op, 'weightDecay', h.weightDecay, 0),
      amsgrad: checkFlag(op, 'amsgrad', h.amsgrad),
    };
  }

  protected checkHyperParams(op: string, h: Readonly<Record<string, unknown>>): HyperParams {
    return Adam.checkHyperParams(op, h);
  }

  protected hyperParams(): HyperParams {
    return {
      beta1: this.beta1,
      beta2: this.beta2,
      eps: this.eps,
      weightDecay: this.weightDecay,
      amsgrad: this.amsgrad,
    };
  }

  protected setHyperParams(h: HyperParams): void {
    this.beta1 = h.beta1 as number;
    this.beta2 = h.beta2 as number;
    this.eps = h.eps as number;
    this.weightDecay = h.weightDecay as number;
    this.amsgrad = h.amsgrad as boolean;
  }

  protected update({ value, grad, slots, step, lr }: UpdateInput): UpdateOutput {
    const { beta1, beta2 } = this;
    let theta = value;
    let g = grad;
    if (this.weightDecay !== 0) {
      if (this.decoupled) theta = mul(value, 1 - lr * this.weightDecay);
      else g = add(grad, mul(value, this.weightDecay));
    }
    const m1 = mul(g, 1 - beta1);
    const expAvg = slots.exp_avg ? add(mul(slots.exp_avg, beta1), m1) : m1;
    const m2 = mul(square(g), 1 - beta2);
    const expAvgSq = slots.exp_avg_sq ? add(mul(slots.exp_avg_sq, beta2), m2) : m2;
    const out: Record<string, Tensor> = { exp_avg: expAvg, exp_avg_sq: expAvgSq };
    let second = expAvgSq;
    if (this.amsgrad) {
      second = slots.max_exp_avg_sq ? maximum(slots.max_exp_avg_sq, expAvgSq) : expAvgSq;
      out.max_exp_avg_sq = second;
    }
    const bias1 = 1 - beta1 ** step;
    const bias2 = 1 - beta2 ** step;
    const denominator = add(div(sqrt(second), Math.sqrt(bias2)), this.eps);
    return { value: sub(theta, mul(div(expAvg, denominator), lr / bias1)), slots: out };
  }
}
