import type { Shape } from './shape.js';

/** Element types. `float32` for values, `int32` for indices, labels and masks. */
export type DType = 'float32' | 'int32';
export type TypedArray = Float32Array | Int32Array;

/** A backend's handle to a tensor's storage; opaque to everyone else. */
export type DataId = object;

/** What a kernel is told about an input: where its data lives, its shape and element type. */
export interface TensorInfo {
  readonly dataId: DataId;
  readonly shape: Shape;
  readonly dtype: DType;
}

export type UnaryOp =
  | 'neg'
  | 'abs'
  | 'exp'
  | 'log'
  | 'sqrt'
  | 'square'
  | 'reciprocal'
  | 'tanh'
  | 'sigmoid'
  | 'hardSigmoid'
  | 'relu'
  | 'sign'
  | 'floor'
  | 'round';

export type BinaryOp =
  | 'add'
  | 'sub'
  | 'mul'
  | 'div'
  | 'pow'
  | 'maximum'
  | 'minimum'
  | 'equal'
  | 'notEqual'
  | 'less'
  | 'lessEqual'
  | 'greater'
  | 'greaterEqual';

/** Comparison ops: their result is int32 0/1. */
export const COMPARISONS: ReadonlySet<BinaryOp> = new Set<BinaryOp>([
  'equal',
  'notEqual',
  'less',
  'lessEqual',
  'greater',
  'greaterEqual',
]);

/**
 * Unary ops whose result is float32 even for int32 input (the others keep int32): the ones
 * whose values are not integers. Stated once; the front end, every backend and the test tables
 * read it.
 */
export const FLOAT_ONLY_UNARY: ReadonlySet<UnaryOp> = new Set<UnaryOp>([
  'exp',
  'log',
  'sqrt',
  'reciprocal',
  'tanh',
  'sigmoid',
  'hardSigmoid',
]);

/** The element type of `op(x)` for `x` of `dtype`: see {@link FLOAT_ONLY_UNARY}. */
export function unaryDType(op: UnaryOp, dtype: DType): DType {
  return dtype === 'int32' && !FLOAT_ONLY_UNARY.has(op) ? 'int32' : 'float32';
}

/**
 * The element type of `a op b`: comparisons give int32 0/1; two int32 operands give int32,
 * except `div` and `pow` (fractions, negative powers); anything else float32.
 */
export function binaryDType(op: BinaryOp, a: DType, b: DType): DType {
  if (COMPARISONS.has(op)) return 'int32';
  return a === 'int32' && b === 'int32' && op !== 'div' && op !== 'pow' ? 'int32' : 'float32';
}

/** The element type of `where(cond, a, b)`: int32 when both branches are int32. */
export function whereDType(a: DType, b: DType): DType {
  return a === 'int32' && b === 'int32' ? 'int32' : 'float32';
}

export type ReduceOp = 'sum' | 'mean' | 'max' | 'min';
export type ArgReduceOp = 'argmax' | 'argmin';

/** Live storage a backend holds. `textures` is set by GPU backends. */
export interface BackendMemory {
  buffers: number;
  bytes: number;
  textures?: number;
}

/**
 * The contract a backend fulfils: storage, and a small set of primitive kernels. The front-end
 * ops (`add`, `matmul`, …) validate their arguments and work out output shapes; a kernel may
 * assume valid input and returns the storage of a new tensor of the shape it was told.
 *
 * Fused kernels (a whole RNN/LSTM step or sequence) are not part of this interface: packages add
 * them with {@link defineKernel}, one implementation per backend name.
 */
export interface Backend {
  readonly name: string;

  // ── storage ────────────────────────────────────────────────────────────────
  /** Takes ownership of `values` (the caller must not write to them afterwards). */
  write(values: TypedArray, shape: Shape, dtype: DType): DataId;
  /** A copy of the tensor's values, row-major, that the caller may keep and change. */
  read(x: TensorInfo): TypedArray;
  dispose(dataId: DataId): void;
  memory(): BackendMemory;

  // ── primitive kernels ─────────────────────────────────────────────────────
  fill(shape: Shape, value: number, dtype: DType): DataId;
  unary(op: UnaryOp, x: TensorInfo): DataId;
  /** NumPy broadcasting; `outShape` is the broadcast shape. Comparisons give int32 0/1. */
  binary(op: BinaryOp, a: TensorInfo, b: TensorInfo, outShape: Shape): DataId;
  /**
   * `a` is `[...batch, m, k]` (or `[..., k, m]` transposed), `b` is `[...batch, k, n]` (or
   * transposed); batch dimensions broadcast. Result `[...batch, m, n]`.
   */
  matmul(
    a: TensorInfo,
    b: TensorInfo,
    transposeA: boolean,
    transposeB: boolean,
    outShape: Shape,
  ): DataId;
  /** Reduces over sorted, distinct `axes`; the output drops those axes (`outShape`). */
  reduce(op: ReduceOp, x: TensorInfo, axes: readonly number[], outShape: Shape): DataId;
  /** Index of the max/min along `axis` (first one on ties); int32. */
  argReduce(op: ArgReduceOp, x: TensorInfo, axis: number, outShape: Shape): DataId;
  /** Numerically stable (log-)softmax along `axis`. */
  softmax(x: TensorInfo, axis: number, log: boolean): DataId;
  slice(x: TensorInfo, begin: readonly number[], size: readonly number[]): DataId;
  concat(xs: readonly TensorInfo[], axis: number, outShape: Shape): DataId;
  /** Rows of `x` along `axis` picked by int32 `indices` (any shape); indices already checked. */
  gather(x: TensorInfo, indices: TensorInfo, axis: number, outShape: Shape): DataId;
  /**
   * The adjoint of `gather`: a zero tensor of `outShape` to which each slice of `updates` is
   * added at the row `indices` names along `axis` (repeated indices accumulate).
   */
  scatterAdd(updates: TensorInfo, indices: TensorInfo, axis: number, outShape: Shape): DataId;
  /** `cond ? a : b` elementwise with broadcasting; `cond` is nonzero-means-true. */
  where(cond: TensorInfo, a: TensorInfo, b: TensorInfo, outShape: Shape): DataId;
  clamp(x: TensorInfo, low: number, high: number): DataId;
  transpose(x: TensorInfo, perm: readonly number[], outShape: Shape): DataId;
  cast(x: TensorInfo, dtype: DType): DataId;
}
