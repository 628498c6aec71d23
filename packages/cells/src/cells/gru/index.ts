import { defineCell } from '../definition.js';
import { GRUCell, type GRUCellOptions } from './cell.js';

/**
 * The GRU (gate blocks u, r, ã), "reset before" or, with `resetAfter: true`, "reset after":
 * its registration (`registry.ts`).
 */
export const gru = defineCell<GRUCell>({
  label: 'GRU',
  description:
    'gated recurrent unit (reset before, or reset after with resetAfter): update and reset gates',
  gates: 3,
  stateNames: ['a'],
  parameters: { input: 'W_x', recurrent: 'W_a', bias: 'b' },
  optionKeys: ['init', 'resetAfter', 'recurrentActivation'],
  make: (options) => new GRUCell(options as GRUCellOptions),
  keras: {
    layer:
      "gru({ recurrentActivation: 'sigmoid' }): resetAfter false (one bias), or true (bias [2, 3H]: b, b_a)",
  },
  // nn.GRU is always "reset after": it is a resetAfter GRUCell, gate blocks r z n → u r ã,
  // bias_ih → b and bias_hh → b_a (kept apart: they differ inside the reset). A reset-before
  // GRU has no PyTorch form; the architectures' naming refuses it by its config.
  pytorch: { layer: 'nn.GRU, as a resetAfter GRUCell (gate blocks r z n reordered to u r ã)' },
});
