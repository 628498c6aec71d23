import type { DType, TypedArray } from '../backend.js';
import { type Shape, sizeOf, stridesOf } from '../shape.js';

/** A zeroed array of `size` elements of `dtype`. */
export function alloc(dtype: DType, size: number): TypedArray {
  return dtype === 'int32' ? new Int32Array(size) : new Float32Array(size);
}

/** `xs` (of `shape`) with its dimensions permuted by `perm`, as a new array. */
export function transposeValues(
  xs: TypedArray,
  shape: Shape,
  perm: readonly number[],
  dtype: DType,
): TypedArray {
  const out = alloc(dtype, xs.length);
  if (xs.length === 0) return out;
  const rank = shape.length;
  const inStrides = stridesOf(shape);
  const outShape = perm.map((p) => shape[p]!);
  const strides = perm.map((p) => inStrides[p]!);
  // the innermost output dimension is copied in a tight loop with its input stride
  const inner = rank > 0 ? outShape[rank - 1]! : 1;
  const step = rank > 0 ? strides[rank - 1]! : 0;
  const idx = new Array<number>(rank).fill(0);
  let src = 0;
  for (let n = 0; n < out.length; n += inner) {
    for (let j = 0, s = src; j < inner; j++, s += step) out[n + j] = xs[s]!;
    for (let d = rank - 2; d >= 0; d--) {
      idx[d]!++;
      src += strides[d]!;
      if (idx[d]! < outShape[d]!) break;
      src -= strides[d]! * idx[d]!;
      idx[d] = 0;
    }
  }
  return out;
}

/** The block of `xs` (of `shape`) at `begin` with extent `size`, copied in contiguous runs. */
export function sliceValues(
  xs: TypedArray,
  shape: Shape,
  begin: readonly number[],
  size: readonly number[],
  dtype: DType,
): TypedArray {
  const out = alloc(dtype, sizeOf(size));
  const rank = shape.length;
  if (out.length === 0) return out;
  const strides = stridesOf(shape);
  const run = rank > 0 ? size[rank - 1]! : 1;
  const outer = out.length / run;
  const idx = new Array<number>(Math.max(rank - 1, 0)).fill(0);
  for (let o = 0; o < outer; o++) {
    let src = rank > 0 ? begin[rank - 1]! : 0;
    for (let d = 0; d < rank - 1; d++) src += (begin[d]! + idx[d]!) * strides[d]!;
    out.set(xs.subarray(src, src + run), o * run);
    for (let d = rank - 2; d >= 0; d--) {
      idx[d]!++;
      if (idx[d]! < size[d]!) break;
      idx[d] = 0;
    }
  }
  return out;
}

/** Joins `parts` (values with their shapes) along `axis` into `outShape`. */
export function concatValues(
  parts: readonly { values: TypedArray; shape: Shape }[],
  axis: number,
  outShape: Shape,
  dtype: DType,
): TypedArray {
  const out = alloc(dtype, sizeOf(outShape));
  const outer = sizeOf(outShape.slice(0, axis));
  const outRow = sizeOf(outShape.slice(axis));
  let offset = 0;
  for (const { values, shape } of parts) {
    const row = sizeOf(shape.slice(axis));
    for (let o = 0; o < outer; o++)
      out.set(values.subarray(o * row, (o + 1) * row), o * outRow + offset);
    offset += row;
  }
  return out;
}

/** Rows of `xs` (of `shape`) along `axis` picked by `indices` (already range-checked). */
export function gatherValues(
  xs: TypedArray,
  shape: Shape,
  indices: TypedArray,
  axis: number,
  outSize: number,
  dtype: DType,
): TypedArray {
  const out = alloc(dtype, outSize);
  const outer = sizeOf(shape.slice(0, axis));
  const dim = shape[axis]!;
  const inner = sizeOf(shape.slice(axis + 1));
  let p = 0;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < indices.length; i++) {
      const src = (o * dim + indices[i]!) * inner;
      if (inner === 1) out[p] = xs[src]!;
      else out.set(xs.subarray(src, src + inner), p);
      p += inner;
    }
  }
  return out;
}

/** Zeros of `outShape` with each slice of `updates` added at row `indices[i]` along `axis`. */
export function scatterAddValues(
  updates: TypedArray,
  indices: TypedArray,
  axis: number,
  outShape: Shape,
  dtype: DType,
): TypedArray {
  const out = alloc(dtype, sizeOf(outShape));
  const outer = sizeOf(outShape.slice(0, axis));
  const dim = outShape[axis]!;
  const inner = sizeOf(outShape.slice(axis + 1));
  let p = 0;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < indices.length; i++) {
      const dst = (o * dim + indices[i]!) * inner;
      for (let j = 0; j < inner; j++) out[dst + j]! += updates[p + j]!;
      p += inner;
    }
  }
  return out;
}
