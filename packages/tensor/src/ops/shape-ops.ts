import type { DType } from '../backend.js';
import { checkDTypeName } from '../dtype.js';
import { formatShape, RecurError } from '../errors.js';
import { checkShape, normalizeAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkDType, checkTensor, sameBackend, wrap } from './check.js';

/** A view of `x` with another shape (no copy); one dimension may be -1. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor('reshape', 'x', x);
  return x.reshape(shape);
}

/** Inserts a dimension of size 1 at `axis`. */
export function expandDims(x: Tensor, axis = 0): Tensor {
  checkTensor('expandDims', 'x', x);
  const a = normalizeAxis('expandDims', axis, x.rank + 1);
  const shape = [...x.shape];
  shape.splice(a, 0, 1);
  return x.reshape(shape);
}

/** Removes dimensions of size 1 (only `axis` if given). */
export function squeeze(x: Tensor, axis?: number): Tensor {
  checkTensor('squeeze', 'x', x);
  if (axis === undefined) return x.reshape(x.shape.filter((d) => d !== 1));
  const a = normalizeAxis('squeeze', axis, x.rank);
  if (x.shape[a] !== 1) {
    throw new RecurError(
      'SHAPE',
      `squeeze: axis ${axis} of ${formatShape(x.shape)} has size ${x.shape[a]}, not 1`,
    );
  }
  return x.reshape(x.shape.filter((_, i) => i !== a));
}

/**
 * The block of `x` starting at `begin` with extent `size` (-1: to the end). Missing trailing
 * entries take the whole dimension.
 */
export function slice(x: Tensor, begin: readonly number[], size?: readonly number[]): Tensor {
  checkTensor('slice', 'x', x);
  if (begin.length > x.rank || (size && size.length > x.rank)) {
    throw new RecurError(
      'SHAPE',
      `slice: begin [${begin.join(',')}] has more entries than x ${formatShape(x.shape)} has dimensions`,
    );
  }
  const b: number[] = [];
  const s: number[] = [];
  for (let i = 0; i < x.rank; i++) {
    const dim = x.shape[i]!;
    const start = begin[i] ?? 0;
    const extent = size?.[i] ?? -1;
    const len = extent === -1 ? dim - start : extent;
    if (
      !Number.isInteger(start) ||
      start < 0 ||
      start > dim ||
      !Number.isInteger(len) ||
      len < 0 ||
      start + len > dim
    ) {
      throw new RecurError(
        'RANGE',
        `slice: dimension ${i} of x ${formatShape(x.shape)} has size ${dim}; begin ${start} with size ${extent} is out of range`,
      );
    }
    b.push(start);
    s.push(len);
  }
  return wrap(x.backend, x.backend.slice(x, b, s), s, x.dtype);
}

/** Joins tensors along `axis`; every other dimension must match. */
export function concat(xs: readonly Tensor[], axis = 0): Tensor {
  if (!Array.isArray(xs as unknown) || xs.length === 0) {
    throw new RecurError('ARGUMENT', 'concat: xs must be a non-empty array of tensors');
  }
  xs.forEach((x, i) => {
    checkTensor('concat', `xs[${i}]`, x);
  });
  const backend = sameBackend('concat', xs);
  const first = xs[0]!;
  const a = normalizeAxis('concat', axis, first.rank);
  const outShape = [...first.shape];
  outShape[a] = 0;
  xs.forEach((x, i) => {
    if (x.rank !== first.rank || x.shape.some((d, j) => j !== a && d !== first.shape[j])) {
      throw new RecurError(
        'SHAPE',
        `concat: xs[${i}] is ${formatShape(x.shape)} but xs[0] is ${formatShape(first.shape)}; all dimensions except axis ${a} must match`,
      );
    }
    if (x.dtype !== first.dtype) {
      throw new RecurError('DTYPE', `concat: xs[${i}] is ${x.dtype} but xs[0] is ${first.dtype}`);
    }
    outShape[a]! += x.shape[a]!;
  });
  return wrap(backend, backend.concat(xs, a, outShape), outShape, first.dtype);
}

/** Stacks same-shaped tensors along a new `axis`. */
export function stack(xs: readonly Tensor[], axis = 0): Tensor {
  if (!Array.isArray(xs as unknown) || xs.length === 0) {
    throw new RecurError('ARGUMENT', 'stack: xs must be a non-empty array of tensors');
  }
  xs.forEach((x, i) => {
    checkTensor('stack', `xs[${i}]`, x);
  });
  const first = xs[0]!;
  xs.forEach((x, i) => {
    if (x.rank !== first.rank || x.shape.some((d, j) => d !== first.shape[j])) {
      throw new RecurError(
        'SHAPE',
        `stack: xs[${i}] is ${formatShape(x.shape)} but xs[0] is ${formatShape(first.shape)}; all must match`,
      );
    }
  });
  const a = normalizeAxis('stack', axis, first.rank + 1);
  const views = xs.map((x) => expandDims(x, a));
  const out = concat(views, a);
  for (const v of views) v.dispose();
  return out;
}

/**
 * Splits `x` along `axis` into `sections` equal parts (a number) or parts of the given sizes.
 */
export function split(x: Tensor, sections: number | readonly number[], axis = 0): Tensor[] {
  checkTensor('split', 'x', x);
  const a = normalizeAxis('split', axis, x.rank);
  const dim = x.shape[a]!;
  let sizes: number[];
  if (typeof sections === 'number') {
    if (!Number.isInteger(sections) || sections <= 0 || dim % sections !== 0) {
      throw new RecurError(
        'SHAPE',
        `split: axis ${a} of ${formatShape(x.shape)} has size ${dim}, which ${sections} does not divide`,
      );
    }
    sizes = new Array<number>(sections).fill(dim / sections);
  } else {
    sizes = [...sections];
    const total = sizes.reduce((p, c) => p + c, 0);
    if (total !== dim || sizes.some((s) => !Number.isInteger(s) || s < 0)) {
      throw new RecurError(
        'SHAPE',
        `split: sizes [${sizes.join(',')}] add up to ${total} but axis ${a} of ${formatShape(x.shape)} has size ${dim}`,
      );
    }
  }
  let offset = 0;
  return sizes.map((s) => {
    const begin = x.shape.map((_, i) => (i === a ? offset : 0));
    const size = x.shape.map((d, i) => (i === a ? s : d));
    offset += s;
    return slice(x, begin, size);
  });
}

/** Permutes dimensions (reverses them when `perm` is omitted). */
export function transpose(x: Tensor, perm?: readonly number[]): Tensor {
  checkTensor('transpose', 'x', x);
  const p = perm ? [...perm] : x.shape.map((_, i) => x.rank - 1 - i);
  if (p.length !== x.rank || [...p].sort((u, v) => u - v).some((v, i) => v !== i)) {
    throw new RecurError(
      'ARGUMENT',
      `transpose: perm [${p.join(',')}] is not a permutation of the ${x.rank} axes of ${formatShape(x.shape)}`,
    );
  }
  const outShape = p.map((i) => x.shape[i]!);
  return wrap(x.backend, x.backend.transpose(x, p, outShape), outShape, x.dtype);
}

/** Picks slices of `x` along `axis` by int32 `indices` (any shape) — embedding lookup, one-hot rows. */
export function gather(x: Tensor, indices: Tensor, axis = 0): Tensor {
  checkTensor('gather', 'x', x);
  checkTensor('gather', 'indices', indices);
  checkDType('gather', 'indices', indices, 'int32');
  const backend = sameBackend('gather', [x, indices]);
  const a = normalizeAxis('gather', axis, x.rank);
  checkIndices('gather', indices, x.shape[a]!, `axis ${a} of x ${formatShape(x.shape)}`);
  const outShape = [...x.shape.slice(0, a), ...indices.shape, ...x.shape.slice(a + 1)];
  return wrap(backend, backend.gather(x, indices, a, outShape), outShape, x.dtype);
}

/**
 * The adjoint of {@link gather}: zeros of `shape` with `updates` added at `indices` along
 * `axis` (repeated indices accumulate). The gradient of an embedding lookup.
 */
export function scatterAdd(
  updates: Tensor,
  indices: Tensor,
  shape: readonly number[],
  axis = 0,
): Tensor {
  checkTensor('scatterAdd', 'updates', updates);
  checkTensor('scatterAdd', 'indices', indices);
  checkDType('scatterAdd', 'indices', indices, 'int32');
  checkShape('scatterAdd', 'shape', shape);
  const backend = sameBackend('scatterAdd', [updates, indices]);
  const a = normalizeAxis('scatterAdd', axis, shape.length);
  const expected = [...shape.slice(0, a), ...indices.shape, ...shape.slice(a + 1)];
  if (expected.length !== updates.rank || expected.some((d, i) => d !== updates.shape[i])) {
    throw new RecurError(
      'SHAPE',
      `scatterAdd: updates is ${formatShape(updates.shape)} but indices ${formatShape(indices.shape)} into ${formatShape(shape)} need ${formatShape(expected)}`,
    );
  }
  checkIndices('scatterAdd', indices, shape[a]!, `axis ${a} of ${formatShape(shape)}`);
  return wrap(backend, backend.scatterAdd(updates, indices, a, shape), shape, updates.dtype);
}

function checkIndices(op: string, indices: Tensor, bound: number, what: string): void {
  const values = indices.data();
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < 0 || v >= bound) {
      throw new RecurError(
        'RANGE',
        `${op}: indices[${i}] is ${v}, out of range for ${what} (expected 0..${bound - 1})`,
      );
    }
  }
}

/** `[...indices.shape, depth]` float32 rows with a 1 at each index. */
export function oneHot(indices: Tensor, depth: number): Tensor {
  checkTensor('oneHot', 'indices', indices);
  checkDType('oneHot', 'indices', indices, 'int32');
  if (!Number.isInteger(depth) || depth <= 0)
    throw new RecurError('ARGUMENT', `oneHot: depth must be a positive integer, got ${depth}`);
  const shape = [...indices.shape, depth];
  checkShape('oneHot', 'result shape', shape);
  checkIndices('oneHot', indices, depth, `depth ${depth}`);
  const values = indices.data();
  const out = new Float32Array(values.length * depth);
  for (let i = 0; i < values.length; i++) out[i * depth + values[i]!] = 1;
  return wrap(indices.backend, indices.backend.write(out, shape, 'float32'), shape, 'float32');
}

/**
 * Converts to `dtype` (float → int truncates toward zero). This runs as a kernel on the
 * tensor's backend and does not read values back to check them: a float that int32 cannot
 * hold (NaN, ±Infinity, beyond ±2³¹) gives a backend-defined int. Make int32 tensors from
 * JavaScript numbers with `tensor(values, shape, 'int32')`, which refuses such values.
 */
export function cast(x: Tensor, dtype: DType): Tensor {
  checkTensor('cast', 'x', x);
  checkDTypeName('cast', 'dtype', dtype);
  return wrap(x.backend, x.backend.cast(x, dtype), x.shape, dtype);
}
