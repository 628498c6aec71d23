import { RecurError, type Rng, zeros } from '@recur/tensor';
import { identity, normal } from '../../initializers.js';
import { type CellOptions, initialWeights } from '../cell.js';
import { type RnnWeights, VanillaCell, vanillaShapes } from '../rnn/vanilla-cell.js';
import type { WeightValues } from '../weights.js';

/** Options of {@link IRNNCell}. */
export interface IRNNCellOptions extends CellOptions {
  /** `W_ah = I × gain` (default 1; Le et al. also try 0.01 for some tasks). */
  gain?: number;
  /** Standard deviation of the Gaussian input weights `W_xh` (default 0.001, Le et al. 2015). */
  inputStd?: number;
  /**
   * Start from these values instead; no seed needed then. Tensors are taken over, Variables'
   * current values used without taking them over (see {@link WeightValues}).
   */
  weights?: WeightValues<RnnWeights>;
}

/**
 * The identity RNN of Le, Jaitly & Hinton (2015): the vanilla cell with ReLU,
 *
 *     a⟨t⟩ = relu(x⟨t⟩ W_xh + a⟨t−1⟩ W_ah + b_h)
 *
 * initialised with `W_ah = I × gain`, `b_h = 0` and small Gaussian input weights
 * `W_xh ~ N(0, 0.001²)`. While units stay active the backward pass multiplies by the identity,
 * so the gradient neither vanishes nor explodes.
 */
export class IRNNCell extends VanillaCell {
  readonly kind = 'irnn';
  readonly activation = 'relu';
  /** The identity's scale. */
  readonly gain: number;

  constructor(options: IRNNCellOptions) {
    const { gain = 1, inputStd = 0.001 } = options;
    const check = () => {
      if (!Number.isFinite(gain))
        throw new RecurError('RANGE', `IRNNCell: gain must be finite, got ${gain}`);
      if (!(inputStd >= 0 && Number.isFinite(inputStd)))
        throw new RecurError('RANGE', `IRNNCell: inputStd must be finite and ≥ 0, got ${inputStd}`);
    };
    const draw = (rng: Rng): RnnWeights => ({
      W_xh: normal([options.inputSize, options.hiddenSize], { rng, std: inputStd }),
      W_ah: identity(options.hiddenSize, gain),
      b_h: zeros([options.hiddenSize]),
    });
    const weights = initialWeights<RnnWeights>('IRNNCell', options, {
      options: ['gain', 'inputStd'],
      check,
      shapes: vanillaShapes,
      draw,
    });
    super('IRNNCell', options, weights);
    this.gain = gain;
  }
}
