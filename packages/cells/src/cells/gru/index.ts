import { defineCell } from '../definition.js';
import { GRUCell, type GRUCellOptions } from './cell.js';

/** The GRU, "reset before" (gate blocks u, r, ã): its registration (`registry.ts`). */
export const gru = defineCell<GRUCell>({
  label: 'GRU',
  description:
    'gated recurrent unit ("reset before", Keras reset_after=false): update and reset gates',
  gates: 3,
  stateNames: ['a'],
  parameters: { input: 'W_x', recurrent: 'W_a', bias: 'b' },
  optionKeys: ['init'],
  make: (options) => new GRUCell(options as GRUCellOptions),
  keras: { layer: "gru({ resetAfter: false, recurrentActivation: 'sigmoid' })" },
  pytorch: {
    refused:
      'PyTorch\'s nn.GRU computes "reset after" (n = tanh(x W_in + b_in + r ⊙ (a W_hn + b_hn))); recur\'s GRUCell computes "reset before" (docs/notation.md), so GRU weights cannot move between them without changing what the model computes',
  },
});
