import type { Rng } from '@recur/tensor';
import { zeros } from '@recur/tensor';
import { glorotUniform, orthogonal, uniformHidden } from '../../initializers.js';
import { type CellOptions, checkInit, initialWeights } from '../cell.js';
import type { WeightValues } from '../weights.js';
import { type RnnWeights, VanillaCell, vanillaShapes } from './vanilla-cell.js';

/** Options of {@link RNNCell}. */
export interface RNNCellOptions extends CellOptions {
  /**
   * How to draw the initial weights: `keras` (default: Glorot-uniform `W_xh`, orthogonal `W_ah`,
   * zero `b_h`) or `uniform` (PyTorch: everything uniform in ±1/√H).
   */
  init?: 'keras' | 'uniform';
  /**
   * Start from these values instead; no seed needed then. Tensors are taken over, Variables'
   * current values used without taking them over (see {@link WeightValues}).
   */
  weights?: WeightValues<RnnWeights>;
}

function draw(
  { inputSize: I, hiddenSize: H, init = 'keras' }: RNNCellOptions,
  rng: Rng,
): RnnWeights {
  if (init === 'uniform') {
    return {
      W_xh: uniformHidden([I, H], H, { rng }),
      W_ah: uniformHidden([H, H], H, { rng }),
      b_h: uniformHidden([H], H, { rng }),
    };
  }
  return {
    W_xh: glorotUniform([I, H], { rng }),
    W_ah: orthogonal([H, H], { rng }),
    b_h: zeros([H]),
  };
}

/**
 * The article's vanilla RNN cell:
 *
 *     a⟨t⟩ = tanh(x⟨t⟩ W_xh + a⟨t−1⟩ W_ah + b_h)
 *
 * with `W_xh [I, H]`, `W_ah [H, H]`, `b_h [H]` and batch-first rows (`x⟨t⟩` is `[B, I]`). The
 * output layer (`W_ao`, `b_o`) belongs to the architecture, not the cell.
 *
 * ```ts
 * const cell = new RNNCell({ inputSize: 8, hiddenSize: 32, seed: 1 });
 * const { a } = cell.step(x, cell.zeroState(4));
 * ```
 */
export class RNNCell extends VanillaCell {
  readonly kind = 'rnn';
  readonly activation = 'tanh';

  constructor(options: RNNCellOptions) {
    super(
      'RNNCell',
      options,
      initialWeights<RnnWeights>('RNNCell', options, {
        options: ['init'],
        check: () => checkInit('RNNCell', options.init),
        shapes: vanillaShapes,
        draw: (rng) => draw(options, rng),
      }),
    );
  }
}
