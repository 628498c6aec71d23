import type { ArgReduceOp, DType, ReduceOp, TypedArray } from '../backend.js';
import { type Shape, sizeOf } from '../shape.js';
import { alloc, transposeValues } from './layout.js';

/**
 * Reduces `xs` (of `shape`) over the sorted, distinct `axes`. Sums accumulate in float64. When
 * the axes form one contiguous block (the usual case: the last axis, the batch axis, all axes)
 * the input is read in place as `[outer, reduced, inner]`; otherwise it is first transposed so
 * the reduced axes come last.
 */
export function reduceValues(
  op: ReduceOp,
  xs: TypedArray,
  shape: Shape,
  axes: readonly number[],
  dtype: DType,
): TypedArray {
  const contiguous = axes.every((a, i) => i === 0 || a === axes[i - 1]! + 1);
  let src = xs;
  let outer: number;
  let reduced: number;
  let inner: number;
  if (contiguous && axes.length > 0) {
    outer = sizeOf(shape.slice(0, axes[0]));
    reduced = sizeOf(axes.map((a) => shape[a]!));
    inner = sizeOf(shape.slice(axes[axes.length - 1]! + 1));
  } else {
    const keep = shape.map((_, i) => i).filter((i) => !axes.includes(i));
    src = axes.length === 0 ? xs : transposeValues(xs, shape, [...keep, ...axes], dtype);
    outer = sizeOf(keep.map((a) => shape[a]!));
    reduced = sizeOf(axes.map((a) => shape[a]!));
    inner = 1;
  }
  const out = alloc(op === 'mean' ? 'float32' : dtype, outer * inner);
  const acc = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    const base = o * reduced * inner;
    if (op === 'sum' || op === 'mean') {
      acc.fill(0);
      for (let r = 0; r < reduced; r++) {
        const row = base + r * inner;
        for (let i = 0; i < inner; i++) acc[i]! += src[row + i]!;
      }
      if (op === 'mean') for (let i = 0; i < inner; i++) acc[i]! /= reduced;
    } else {
      const isMax = op === 'max';
      acc.fill(isMax ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY);
      for (let r = 0; r < reduced; r++) {
        const row = base + r * inner;
        for (let i = 0; i < inner; i++) {
          const v = src[row + i]!;
          const a = acc[i]!;
          // NaN wins: once acc is NaN no comparison replaces it
          if (isMax ? v > a || Number.isNaN(v) : v < a || Number.isNaN(v)) acc[i] = v;
        }
      }
    }
    out.set(acc, o * inner);
  }
  return out;
}

/** Index of the max/min along `axis` (the first on ties, the first NaN if any); int32. */
export function argReduceValues(
  op: ArgReduceOp,
  xs: TypedArray,
  shape: Shape,
  axis: number,
): Int32Array {
  const dim = shape[axis]!;
  const inner = sizeOf(shape.slice(axis + 1));
  const outer = sizeOf(shape.slice(0, axis));
  const out = new Int32Array(outer * inner);
  const isMax = op === 'argmax';
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * dim * inner + i;
      let best = xs[base]!;
      let at = 0;
      for (let d = 1; d < dim && !Number.isNaN(best); d++) {
        const v = xs[base + d * inner]!;
        if (Number.isNaN(v) || (isMax ? v > best : v < best)) {
          best = v;
          at = d;
        }
      }
      out[o * inner + i] = at;
    }
  }
  return out;
}

/**
 * Softmax (or log-softmax) along `axis`, stable for any magnitude: `exp(x - max) / Σ exp(x - max)`,
 * log form `x - max - log Σ exp(x - max)`, with the sum in float64. A row whose max is +Inf
 * takes the limit: its +Inf entries share the probability, every other entry gets 0 (log −Inf).
 */
/** `x − max`, where a +Inf max leaves 0 for the +Inf entries and −Inf for the rest (not NaN). */
function shifted(x: number, max: number): number {
  return max === Number.POSITIVE_INFINITY ? (x === max ? 0 : Number.NEGATIVE_INFINITY) : x - max;
}

export function softmaxValues(
  xs: TypedArray,
  shape: Shape,
  axis: number,
  log: boolean,
): Float32Array {
  const dim = shape[axis]!;
  const inner = sizeOf(shape.slice(axis + 1));
  const outer = sizeOf(shape.slice(0, axis));
  const out = new Float32Array(xs.length);
  const e = new Float64Array(dim);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * dim * inner + i;
      const end = base + dim * inner;
      let mx = Number.NEGATIVE_INFINITY;
      for (let j = base; j < end; j += inner) {
        const v = xs[j]!;
        if (v > mx || Number.isNaN(v)) mx = v;
      }
      // an all -Inf row: exp(-Inf - 0) = 0 everywhere, so the result is NaN (0/0), as in NumPy
      if (mx === Number.NEGATIVE_INFINITY) mx = 0;
      let total = 0;
      if (log) {
        for (let j = base; j < end; j += inner) total += Math.exp(shifted(xs[j]!, mx));
        // (x - max) - log Σ: subtracting max first keeps precision when |max| is huge
        const logTotal = Math.log(total);
        for (let j = base; j < end; j += inner) out[j] = shifted(xs[j]!, mx) - logTotal;
      } else {
        for (let j = base, d = 0; j < end; j += inner, d++) {
          e[d] = Math.exp(shifted(xs[j]!, mx));
          total += e[d]!;
        }
        for (let j = base, d = 0; j < end; j += inner, d++) out[j] = e[d]! / total;
      }
    }
  }
  return out;
}
