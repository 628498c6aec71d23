import { defineCell } from '../definition.js';
import { GRUCell, type GRUCellOptions } from './cell.js';

/**
 * The GRU (gate blocks u, r, ã), "reset before" by default and "reset after" with
 * `resetAfter: true` (a second bias `b_a`): its registration (`registry.ts`).
 */
export const gru = defineCell<GRUCell>({
  label: 'GRU',
  description:
    'gated recurrent unit: update and reset gates ("reset before"; resetAfter: true is PyTorch\'s nn.GRU)',
  gates: 3,
  stateNames: ['a'],
  parameters: { input: 'W_x', recurrent: 'W_a', bias: 'b' },
  optionKeys: ['init', 'resetAfter'],
  make: (options) => new GRUCell(options as GRUCellOptions),
  keras: {
    layer:
      "gru({ recurrentActivation: 'sigmoid' }): resetAfter false (one bias), or true (bias [2, 3H]: b, b_a)",
  },
  // nn.GRU is always "reset after": it imports as resetAfter: true, blocks r z n → u r ã,
  // bias_ih → b and bias_hh → b_a (kept apart: they differ inside the reset).
  pytorch: { layer: 'nn.GRU, as a resetAfter GRUCell (gate blocks r z n reordered to u r ã)' },
});
