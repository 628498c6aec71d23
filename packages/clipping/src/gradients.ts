import {
  abs,
  div,
  isTensor,
  keep as keepTensor,
  max,
  mul,
  pow,
  RecurError,
  square,
  stack,
  sum,
  type Tensor,
  tidy,
} from '@recur/tensor';

/**
 * Anything that carries a gradient: an `@recur/autograd` `Variable` (a parameter) or any object
 * with a writable `grad`. Clipping replaces `grad` with a new tensor and disposes the old one
 * (tensors are immutable values, so "in place" means "swap and free").
 */
export interface GradientHolder {
  grad: Tensor | null;
  name?: string | undefined;
}

/**
 * The parameters to clip or measure: an array (names come from each holder's `name`, else
 * `param<i>`), or a record such as a model's `parameters()` (names are the keys).
 */
export type GradientHolders = readonly GradientHolder[] | Readonly<Record<string, GradientHolder>>;

/** A norm order: 2 (Euclidean, the default), 1, any p > 0, or `Infinity` (largest |g|). */
export type NormType = number;

/** A holder with its display name and its index among the holders given. */
export interface NamedHolder {
  name: string;
  holder: GradientHolder;
}

/** Normalizes `params` to named holders (all of them, with or without a gradient). */
export function namedHolders(op: string, params: GradientHolders): NamedHolder[] {
  if (params === null || typeof params !== 'object') {
    throw new RecurError(
      'ARGUMENT',
      `${op}: params must be an array of parameters or a record of them, got ${params === null ? 'null' : typeof params}`,
    );
  }
  const entries: [string | undefined, unknown][] = Array.isArray(params)
    ? (params as readonly GradientHolder[]).map((p) => [undefined, p])
    : Object.entries(params);
  return entries.map(([key, holder], i) => {
    if (holder === null || typeof holder !== 'object' || !('grad' in holder)) {
      throw new RecurError(
        'ARGUMENT',
        `${op}: params[${key ?? i}] must be a parameter (an object with a grad), got ${holder === null ? 'null' : typeof holder}`,
      );
    }
    const h = holder as GradientHolder;
    if (h.grad !== null && !isTensor(h.grad)) {
      throw new RecurError('ARGUMENT', `${op}: params[${key ?? i}].grad must be a Tensor or null`);
    }
    return { name: key ?? h.name ?? `param${i}`, holder: h };
  });
}

/** What {@link gradientNorms} measures. */
export interface GradientNorms {
  /** The norm of all gradients together (the norm of the per-parameter norms). */
  totalNorm: number;
  /** The norm type used. */
  normType: NormType;
  /** One entry per parameter that has a gradient, in the order given (null grads are skipped). */
  parameters: { name: string; norm: number }[];
}

function checkNormType(op: string, normType: unknown): number {
  if (typeof normType !== 'number' || !(normType > 0)) {
    throw new RecurError(
      'ARGUMENT',
      `${op}: normType must be a positive number or Infinity (2 is the Euclidean norm), got ${String(normType)}`,
    );
  }
  return normType;
}

/**
 * Per-parameter "powered" reductions on the gradient's backend: Σ g² for p = 2, max |g| for
 * p = ∞, Σ |g|^p otherwise. All of them are stacked into one small vector and read back at once
 * (one transfer, P numbers), so this runs on a GPU backend without copying gradients to the CPU.
 */
function reduceEach(grads: readonly Tensor[], p: number): Float64Array {
  if (grads.length === 0) return new Float64Array(0);
  const values = tidy(() => {
    const parts = grads.map((g) => {
      if (p === Number.POSITIVE_INFINITY) return max(abs(g));
      if (p === 2) return sum(square(g));
      if (p === 1) return sum(abs(g));
      return sum(pow(abs(g), p));
    });
    return stack(parts).data();
  });
  return Float64Array.from(values);
}

/**
 * The p-norm of one gradient from its reduction `r`, recomputing with a scale when float32
 * overflowed (Σ g² is +Inf although every g is finite, e.g. |g| ≈ 1e20): then
 * ‖g‖ = s · ‖g / s‖ with s = max |g|.
 */
export function normsOf(grads: readonly Tensor[], p: number): number[] {
  const reduced = reduceEach(grads, p);
  const norms = [...reduced].map((r) =>
    p === Number.POSITIVE_INFINITY ? r : p === 1 ? r : p === 2 ? Math.sqrt(r) : r ** (1 / p),
  );
  if (p === Number.POSITIVE_INFINITY) return norms;
  const overflowed = norms.flatMap((n, i) => (n === Number.POSITIVE_INFINITY ? [i] : []));
  if (overflowed.length === 0) return norms;
  const scales = reduceEach(
    overflowed.map((i) => grads[i]!),
    Number.POSITIVE_INFINITY,
  );
  const finiteScale = overflowed.filter((_, k) => Number.isFinite(scales[k]!) && scales[k]! > 0);
  if (finiteScale.length === 0) return norms;
  const rescaled = tidy(() => {
    const parts = finiteScale.map((i) => {
      const k = overflowed.indexOf(i);
      const scaled = div(grads[i]!, scales[k]!);
      return p === 2 ? sum(square(scaled)) : sum(pow(abs(scaled), p));
    });
    return stack(parts).data();
  });
  finiteScale.forEach((i, j) => {
    const s = scales[overflowed.indexOf(i)]!;
    const r = rescaled[j]!;
    norms[i] = s * (p === 2 ? Math.sqrt(r) : r ** (1 / p));
  });
  return norms;
}

/** Combines per-parameter p-norms into the norm of all gradients together (in float64). */
export function combineNorms(norms: readonly number[], p: number): number {
  if (norms.length === 0) return 0;
  if (p === Number.POSITIVE_INFINITY) {
    let m = 0;
    for (const n of norms) m = Number.isNaN(n) || Number.isNaN(m) ? Number.NaN : Math.max(m, n);
    return m;
  }
  // Scale by the largest norm so that summing powers cannot overflow float64 either.
  let scale = 0;
  for (const n of norms)
    scale = Number.isNaN(n) || Number.isNaN(scale) ? Number.NaN : Math.max(scale, n);
  if (!Number.isFinite(scale) || scale === 0) return scale;
  let acc = 0;
  for (const n of norms) acc += (n / scale) ** p;
  return scale * acc ** (1 / p);
}

/**
 * Measures gradients without changing them: the norm of each parameter's gradient and of all of
 * them together, ‖g‖ = (Σ_p Σ_i |g_p,i|^q)^(1/q). One read-back of P numbers (P = parameters
 * with a gradient), whatever the backend. Parameters whose `grad` is null are skipped.
 *
 * @example
 * ```ts
 * const { totalNorm, parameters } = gradientNorms(model.parameters());
 * ```
 */
export function gradientNorms(
  params: GradientHolders,
  options: { normType?: NormType } = {},
): GradientNorms {
  const op = 'gradientNorms';
  const present = namedHolders(op, params).filter((h) => h.holder.grad !== null);
  return measure(op, present, options.normType ?? 2);
}

/** Internal: {@link gradientNorms} over an already-normalized list of holders that have a grad. */
export function measure(
  op: string,
  present: readonly NamedHolder[],
  normType: unknown,
): GradientNorms {
  const p = checkNormType(op, normType);
  const norms = normsOf(
    present.map((h) => h.holder.grad!),
    p,
  );
  return {
    totalNorm: combineNorms(norms, p),
    normType: p,
    parameters: present.map((h, i) => ({ name: h.name, norm: norms[i]! })),
  };
}

/**
 * Replaces each holder's gradient with `fn(grad)`, disposing the old one. The new gradient is
 * kept out of any enclosing `tidy` scope, like the parameter gradients autograd accumulates.
 */
export function replaceGradients(
  present: readonly NamedHolder[],
  fn: (grad: Tensor) => Tensor,
): void {
  for (const { holder } of present) {
    const old = holder.grad!;
    const next = fn(old);
    keepTensor(next);
    holder.grad = next;
    if (next !== old) old.dispose();
  }
}

/** Multiplies every gradient by `coefficient` (see {@link replaceGradients}). */
export function scaleGradients(present: readonly NamedHolder[], coefficient: number): void {
  replaceGradients(present, (g) => mul(g, coefficient));
}
