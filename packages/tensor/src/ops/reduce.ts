import type { ArgReduceOp, ReduceOp } from '../backend.js';
import { formatShape, RecurError } from '../errors.js';
import { normalizeAxes, normalizeAxis, type Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkTensor, wrap } from './check.js';

export interface ReduceOptions {
  /** Axes to reduce (negative counts from the end); all axes when omitted. */
  axis?: number | readonly number[];
  /** Keep reduced axes as size 1, so the result broadcasts against the input. */
  keepDims?: boolean;
}

function reduce(op: ReduceOp, x: Tensor, options: ReduceOptions): Tensor {
  checkTensor(op, 'x', x);
  const axes = normalizeAxes(op, options.axis, x.rank);
  if ((op === 'max' || op === 'min') && axes.some((a) => x.shape[a] === 0)) {
    throw new RecurError('SHAPE', `${op}: cannot reduce an empty axis of ${formatShape(x.shape)}`);
  }
  const outShape = x.shape.filter((_, i) => !axes.includes(i));
  const dtype = op === 'mean' ? 'float32' : x.dtype;
  const out = wrap(x.backend, x.backend.reduce(op, x, axes, outShape), outShape, dtype);
  if (!options.keepDims) return out;
  const kept = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const view = out.reshape(kept);
  out.dispose();
  return view;
}

/** Sum over `axis` (all axes by default). */
export const sum = (x: Tensor, options: ReduceOptions = {}): Tensor => reduce('sum', x, options);
/** Mean over `axis` (all axes by default); NaN for an empty axis. */
export const mean = (x: Tensor, options: ReduceOptions = {}): Tensor => reduce('mean', x, options);
/** Maximum over `axis`; NaN if any element is NaN. */
export const max = (x: Tensor, options: ReduceOptions = {}): Tensor => reduce('max', x, options);
/** Minimum over `axis`; NaN if any element is NaN. */
export const min = (x: Tensor, options: ReduceOptions = {}): Tensor => reduce('min', x, options);

function argReduce(op: ArgReduceOp, x: Tensor, axis: number): Tensor {
  checkTensor(op, 'x', x);
  const a = normalizeAxis(op, axis, x.rank);
  if (x.shape[a] === 0)
    throw new RecurError('SHAPE', `${op}: axis ${axis} of ${formatShape(x.shape)} is empty`);
  const outShape = x.shape.filter((_, i) => i !== a);
  return wrap(x.backend, x.backend.argReduce(op, x, a, outShape), outShape, 'int32');
}

/** Index of the largest element along `axis` (default last), int32; the first on ties. */
export const argmax = (x: Tensor, axis = -1): Tensor => argReduce('argmax', x, axis);
/** Index of the smallest element along `axis` (default last), int32; the first on ties. */
export const argmin = (x: Tensor, axis = -1): Tensor => argReduce('argmin', x, axis);

/**
 * Sums `x` down to `shape`, the shape it was broadcast from: the backward of broadcasting.
 * When the shapes already match it returns a view of `x` (shared storage, disposed separately).
 */
export function sumTo(x: Tensor, shape: Shape): Tensor {
  checkTensor('sumTo', 'x', x);
  if (x.rank === shape.length && x.shape.every((d, i) => d === shape[i])) return x.reshape(shape);
  const lead = x.rank - shape.length;
  if (lead < 0) {
    throw new RecurError(
      'SHAPE',
      `sumTo: ${formatShape(x.shape)} cannot be summed to the larger ${formatShape(shape)}`,
    );
  }
  const axes: number[] = [];
  for (let i = 0; i < x.rank; i++) {
    const target = i < lead ? 1 : shape[i - lead]!;
    if (i < lead || (target === 1 && x.shape[i] !== 1)) axes.push(i);
    else if (target !== x.shape[i]) {
      throw new RecurError(
        'SHAPE',
        `sumTo: ${formatShape(x.shape)} was not broadcast from ${formatShape(shape)}`,
      );
    }
  }
  const summed = reduce('sum', x, { axis: axes });
  const out = summed.reshape(shape);
  summed.dispose();
  return out;
}
