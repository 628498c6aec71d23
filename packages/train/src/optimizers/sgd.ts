import { add, mul, RecurError, sub } from '@recur/tensor';
import type { ParameterSet } from '../parameters.js';
import { type HyperParams, Optimizer, type UpdateInput, type UpdateOutput } from './optimizer.js';

/** Options of {@link SGD}. */
export interface SGDOptions {
  /** Learning rate η (required, ≥ 0). */
  lr: number;
  /** Momentum μ (default 0: plain SGD). */
  momentum?: number;
  /** Dampening of the gradient in the momentum buffer (default 0). */
  dampening?: number;
  /** Nesterov momentum (needs momentum > 0 and dampening 0). */
  nesterov?: boolean;
  /** L2 penalty λ added to the gradient (default 0). */
  weightDecay?: number;
}

/**
 * Stochastic gradient descent with momentum, Nesterov momentum and weight decay — PyTorch's
 * `torch.optim.SGD` semantics:
 *
 *     g ← g + λ·θ                                   (weight decay, as an L2 gradient)
 *     b ← g                      on the first step   (buffer `momentum_buffer`)
 *     b ← μ·b + (1 − dampening)·g                    afterwards
 *     g ← g + μ·b  (Nesterov)   or   g ← b
 *     θ ← θ − η·g
 *
 * @example
 * ```ts
 * const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9, nesterov: true });
 * ```
 */
export class SGD extends Optimizer {
  momentum: number;
  dampening: number;
  nesterov: boolean;
  weightDecay: number;

  constructor(params: ParameterSet, options: SGDOptions) {
    super('SGD', params, options.lr);
    this.momentum = Optimizer.check('SGD', 'momentum', options.momentum ?? 0, 0);
    this.dampening = Optimizer.check('SGD', 'dampening', options.dampening ?? 0, 0, 1);
    this.nesterov = options.nesterov ?? false;
    this.weightDecay = Optimizer.check('SGD', 'weightDecay', options.weightDecay ?? 0, 0);
    this.#checkNesterov();
  }

  #checkNesterov(): void {
    if (this.nesterov && (this.momentum <= 0 || this.dampening !== 0)) {
      throw new RecurError(
        'ARGUMENT',
        `SGD: nesterov needs momentum > 0 and dampening 0, got momentum ${this.momentum} and dampening ${this.dampening}`,
      );
    }
  }

  protected hyperParams(): HyperParams {
    return {
      momentum: this.momentum,
      dampening: this.dampening,
      nesterov: this.nesterov,
      weightDecay: this.weightDecay,
    };
  }

  protected setHyperParams(h: HyperParams): void {
    this.momentum = Number(h.momentum);
    this.dampening = Number(h.dampening);
    this.nesterov = Boolean(h.nesterov);
    this.weightDecay = Number(h.weightDecay);
    this.#checkNesterov();
  }

  protected update({ value, grad, slots, lr }: UpdateInput): UpdateOutput {
    let g = this.weightDecay !== 0 ? add(grad, mul(value, this.weightDecay)) : grad;
    if (this.momentum === 0) return { value: sub(value, mul(g, lr)), slots: {} };
    const previous = slots.momentum_buffer;
    const buffer = previous
      ? add(mul(previous, this.momentum), this.dampening !== 0 ? mul(g, 1 - this.dampening) : g)
      : // PyTorch clones g into the first buffer; a view is the same immutable value.
        g.reshape(g.shape);
    g = this.nesterov ? add(g, mul(buffer, this.momentum)) : buffer;
    return { value: sub(value, mul(g, lr)), slots: { momentum_buffer: buffer } };
  }
}
