import { RecurError } from '@recur/tensor';
import {
  type GradientHolders,
  measure,
  type NormType,
  namedHolders,
  scaleGradients,
} from './gradients.js';

/** Options of {@link clipGradNorm}. */
export interface ClipGradNormOptions {
  /** 2 (default), 1, any p > 0, or `Infinity` (the largest |g| over all parameters). */
  normType?: NormType;
  /**
   * Throw `RecurError('NONFINITE')` naming the parameters whose gradients hold NaN or ±Inf when
   * the total norm is not finite. Default `false`: the gradients are left unchanged and the
   * result says `finite: false` (see {@link clipGradNorm}).
   */
  errorIfNonfinite?: boolean;
}

/** What {@link clipGradNorm} did. */
export interface ClipGradNormResult {
  /** The norm of all gradients together, before clipping (NaN or Inf when some gradient is). */
  totalNorm: number;
  /** The factor every gradient was multiplied by: `maxNorm / totalNorm` when clipped, else 1. */
  coefficient: number;
  /** Whether the gradients were scaled (`totalNorm > maxNorm`). */
  clipped: boolean;
  /** Whether `totalNorm` is finite. When it is not, nothing was changed. */
  finite: boolean;
  /** The norm type used. */
  normType: NormType;
  /** The norm of each parameter's gradient before clipping (null gradients are skipped). */
  parameters: { name: string; norm: number }[];
}

/**
 * Gradient norm scaling (Pascanu, Mikolov & Bengio 2013, Algorithm 1) over **all** parameters
 * together:
 *
 *     n = (Σ_p Σ_i |g_p,i|^q)^(1/q)        if n > τ:  g ← g · τ / n        return n
 *
 * The direction of the whole gradient is kept and its length becomes exactly τ (`maxNorm`).
 * When `n ≤ τ` (including `n == τ` and all-zero gradients) nothing changes and no tensor is
 * created. Parameters whose `grad` is null are skipped. Clipping replaces each `grad` with the
 * scaled tensor and disposes the old one.
 *
 * Cost: one reduction per parameter, then one read-back of P numbers (the per-parameter norms)
 * — never the gradients themselves — so it runs on the GPU backend too. The total is combined
 * in float64, and a float32 overflow of Σ g² (|g| ≳ 1e19) is recomputed with a scale, so a huge
 * but finite gradient is clipped rather than reported as infinite.
 *
 * Non-finite total (some gradient holds NaN or ±Inf): with `errorIfNonfinite` it throws
 * `RecurError('NONFINITE')` naming those parameters; otherwise the gradients are left
 * **unchanged** and the result has `finite: false`, `clipped: false`, `coefficient: 1`. This
 * differs from PyTorch's `clip_grad_norm_`, which multiplies by `τ / (n + 1e-6)` anyway (NaN
 * everywhere for a NaN total, 0 and NaN for +Inf): leaving them alone keeps the evidence, and the
 * caller decides (the `@recur/train` Trainer skips the step or stops). PyTorch also adds 1e-6 to
 * the denominator; here the coefficient is exactly `τ / n`, so the clipped norm equals τ.
 *
 * @param params Variables (or any `{ grad }` holders), as an array or a record of named ones.
 * @param maxNorm τ, ≥ 0 (`Infinity` never clips but still measures).
 * @example
 * ```ts
 * backward(loss);
 * const { totalNorm, clipped } = clipGradNorm(model.parameters(), 1.0);
 * ```
 */
export function clipGradNorm(
  params: GradientHolders,
  maxNorm: number,
  options: ClipGradNormOptions = {},
): ClipGradNormResult {
  const op = 'clipGradNorm';
  if (typeof maxNorm !== 'number' || Number.isNaN(maxNorm) || maxNorm < 0) {
    throw new RecurError('RANGE', `${op}: maxNorm must be a number >= 0, got ${String(maxNorm)}`);
  }
  const present = namedHolders(op, params).filter((h) => h.holder.grad !== null);
  const measured = measure(op, present, options.normType ?? 2);
  const { totalNorm } = measured;
  const finite = Number.isFinite(totalNorm);
  if (!finite) {
    if (options.errorIfNonfinite) {
      const bad = measured.parameters.filter((p) => !Number.isFinite(p.norm));
      const list = bad.map((p) => `'${p.name}' (norm ${p.norm})`).join(', ');
      throw new RecurError(
        'NONFINITE',
        `${op}: the total gradient norm is ${totalNorm}; non-finite gradients in ${list}`,
      );
    }
    return { ...measured, coefficient: 1, clipped: false, finite };
  }
  if (!(totalNorm > maxNorm)) return { ...measured, coefficient: 1, clipped: false, finite };
  const coefficient = maxNorm / totalNorm;
  scaleGradients(present, coefficient);
  return { ...measured, coefficient, clipped: true, finite };
}
