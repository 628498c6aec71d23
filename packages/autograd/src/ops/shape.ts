import type { Tensor } from '@recur/tensor';
import * as T from '@recur/tensor';
import { record, recordOne } from '../record.js';
import type { Variable } from '../variable.js';
import { tensorOf, zerosOn } from './operands.js';

/** An op whose output is a view of its input with another shape; backward views `g` back. */
function view(name: string, x: Variable | Tensor, forward: (x: Tensor) => Tensor): Variable {
  const xv = tensorOf(name, 'x', x);
  const shape = xv.shape;
  return recordOne({
    name,
    inputs: [x],
    outputs: [forward(xv)],
    backward: ([g]) => [g!.reshape(shape)],
  });
}

/** The same values with another shape (one dimension may be -1); no copy. */
export const reshape = (x: Variable | Tensor, shape: readonly number[]): Variable =>
  view('reshape', x, (xv) => T.reshape(xv, shape));
/** Inserts a dimension of size 1 at `axis`. */
export const expandDims = (x: Variable | Tensor, axis = 0): Variable =>
  view('expandDims', x, (xv) => T.expandDims(xv, axis));
/** Removes dimensions of size 1 (only `axis` if given). */
export const squeeze = (x: Variable | Tensor, axis?: number): Variable =>
  view('squeeze', x, (xv) => T.squeeze(xv, axis));

/**
 * The block of `x` at `begin` with extent `size` (-1: to the end). Backward places `g` into
 * zeros of `x`'s shape.
 */
export function slice(
  x: Variable | Tensor,
  begin: readonly number[],
  size?: readonly number[],
): Variable {
  const xv = tensorOf('slice', 'x', x);
  const y = T.slice(xv, begin, size);
  const start = xv.shape.map((_, i) => begin[i] ?? 0);
  return recordOne({
    name: 'slice',
    inputs: [x],
    outputs: [y],
    backward: ([g]) => [padTo(g!, start, xv.shape)],
  });
}

/** `g` placed at `start` inside zeros of `shape`: the adjoint of slice. */
function padTo(g: Tensor, start: readonly number[], shape: readonly number[]): Tensor {
  let out = g;
  for (let axis = 0; axis < shape.length; axis++) {
    const before = start[axis]!;
    const after = shape[axis]! - before - out.shape[axis]!;
    if (before === 0 && after === 0) continue;
    const parts: Tensor[] = [];
    const block = (n: number) =>
      zerosOn(
        g,
        out.shape.map((d, i) => (i === axis ? n : d)),
      );
    if (before > 0) parts.push(block(before));
    parts.push(out);
    if (after > 0) parts.push(block(after));
    out = T.concat(parts, axis);
  }
  return out;
}

/** Joins along `axis`; backward splits `g` into the inputs' extents. */
export function concat(xs: readonly (Variable | Tensor)[], axis = 0): Variable {
  const values = checkList('concat', xs);
  const y = T.concat(values, axis);
  const a = T.normalizeAxis('concat', axis, y.rank);
  return recordOne({
    name: 'concat',
    inputs: xs,
    outputs: [y],
    backward: ([g], needs) =>
      T.split(
        g!,
        values.map((v) => v.shape[a]!),
        a,
      ).map((part, i) => (needs[i] ? part : null)),
  });
}

/** Stacks same-shaped inputs along a new `axis`; backward splits `g` and drops that axis. */
export function stack(xs: readonly (Variable | Tensor)[], axis = 0): Variable {
  const values = checkList('stack', xs);
  const y = T.stack(values, axis);
  const a = T.normalizeAxis('stack', axis, y.rank);
  return recordOne({
    name: 'stack',
    inputs: xs,
    outputs: [y],
    backward: ([g], needs) =>
      T.split(g!, values.length, a).map((part, i) =>
        needs[i] ? part.reshape(values[i]!.shape) : null,
      ),
  });
}

/**
 * Splits along `axis` into `sections` equal parts or parts of the given sizes: one Variable per
 * part. Backward concatenates the parts' gradients (zeros for parts no gradient reached).
 */
export function split(
  x: Variable | Tensor,
  sections: number | readonly number[],
  axis = 0,
): Variable[] {
  const xv = tensorOf('split', 'x', x);
  const parts = T.split(xv, sections, axis);
  const a = T.normalizeAxis('split', axis, xv.rank);
  const shapes = parts.map((p) => p.shape);
  return record({
    name: 'split',
    inputs: [x],
    outputs: parts,
    backward: (gs) => [
      T.concat(
        gs.map((g, i) => g ?? zerosOn(xv, shapes[i]!)),
        a,
      ),
    ],
  });
}

/** Permutes dimensions (reverses them by default); backward applies the inverse permutation. */
export function transpose(x: Variable | Tensor, perm?: readonly number[]): Variable {
  const xv = tensorOf('transpose', 'x', x);
  const y = T.transpose(xv, perm);
  const p = perm ?? xv.shape.map((_, i) => xv.rank - 1 - i);
  const inverse = new Array<number>(p.length);
  p.forEach((from, to) => {
    inverse[from] = to;
  });
  return recordOne({
    name: 'transpose',
    inputs: [x],
    outputs: [y],
    backward: ([g]) => [T.transpose(g!, inverse)],
  });
}

/**
 * Slices of `x` along `axis` picked by int32 `indices` — an embedding lookup. Backward adds each
 * row of `g` back at its index (`scatterAdd`), so repeated indices accumulate.
 */
export function gather(x: Variable | Tensor, indices: Tensor, axis = 0): Variable {
  const xv = tensorOf('gather', 'x', x);
  const y = T.gather(xv, indices, axis);
  const a = T.normalizeAxis('gather', axis, xv.rank);
  return recordOne({
    name: 'gather',
    inputs: [x],
    outputs: [y],
    saved: [indices],
    backward: ([g]) => [T.scatterAdd(g!, indices, xv.shape, a)],
  });
}

function checkList(op: string, xs: readonly (Variable | Tensor)[]): Tensor[] {
  if (!Array.isArray(xs) || xs.length === 0) {
    throw new T.RecurError(
      'ARGUMENT',
      `${op}: xs must be a non-empty array of Variables or Tensors`,
    );
  }
  return xs.map((x, i) => tensorOf(op, `xs[${i}]`, x));
}
