import type { Tensor } from '@recur/tensor';
import * as T from '@recur/tensor';
import { recordOne } from '../record.js';
import type { Variable } from '../variable.js';
import { tensorOf } from './operands.js';

/** Stable softmax along `axis` (default last); backward `y ⊙ (g − Σ g⊙y)`. */
export function softmax(x: Variable | Tensor, axis = -1): Variable {
  const xv = tensorOf('softmax', 'x', x);
  const y = T.softmax(xv, axis);
  return recordOne({
    name: 'softmax',
    inputs: [x],
    outputs: [y],
    saved: [y],
    backward: ([g]) => [T.mul(y, T.sub(g!, T.sum(T.mul(g!, y), { axis, keepDims: true })))],
  });
}

/** Stable log-softmax along `axis` (default last); backward `g − softmax(x) ⊙ Σ g`. */
export function logSoftmax(x: Variable | Tensor, axis = -1): Variable {
  const xv = tensorOf('logSoftmax', 'x', x);
  const y = T.logSoftmax(xv, axis);
  return recordOne({
    name: 'logSoftmax',
    inputs: [x],
    outputs: [y],
    saved: [y],
    backward: ([g]) => [T.sub(g!, T.mul(T.exp(y), T.sum(g!, { axis, keepDims: true })))],
  });
}
