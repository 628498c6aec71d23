import type { ReduceOptions, Shape, Tensor } from '@recur/tensor';
import * as T from '@recur/tensor';
import { recordOne } from '../record.js';
import type { Variable } from '../variable.js';
import { tensorOf } from './operands.js';

/** The input's shape with the reduced axes set to 1: the gradient broadcasts back from it. */
function keptShape(op: string, shape: Shape, axis: ReduceOptions['axis']): number[] {
  if (axis === undefined) return shape.map(() => 1);
  const axes = (typeof axis === 'number' ? [axis] : axis).map((a) =>
    T.normalizeAxis(op, a, shape.length),
  );
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

/** `g` (reduced shape) spread over `x`'s shape. */
function broadcastBack(g: Tensor, kept: number[], x: Tensor): Tensor {
  return T.add(g.reshape(kept), T.zerosLike(x));
}

/** Sum over `axis` (all by default); backward broadcasts `g` back over the summed axes. */
export function sum(x: Variable | Tensor, options: ReduceOptions = {}): Variable {
  const xv = tensorOf('sum', 'x', x);
  const y = T.sum(xv, options);
  const kept = keptShape('sum', xv.shape, options.axis);
  return recordOne({
    name: 'sum',
    inputs: [x],
    outputs: [y],
    saved: [xv],
    backward: ([g]) => [broadcastBack(g!, kept, xv)],
  });
}

/** Mean over `axis` (all by default); backward spreads `g / n` over the averaged axes. */
export function mean(x: Variable | Tensor, options: ReduceOptions = {}): Variable {
  const xv = tensorOf('mean', 'x', x);
  const y = T.mean(xv, options);
  const kept = keptShape('mean', xv.shape, options.axis);
  const count = xv.size / Math.max(1, T.sizeOf(kept));
  return recordOne({
    name: 'mean',
    inputs: [x],
    outputs: [y],
    saved: [xv],
    backward: ([g]) => [broadcastBack(T.div(g!, count), kept, xv)],
  });
}

function extremum(op: 'max' | 'min', x: Variable | Tensor, options: ReduceOptions): Variable {
  const xv = tensorOf(op, 'x', x);
  const y = (op === 'max' ? T.max : T.min)(xv, options);
  const kept = keptShape(op, xv.shape, options.axis);
  return recordOne({
    name: op,
    inputs: [x],
    outputs: [y],
    saved: [xv, y],
    backward: ([g]) => {
      const hit = T.equal(xv, y.reshape(kept));
      const count = T.sum(hit, { axis: options.axis ?? kept.map((_, i) => i), keepDims: true });
      return [T.where(hit, T.div(g!.reshape(kept), count), 0)];
    },
  });
}

/** Maximum over `axis`; `g` goes to the maximal elements (split evenly between ties). */
export const max = (x: Variable | Tensor, options: ReduceOptions = {}): Variable =>
  extremum('max', x, options);
/** Minimum over `axis`; `g` goes to the minimal elements (split evenly between ties). */
export const min = (x: Variable | Tensor, options: ReduceOptions = {}): Variable =>
  extremum('min', x, options);
