import { RecurError, type Rng, zeros } from '@recur/tensor';
import { identity, normal } from '../initializers.js';
import { type CellOptions, initialWeights } from './cell.js';
import { type RnnWeights, VanillaCell } from './vanilla-cell.js';

/** Options of {@link IRNNCell}. */
export interface IRNNCellOptions extends CellOptions {
  /** `W_ah = I × gain` (default 1; Le et al. also try 0.01 for some tasks). */
  gain?: number;
  /** Standard deviation of the Gaussian input weights `W_xh` (default 0.001, Le et al. 2015). */
  inputStd?: number;
  /** Start from these values instead (the cell takes them over); no seed needed then. */
  weights?: RnnWeights;
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
    if (!Number.isFinite(gain))
      throw new RecurError('RANGE', `IRNNCell: gain must be finite, got ${gain}`);
    const draw = (rng: Rng): RnnWeights => ({
      W_xh: normal([options.inputSize, options.hiddenSize], { rng, std: inputStd }),
      W_ah: identity(options.hiddenSize, gain),
      b_h: zeros([options.hiddenSize]),
    });
    super('IRNNCell', options, initialWeights('IRNNCell', options, options.weights, draw));
    this.gain = gain;
  }
}
