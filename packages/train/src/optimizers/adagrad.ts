import { add, div, full, mul, sqrt, square, sub } from '@recur/tensor';
import type { ParameterSet } from '../parameters.js';
import { checkKeys } from '../value-checks.js';
import { type HyperParams, Optimizer, type UpdateInput, type UpdateOutput } from './optimizer.js';

/** Options of {@link Adagrad}. */
export interface AdagradOptions {
  /** Learning rate η (default 0.01). */
  lr?: number;
  /** Learning-rate decay per step (default 0). */
  lrDecay?: number;
  /** L2 penalty λ added to the gradient (default 0). */
  weightDecay?: number;
  /** Starting value of the accumulated squares (default 0). */
  initialAccumulatorValue?: number;
  /** ε added to the denominator, outside the square root (default 1e-10). */
  eps?: number;
}

/**
 * Adagrad with PyTorch's `torch.optim.Adagrad` semantics, for the parameter's t-th update:
 *
 *     g ← g + λ·θ
 *     η_t = η / (1 + (t − 1)·lrDecay)
 *     s ← s + g²                        (`sum`, starts at initialAccumulatorValue)
 *     θ ← θ − η_t · g / (√s + ε)
 *
 * @example
 * ```ts
 * const opt = new Adagrad(model.parameters(), { lr: 0.1 });
 * ```
 */
export class Adagrad extends Optimizer {
  lrDecay = 0;
  weightDecay = 0;
  initialAccumulatorValue = 0;
  eps = 1e-10;

  constructor(params: ParameterSet, options: AdagradOptions = {}) {
    super('Adagrad', params, options.lr ?? 0.01);
    this.setHyperParams(
      Adagrad.checkHyperParams('Adagrad', {
        lrDecay: options.lrDecay ?? 0,
        weightDecay: options.weightDecay ?? 0,
        initialAccumulatorValue: options.initialAccumulatorValue ?? 0,
        eps: options.eps ?? 1e-10,
      }),
    );
  }

  /** Validates Adagrad's hyper-parameters other than `lr`, as saved in its state dict. */
  static checkHyperParams(op: string, h: Readonly<Record<string, unknown>>): HyperParams {
    checkKeys(op, 'hyper-parameters', h, [
      'lrDecay',
      'weightDecay',
      'initialAccumulatorValue',
      'eps',
    ]);
    return {
      lrDecay: Optimizer.check(op, 'lrDecay', h.lrDecay, 0),
      weightDecay: Optimizer.check(op, 'weightDecay', h.weightDecay, 0),
      initialAccumulatorValue: Optimizer.check(
        op,
        'initialAccumulatorValue',
        h.initialAccumulatorValue,
        0,
      ),
      eps: Optimizer.check(op, 'eps', h.eps, 0),
    };
  }

  protected checkHyperParams(op: string, h: Readonly<Record<string, unknown>>): HyperParams {
    return Adagrad.checkHyperParams(op, h);
  }

  protected hyperParams(): HyperParams {
    return {
      lrDecay: this.lrDecay,
      weightDecay: this.weightDecay,
      initialAccumulatorValue: this.initialAccumulatorValue,
      eps: this.eps,
    };
  }

  protected setHyperParams(h: HyperParams): void {
    this.lrDecay = h.lrDecay as number;
    this.weightDecay = h.weightDecay as number;
    this.initialAccumulatorValue = h.initialAccumulatorValue as number;
    this.eps = h.eps as number;
  }

  protected update({ value, grad, slots, step, lr }: UpdateInput): UpdateOutput {
    const g = this.weightDecay !== 0 ? add(grad, mul(value, this.weightDecay)) : grad;
    const clr = lr / (1 + (step - 1) * this.lrDecay);
    const previous = slots.sum ?? full(value.shape, this.initialAccumulatorValue);
    const accumulated = add(previous, square(g));
    const std = add(sqrt(accumulated), this.eps);
    return { value: sub(value, mul(div(g, std), clr)), slots: { sum: accumulated } };
  }
}
