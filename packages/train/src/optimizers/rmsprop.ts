import { add, div, mul, sqrt, square, sub, type Tensor } from '@recur/tensor';
import type { ParameterSet } from '../parameters.js';
import { checkFlag, checkKeys } from '../value-checks.js';
import { type HyperParams, Optimizer, type UpdateInput, type UpdateOutput } from './optimizer.js';

/** Options of {@link RMSProp}. */
export interface RMSPropOptions {
  /** Learning rate η (default 0.01). */
  lr?: number;
  /** Smoothing constant α of the squared-gradient average (default 0.99). */
  alpha?: number;
  /** ε added to the denominator (default 1e-8), outside the square root. */
  eps?: number;
  /** L2 penalty λ added to the gradient (default 0). */
  weightDecay?: number;
  /** Momentum μ (default 0). */
  momentum?: number;
  /** Centered RMSProp: divide by an estimate of the gradient's variance (default false). */
  centered?: boolean;
}

/**
 * RMSProp with PyTorch's `torch.optim.RMSprop` semantics (note: ε is added **outside** the
 * square root, unlike Keras/TF, which add it inside):
 *
 *     g ← g + λ·θ
 *     s ← α·s + (1 − α)·g²                            (`square_avg`, starts at 0)
 *     m ← α·m + (1 − α)·g  and  d = √(s − m²) + ε     (centered; `grad_avg`)
 *     d = √s + ε                                      (otherwise)
 *     b ← μ·b + g/d,  θ ← θ − η·b                     (momentum > 0; `momentum_buffer` starts at 0)
 *     θ ← θ − η·g/d                                   (otherwise)
 *
 * @example
 * ```ts
 * const opt = new RMSProp(model.parameters(), { lr: 2e-3, alpha: 0.95 }); // char-rnn's settings
 * ```
 */
export class RMSProp extends Optimizer {
  alpha = 0.99;
  eps = 1e-8;
  weightDecay = 0;
  momentum = 0;
  centered = false;

  constructor(params: ParameterSet, options: RMSPropOptions = {}) {
    super('RMSProp', params, options.lr ?? 0.01);
    this.setHyperParams(
      RMSProp.checkHyperParams('RMSProp', {
        alpha: options.alpha ?? 0.99,
        eps: options.eps ?? 1e-8,
        weightDecay: options.weightDecay ?? 0,
        momentum: options.momentum ?? 0,
        centered: options.centered ?? false,
      }),
    );
  }

  /** Validates RMSProp's hyper-parameters other than `lr`, as saved in its state dict. */
  static checkHyperParams(op: string, h: Readonly<Record<string, unknown>>): HyperParams {
    checkKeys(op, 'hyper-parameters', h, ['alpha', 'eps', 'weightDecay', 'momentum', 'centered']);
    return {
      alpha: Optimizer.check(op, 'alpha', h.alpha, 0, 1),
      eps: Optimizer.check(op, 'eps', h.eps, 0),
      weightDecay: Optimizer.check(op, 'weightDecay', h.weightDecay, 0),
      momentum: Optimizer.check(op, 'momentum', h.momentum, 0),
      centered: checkFlag(op, 'centered', h.centered),
    };
  }

  protected checkHyperParams(op: string, h: Readonly<Record<string, unknown>>): HyperParams {
    return RMSProp.checkHyperParams(op, h);
  }

  protected hyperParams(): HyperParams {
    return {
      alpha: this.alpha,
      eps: this.eps,
      weightDecay: this.weightDecay,
      momentum: this.momentum,
      centered: this.centered,
    };
  }

  protected setHyperParams(h: HyperParams): void {
    this.alpha = h.alpha as number;
    this.eps = h.eps as number;
    this.weightDecay = h.weightDecay as number;
    this.momentum = h.momentum as number;
    this.centered = h.centered as boolean;
  }

  protected update({ value, grad, slots, lr }: UpdateInput): UpdateOutput {
    const a = this.alpha;
    const g = this.weightDecay !== 0 ? add(grad, mul(value, this.weightDecay)) : grad;
    const squared = mul(square(g), 1 - a);
    const squareAvg = slots.square_avg ? add(mul(slots.square_avg, a), squared) : squared;
    const out: Record<string, Tensor> = { square_avg: squareAvg };
    let denominator: Tensor;
    if (this.centered) {
      const scaled = mul(g, 1 - a);
      const gradAvg = slots.grad_avg ? add(mul(slots.grad_avg, a), scaled) : scaled;
      out.grad_avg = gradAvg;
      denominator = add(sqrt(sub(squareAvg, square(gradAvg))), this.eps);
    } else {
      denominator = add(sqrt(squareAvg), this.eps);
    }
    if (this.momentum > 0) {
      const step = div(g, denominator);
      const buffer = slots.momentum_buffer
        ? add(mul(slots.momentum_buffer, this.momentum), step)
        : step;
      out.momentum_buffer = buffer;
      return { value: sub(value, mul(buffer, lr)), slots: out };
    }
    return { value: sub(value, mul(div(g, denominator), lr)), slots: out };
  }
}
