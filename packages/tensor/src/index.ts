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
  DataId,
  DType,
  ReduceOp,
  TensorInfo,
  TypedArray,
  UnaryOp,
} from './backend.js';
export {
  binaryDType,
  COMPARISONS,
  FLOAT_ONLY_UNARY,
  unaryDType,
  whereDType,
} from './backend.js';
export { getBackend, registerBackend, setBackend, toBackend, withBackend } from './backends.js';
export {
  CpuBackend,
  type CpuBackendOptions,
  CpuData,
  type CpuWasmMode,
} from './cpu/cpu-backend.js';
export type { WasmExtension, WasmModuleSource } from './cpu/wasm/wasm-extension.js';
export { checkDTypeName, DTYPES } from './dtype.js';
export type { MemoryInfo } from './engine.js';
export { formatShape, RecurError, type RecurErrorCode } from './errors.js';
export {
  defineKernel,
  type Kernel,
  type KernelImpl,
  type KernelOutput,
  type KernelSpec,
} from './kernel.js';
export { dispose, type HoldsTensors, keep, memory, TENSORS, tensorsIn, tidy } from './memory.js';
export type { TensorLike } from './ops/check.js';
export {
  eye,
  full,
  ones,
  onesLike,
  type RandomOptions,
  randomNormal,
  randomUniform,
  range,
  tensor,
  zeros,
  zerosLike,
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
  hardSigmoid,
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
export { type MatmulOptions, matmul } from './ops/matmul.js';
export { argmax, argmin, max, mean, min, type ReduceOptions, sum, sumTo } from './ops/reduce.js';
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
export { logSoftmax, softmax } from './ops/softmax.js';
export { checkOptions, closest } from './options.js';
export { isRng, Rng, type RngState } from './rng.js';
export {
  broadcastShapes,
  checkShape,
  MAX_TENSOR_SIZE,
  normalizeAxis,
  type Shape,
  shapesEqual,
  sizeOf,
  stridesOf,
} from './shape.js';
export { isTensor, type NestedArray, Tensor } from './tensor.js';
