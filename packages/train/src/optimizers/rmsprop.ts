import { add, div, mul, sqrt, square, sub, type Tensor } from '@recur/tensor';
import type { ParameterSet } from '../parameters.js';
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
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  centered: boolean;

  constructor(params: ParameterSet, options: RMSPropOptions = {}) {
    super('RMSProp', params, options.lr ?? 0.01);
    this.alpha = Optimizer.check('RMSProp', 'alpha', options.alpha ?? 0.99, 0, 1);
    this.eps = Optimizer.check('RMSProp', 'eps', options.eps ?? 1e-8, 0);
    this.weightDecay = Optimizer.check('RMSProp', 'weightDecay', options.weightDecay ?? 0, 0);
    this.momentum = Optimizer.check('RMSProp', 'momentum', options.momentum ?? 0, 0);
    this.centered = options.centered ?? false;
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
    this.alpha = Number(h.alpha);
    this.eps = Number(h.eps);
    this.weightDecay = Number(h.weightDecay);
    this.momentum = Number(h.momentum);
    this.centered = Boolean(h.centered);
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
