import type { Variable } from '@recur/autograd';
import type { CellState, RecurrentCell } from '@recur/cells';
import { mul } from '@recur/tensor';

/** Rows of the fixed batch the gradient diagnostics run on. */
export const FLOW_BATCH = 8;

/** Scales the recurrent weight matrices (`W_ah`, or `W_a` of gated cells) by `gain`. */
export function scaleRecurrentWeights(parameters: Record<string, Variable>, gain: number): void {
  if (gain === 1) return;
  for (const [name, p] of Object.entries(parameters)) {
    if (/\.(W_ah|W_a)$/.test(name)) p.assign(mul(p.value, gain));
  }
}

/** The first layer's forward cell of a recurrent layer. */
export function firstCell(layer: {
  cells: ReadonlyArray<{ forward: unknown }>;
}): RecurrentCell<CellState> {
  return layer.cells[0]!.forward as RecurrentCell<CellState>;
}
