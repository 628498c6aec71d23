import type { Variable } from '@recur/autograd';
import { CELLS, type CellKind, type CellState, type RecurrentCell } from '@recur/cells';
import { mul } from '@recur/tensor';

/** Rows of the fixed batch the gradient diagnostics run on. */
export const FLOW_BATCH = 8;

/**
 * Scales the recurrent weight matrices of a model's recurrent layers (`….layer{l}.{direction}.`
 * and the role the cell registry names recurrent: `W_ah`, or `W_a` of gated cells) by `gain`.
 * Other weights that share the name (a Luong attention's `attention.W_a`) are left alone.
 */
export function scaleRecurrentWeights(
  parameters: Record<string, Variable>,
  cell: CellKind,
  gain: number,
): void {
  if (gain === 1) return;
  const recurrent = CELLS[cell].parameters.recurrent;
  const pattern = new RegExp(`(^|\\.)layer\\d+\\.(forward|backward)\\.${recurrent}$`);
  for (const [name, p] of Object.entries(parameters)) {
    if (pattern.test(name)) p.assign(mul(p.value, gain));
  }
}

/** The first layer's forward cell of a recurrent layer. */
export function firstCell(layer: {
  cells: ReadonlyArray<{ forward: unknown }>;
}): RecurrentCell<CellState> {
  return layer.cells[0]!.forward as RecurrentCell<CellState>;
}
