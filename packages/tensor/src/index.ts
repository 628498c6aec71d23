/**
 * @packageDocumentation
 * Tensors for recur: a value type with a shape, explicit memory, a small {@link Backend}
 * interface, the CPU reference backend, and the ops every other package computes with.
 */
export type {
  ArgReduceOp,
  Backend,
  BackendMemory,
  BinaryOp,
  DType,
  DataId,
  ReduceOp,
  TensorInfo,
  TypedArray,
  UnaryOp,
} from './backend.js';
export { RecurError, formatShape, type RecurErrorCode } from './errors.js';
export { type Shape, broadcastShapes, normalizeAxis, shapesEqual, sizeOf, stridesOf } from './shape.js';
export { Rng, type RngState } from './rng.js';
export { Tensor, type NestedArray } from './tensor.js';
export type { MemoryInfo } from './engine.js';
export { dispose, keep, memory, tensorsIn, tidy } from './memory.js';
export { getBackend, registerBackend, setBackend, toBackend, withBackend } from './backends.js';
export { defineKernel, type Kernel, type KernelImpl, type KernelOutput, type KernelSpec } from './kernel.js';
export { CpuBackend, CpuData } from './cpu/cpu-backend.js';
export type { TensorLike } from './ops/check.js';
export {
  eye,
  full,
  ones,
  onesLike,
  randomNormal,
  randomUniform,
  range,
  tensor,
  zeros,
  zerosLike,
  type RandomOptions,
} from './ops/creation.js';
export {
  abs,
  add,
  clamp,
  div,
  equal,
  exp,
  floor,
  greater,
  greaterEqual,
  less,
  lessEqual,
  log,
  maximum,
  minimum,
  mul,
  neg,
  notEqual,
  pow,
  reciprocal,
  relu,
  round,
  sigmoid,
  sign,
  sqrt,
  square,
  sub,
  tanh,
  where,
} from './ops/elementwise.js';
export { matmul, type MatmulOptions } from './ops/matmul.js';
export { argmax, argmin, max, mean, min, sum, sumTo, type ReduceOptions } from './ops/reduce.js';
export { logSoftmax, softmax } from './ops/softmax.js';
export {
  cast,
  concat,
  expandDims,
  gather,
  oneHot,
  reshape,
  scatterAdd,
  slice,
  split,
  squeeze,
  stack,
  transpose,
} from './ops/shape-ops.js';
