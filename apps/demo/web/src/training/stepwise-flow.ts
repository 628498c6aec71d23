import { reshape, slice, type Variable, where } from '@recur/autograd';
import type { CellState, RecurrentCell } from '@recur/cells';
import { type GradientFlowReport, gradientFlow } from '@recur/clipping';
import { slice as sliceTensor, type Tensor } from '@recur/tensor';

/**
 * ‖∂L/∂a⟨t⟩‖ for every step of one batch, with the loss read at the last step only.
 *
 * The fused sequence kernels keep a⟨t⟩ inside one op, so this runs the same cell step by step
 * (`cell.step`, the composed reference path — same weights, same numbers) to have one Variable
 * per a⟨t⟩ (and c⟨t⟩ for an LSTM), then asks `gradientFlow` for all their gradients in one
 * reverse pass. Padded steps (mask 0) carry the state through, as `sequence` does.
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
  const [B, T, I] = x.shape as [number, number, number];
  let state = initialState ?? cell.zeroState(B);
  const hidden: Variable[] = [];
  const cells: Variable[] = [];
  for (let t = 0; t < T; t++) {
    const xt = reshape(slice(x, [0, t, 0], [B, 1, I]), [B, I]);
    let next = cell.step(xt, state);
    if (mask) {
      const m = sliceTensor(mask, [0, t], [B, 1]);
      const kept: Record<string, Variable> = {};
      for (const name of cell.stateNames) {
        const field = (s: S) => (s as unknown as Record<string, Variable>)[name]!;
        kept[name] = where(m, field(next), field(state));
      }
      next = kept as unknown as S;
    }
    const fields = next as unknown as { a: Variable; c?: Variable };
    hidden.push(fields.a);
    if (fields.c) cells.push(fields.c);
    state = next;
  }
  const loss = lossOf(hidden[T - 1]!, state);
  return gradientFlow(loss, cells.length === T ? { a: hidden, c: cells } : { a: hidden });
}
