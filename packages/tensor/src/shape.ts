import { formatShape, RecurError } from './errors.js';

/** A tensor's dimensions, outermost first. `[]` is a scalar. */
export type Shape = readonly number[];

/** The number of elements a shape holds (1 for a scalar, 0 if any dimension is 0). */
export function sizeOf(shape: Shape): number {
  let size = 1;
  for (const d of shape) size *= d;
  return size;
}

/** Row-major strides: how far apart consecutive indices of each dimension are. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = stride;
    stride *= shape[i]!;
  }
  return strides;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The most elements one tensor may hold: 2³¹ − 1, the int32 index range (8 GiB of float32).
 * Larger shapes are refused by {@link checkShape} before anything is allocated.
 */
export const MAX_TENSOR_SIZE = 2 ** 31 - 1;

/**
 * Checks that `shape` is a list of non-negative integers (SHAPE) holding at most
 * {@link MAX_TENSOR_SIZE} elements (RANGE); names `op` and `arg` if not.
 */
export function checkShape(op: string, arg: string, shape: Shape): void {
  if (!Array.isArray(shape)) {
    throw new RecurError(
      'ARGUMENT',
      `${op}: ${arg} must be an array of dimensions, got ${typeof shape}`,
    );
  }
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new RecurError(
        'SHAPE',
        `${op}: ${arg} ${formatShape(shape)} must hold non-negative integers; ${d} is not one`,
      );
    }
  }
  const size = sizeOf(shape);
  if (size > MAX_TENSOR_SIZE) {
    throw new RecurError(
      'RANGE',
      `${op}: ${arg} ${formatShape(shape)} holds ${size} elements, more than the ${MAX_TENSOR_SIZE} a tensor may hold`,
    );
  }
}

/**
 * NumPy broadcasting: dimensions are aligned from the right; each pair must be equal or one of
 * them 1. Throws naming the op and both shapes otherwise.
 */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new RecurError(
        'SHAPE',
        `${op}: shapes ${formatShape(a)} and ${formatShape(b)} do not broadcast; ` +
          `dimension ${i - rank} is ${da} in a and ${db} in b (each pair must be equal or 1)`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Turns a possibly negative axis into 0..rank-1, or throws naming the op. */
export function normalizeAxis(op: string, axis: number, rank: number): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    const expected = rank === 0 ? 'a scalar has no axes' : `expected ${-rank}..${rank - 1}`;
    throw new RecurError(
      'RANGE',
      `${op}: axis ${axis} is out of range for a tensor of rank ${rank} (${expected})`,
    );
  }
  return axis < 0 ? axis + rank : axis;
}

/** Normalizes and de-duplicates a list of axes (all axes when `axes` is undefined). */
export function normalizeAxes(
  op: string,
  axes: number | readonly number[] | undefined,
  rank: number,
): number[] {
  if (axes === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axes === 'number' ? [axes] : axes;
  const out = list.map((a) => normalizeAxis(op, a, rank));
  if (new Set(out).size !== out.length) {
    throw new RecurError('ARGUMENT', `${op}: axes [${list.join(',')}] repeat an axis`);
  }
  return out.sort((x, y) => x - y);
}
