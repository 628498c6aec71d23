import { type BinaryOp, binaryDType, type UnaryOp, unaryDType, whereDType } from '../backend.js';
import { RecurError } from '../errors.js';
import { broadcastShapes } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { backendOf, checkTensor, type TensorLike, withScalars, wrap } from './check.js';

function unary(op: UnaryOp, x: Tensor): Tensor {
  checkTensor(op, 'x', x);
  return wrap(x.backend, x.backend.unary(op, x), x.shape, unaryDType(op, x.dtype));
}

export const neg = (x: Tensor): Tensor => unary('neg', x);
export const abs = (x: Tensor): Tensor => unary('abs', x);
export const exp = (x: Tensor): Tensor => unary('exp', x);
export const log = (x: Tensor): Tensor => unary('log', x);
export const sqrt = (x: Tensor): Tensor => unary('sqrt', x);
export const square = (x: Tensor): Tensor => unary('square', x);
export const reciprocal = (x: Tensor): Tensor => unary('reciprocal', x);
export const tanh = (x: Tensor): Tensor => unary('tanh', x);
export const sigmoid = (x: Tensor): Tensor => unary('sigmoid', x);
/**
 * The hard sigmoid of TensorFlow.js and Keras 2, `clip(0.2·x + 0.5, 0, 1)`: 0 below −2.5, 1 above
 * 2.5. Not PyTorch's `Hardsigmoid` nor Keras 3's `hard_sigmoid`, which are `clip(x/6 + 0.5, 0, 1)`
 * (0 below −3, 1 above 3); ONNX's `HardSigmoid` with its default alpha 0.2, beta 0.5 is this one.
 */
export const hardSigmoid = (x: Tensor): Tensor => unary('hardSigmoid', x);
export const relu = (x: Tensor): Tensor => unary('relu', x);
export const sign = (x: Tensor): Tensor => unary('sign', x);
export const floor = (x: Tensor): Tensor => unary('floor', x);
export const round = (x: Tensor): Tensor => unary('round', x);

function binary(op: BinaryOp, a: TensorLike, b: TensorLike): Tensor {
  const backend = backendOf(op, [a, b]);
  return withScalars(op, backend, [a, b], ['a', 'b'], ([ta, tb]) => {
    const outShape = broadcastShapes(op, ta!.shape, tb!.shape);
    const dtype = binaryDType(op, ta!.dtype, tb!.dtype);
    return wrap(backend, backend.binary(op, ta!, tb!, outShape), outShape, dtype);
  });
}

export const add = (a: TensorLike, b: TensorLike): Tensor => binary('add', a, b);
export const sub = (a: TensorLike, b: TensorLike): Tensor => binary('sub', a, b);
export const mul = (a: TensorLike, b: TensorLike): Tensor => binary('mul', a, b);
export const div = (a: TensorLike, b: TensorLike): Tensor => binary('div', a, b);
export const pow = (a: TensorLike, b: TensorLike): Tensor => binary('pow', a, b);
export const maximum = (a: TensorLike, b: TensorLike): Tensor => binary('maximum', a, b);
export const minimum = (a: TensorLike, b: TensorLike): Tensor => binary('minimum', a, b);
export const equal = (a: TensorLike, b: TensorLike): Tensor => binary('equal', a, b);
export const notEqual = (a: TensorLike, b: TensorLike): Tensor => binary('notEqual', a, b);
export const less = (a: TensorLike, b: TensorLike): Tensor => binary('less', a, b);
export const lessEqual = (a: TensorLike, b: TensorLike): Tensor => binary('lessEqual', a, b);
export const greater = (a: TensorLike, b: TensorLike): Tensor => binary('greater', a, b);
export const greaterEqual = (a: TensorLike, b: TensorLike): Tensor => binary('greaterEqual', a, b);

/** `min(max(x, low), high)` elementwise. NaN stays NaN. */
export function clamp(x: Tensor, low: number, high: number): Tensor {
  checkTensor('clamp', 'x', x);
  if (Number.isNaN(low) || Number.isNaN(high) || low > high) {
    throw new RecurError('RANGE', `clamp: low (${low}) must be <= high (${high})`);
  }
  return wrap(x.backend, x.backend.clamp(x, low, high), x.shape, x.dtype);
}

/** `condition ? a : b` elementwise with broadcasting; `condition` is nonzero-means-true. */
export function where(condition: Tensor, a: TensorLike, b: TensorLike): Tensor {
  checkTensor('where', 'condition', condition);
  const backend = backendOf('where', [condition, a, b]);
  return withScalars('where', backend, [a, b], ['a', 'b'], ([ta, tb]) => {
    const outShape = broadcastShapes(
      'where',
      broadcastShapes('where', condition.shape, ta!.shape),
      tb!.shape,
    );
    const dtype = whereDType(ta!.dtype, tb!.dtype);
    return wrap(backend, backend.where(condition, ta!, tb!, outShape), outShape, dtype);
  });
}
