import type { Variable } from '@recur/autograd';
import { type CellState, type RecurrentCell, sequence } from '@recur/cells';
import { type GradientFlowReport, gradientFlow } from '@recur/clipping';
import type { Tensor } from '@recur/tensor';

/**
 * ‖∂L/∂a⟨t⟩‖ for every step of one batch, with the loss read at the last step only.
 *
 * `sequence(…, { everyState: true })` runs the cell step by step (the composed reference path —
 * same weights, same numbers) and returns one Variable per a⟨t⟩ (and c⟨t⟩ for an LSTM);
 * `gradientFlow` then gets all their gradients in one reverse pass. Padded steps (mask 0) carry
 * the state through.
 *
 * Run it inside `tidy`: every intermediate is freed there; parameters' `.grad` are not touched.
 *
 * @param cell the first layer's cell
 * @param x the cell's inputs `[B, T, I]` (embedded or one-hot tokens, or features)
 * @param lossOf the loss from the final hidden state a⟨T⟩ `[B, H]` (and the whole final state,
 *   e.g. to start a decoder from)
 * @param initialState where the recurrence starts (default zeros), e.g. an encoded image
 */
export function stepwiseGradientFlow<S extends CellState>(
  cell: RecurrentCell<S>,
  x: Variable | Tensor,
  mask: Tensor | undefined,
  lossOf: (last: Variable, state: S) => Variable,
  initialState?: S,
): GradientFlowReport {
  const { state, states = [] } = sequence(cell, x, {
    everyState: true,
    ...(mask ? { mask } : {}),
    ...(initialState ? { initialState } : {}),
  });
  const fields = states as unknown as { a: Variable; c?: Variable }[];
  const hidden = fields.map((s) => s.a);
  const loss = lossOf(hidden[hidden.length - 1]!, state);
  return gradientFlow(
    loss,
    cell.stateNames.includes('c') ? { a: hidden, c: fields.map((s) => s.c!) } : { a: hidden },
  );
}
