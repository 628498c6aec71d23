import { clamp, RecurError } from '@recur/tensor';
import { type GradientHolders, measure, namedHolders, replaceGradients } from './gradients.js';

/** Options of {@link clipGradValue}. */
export interface ClipGradValueOptions {
  /** Throw `RecurError('NONFINITE')` naming the parameters whose gradients hold NaN or ±Inf. */
  errorIfNonfinite?: boolean;
}

/** What {@link clipGradValue} did. */
export interface ClipGradValueResult {
  /** The largest |g| over all gradients before clipping (the ∞-norm). */
  maxAbs: number;
  /** Whether any element was clamped (`maxAbs > clipValue`). */
  clipped: boolean;
  /** Whether every gradient element was finite before clipping. */
  finite: boolean;
  /** The largest |g| of each parameter's gradient before clipping (null gradients skipped). */
  parameters: { name: string; norm: number }[];
}

/**
 * Gradient value clipping, element-wise: `g ← min(max(g, −v), v)` for every parameter — what
 * min-char-rnn and char-rnn call `grad_clip = 5`. Unlike norm scaling it changes the gradient's
 * direction. When nothing exceeds `v` the gradients are left as they are (no new tensors).
 *
 * Non-finite elements: ±Inf become ±v and NaN stays NaN (the clamp's semantics); `finite: false`
 * in the result says it happened, and `errorIfNonfinite` throws `RecurError('NONFINITE')` naming
 * the parameters instead of clipping.
 *
 * Cost: one max-|g| reduction per parameter and one read-back of P numbers, then one clamp per
 * parameter when clipping — never a read-back of the gradients, so it runs on the GPU backend.
 *
 * @param params Variables (or any `{ grad }` holders), as an array or a record of named ones.
 * @param clipValue v ≥ 0.
 * @example
 * ```ts
 * backward(loss);
 * clipGradValue(model.parameters(), 5);
 * ```
 */
export function clipGradValue(
  params: GradientHolders,
  clipValue: number,
  options: ClipGradValueOptions = {},
): ClipGradValueResult {
  const op = 'clipGradValue';
  if (typeof clipValue !== 'number' || Number.isNaN(clipValue) || clipValue < 0) {
    throw new RecurError(
      'RANGE',
      `${op}: clipValue must be a number >= 0, got ${String(clipValue)}`,
    );
  }
  const present = namedHolders(op, params).filter((h) => h.holder.grad !== null);
  const measured = measure(op, present, Number.POSITIVE_INFINITY);
  const maxAbs = measured.totalNorm;
  const finite = Number.isFinite(maxAbs);
  if (!finite && options.errorIfNonfinite) {
    const bad = measured.parameters.filter((p) => !Number.isFinite(p.norm));
    throw new RecurError(
      'NONFINITE',
      `${op}: non-finite gradients in ${bad.map((p) => `'${p.name}' (max |g| ${p.norm})`).join(', ')}`,
    );
  }
  const clipped = !(maxAbs <= clipValue);
  if (clipped) {
    const over = present.filter((_, i) => !(measured.parameters[i]!.norm <= clipValue));
    replaceGradients(over, (g) => clamp(g, -clipValue, clipValue));
  }
  return { maxAbs, clipped, finite, parameters: measured.parameters };
}
