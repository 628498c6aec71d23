import { defineCell } from '../definition.js';
import { LSTMCell, type LSTMCellOptions } from './cell.js';

/** The LSTM (gate blocks u, f, c̃, o): its registration (`registry.ts`). */
export const lstm = defineCell<LSTMCell>({
  label: 'LSTM',
  description: 'long short-term memory: update, forget and output gates over a memory cell c',
  gates: 4,
  stateNames: ['a', 'c'],
  parameters: { input: 'W_x', recurrent: 'W_a', bias: 'b' },
  optionKeys: ['init', 'forgetBias'],
  make: (options) => new LSTMCell(options as LSTMCellOptions),
  // Keras i, f, c, o and PyTorch i, f, g, o are recur's u, f, c̃, o: nothing is reordered.
  keras: { layer: "lstm({ recurrentActivation: 'sigmoid' })" },
  pytorch: { layer: 'nn.LSTM' },
});
