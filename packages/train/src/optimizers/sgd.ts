import { add, mul, RecurError, sub } from '@recur/tensor';
import type { ParameterSet } from '../parameters.js';
import { checkFlag, checkKeys } from '../value-checks.js';
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
  momentum = 0;
  dampening = 0;
  nesterov = false;
  weightDecay = 0;

  constructor(params: ParameterSet, options: SGDOptions) {
    super('SGD', params, options.lr);
    this.setHyperParams(
      SGD.checkHyperParams('SGD', {
        momentum: options.momentum ?? 0,
        dampening: options.dampening ?? 0,
        nesterov: options.nesterov ?? false,
        weightDecay: options.weightDecay ?? 0,
      }),
    );
  }

  /** Validates SGD's hyper-parameters other than `lr`, as saved in its state dict. */
  static checkHyperParams(op: string, h: Readonly<Record<string, unknown>>): HyperParams {
    checkKeys(op, 'hyper-parameters', h, ['momentum', 'dampening', 'nesterov', 'weightDecay']);
    const momentum = Optimizer.check(op, 'momentum', h.momentum, 0);
    const dampening = Optimizer.check(op, 'dampening', h.dampening, 0, 1);
    const nesterov = checkFlag(op, 'nesterov', h.nesterov);
    const weightDecay = Optimizer.check(op, 'weightDecay', h.weightDecay, 0);
    if (nesterov && (momentum <= 0 || dampening !== 0)) {
      throw new RecurError(
        'ARGUMENT',
        `${op}: nesterov needs momentum > 0 and dampening 0, got momentum ${momentum} and dampening ${dampening}`,
      );
    }
    return { momentum, dampening, nesterov, weightDecay };
  }

  protected checkHyperParams(op: string, h: Readonly<Record<string, unknown>>): HyperParams {
    return SGD.checkHyperParams(op, h);
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
    this.momentum = h.momentum as number;
    this.dampening = h.dampening as number;
    this.nesterov = h.nesterov as boolean;
    this.weightDecay = h.weightDecay as number;
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
