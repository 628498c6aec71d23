import { concat, expandDims, reshape, slice, type Tensor, where, zerosLike } from '@recur/tensor';

/**
 * Helpers for the composed (primitive-op) fallbacks of the fused sequence kernels, which run on
 * backends that have no fused implementation of their own (the readable reference the cpu and
 * gpu implementations are tested against).
 */

/** Step `t` of a batch-first `[B, T, F]` tensor, as `[B, F]`. */
export function atStep(x: Tensor, t: number): Tensor {
  const [B, , F] = x.shape as [number, number, number];
  return reshape(slice(x, [0, t, 0], [B, 1, F]), [B, F]);
}

/** Column `t` of a `[B, T]` mask as `[B, 1]` (nonzero = a real step), broadcasting over units. */
export function maskAt(mask: Tensor, t: number): Tensor {
  return slice(mask, [0, t], [mask.shape[0]!, 1]);
}

/** Where `mask` is set, `value`; elsewhere `carried` (a padded step copies the state through). */
export function keepWhereMasked(
  mask: Tensor | undefined,
  t: number,
  value: Tensor,
  carried: Tensor,
): Tensor {
  return mask ? where(maskAt(mask, t), value, carried) : value;
}

/** Zero where the step is padded: padded steps contribute nothing to the weight gradients. */
export function zeroWhereMasked(mask: Tensor | undefined, t: number, value: Tensor): Tensor {
  return mask ? where(maskAt(mask, t), value, zerosLike(value)) : value;
}

/**
 * The state each step started from, batch-first `[B, T, H]`: the outputs shifted by one step in
 * processing order, with the initial state where the recurrence begins.
 */
export function shiftedStates(outputs: Tensor, initial: Tensor, reverse: boolean): Tensor {
  const [B, T, H] = outputs.shape as [number, number, number];
  const first = expandDims(initial, 1);
  if (T === 1) return first;
  return reverse
    ? concat([slice(outputs, [0, 1, 0], [B, T - 1, H]), first], 1)
    : concat([first, slice(outputs, [0, 0, 0], [B, T - 1, H])], 1);
}
