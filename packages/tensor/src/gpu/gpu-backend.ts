import type {
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
} from '../backend.js';
import { formatShape, RecurError } from '../errors.js';
import { type Shape, sizeOf } from '../shape.js';
import type { ProgramRunner } from './authoring.js';
import { LOOP_BUDGET, type Program } from './codegen.js';
import { type ContextOptions, type GlEnvironment, openGlEnvironment } from './context.js';
import type { GlContext } from './gpujs.js';
import type { KernelCacheStats } from './kernel-cache.js';
import {
  binaryProgram,
  clampProgram,
  copyProgram,
  fillProgram,
  truncProgram,
  unaryProgram,
  uploadProgram,
  whereProgram,
} from './programs/elementwise.js';
import {
  CONCAT_MAX_INPUTS,
  concatProgram,
  gatherProgram,
  scatterAddProgram,
  sliceProgram,
  transposeProgram,
} from './programs/layout.js';
import { matmulProgram } from './programs/matmul.js';
import {
  argReduceProgram,
  chunkLength,
  reduceProgram,
  SOFTMAX_ONE_PASS,
  SPLIT_REDUCTION,
  softmaxApplyProgram,
  softmaxShiftProgram,
  softmaxStatsProgram,
} from './programs/reduce.js';
import { GpuData, KernelRunner } from './runner.js';

/** Integers up to this magnitude are exact in float32. */
const EXACT_INT = 2 ** 24;

/** Options for {@link createGpuBackend}. */
export interface GpuBackendOptions extends ContextOptions {
  /**
   * Most compiled kernels kept (one per op and shapes). Beyond it the least recently used
   * kernels whose outputs are all disposed are destroyed. Default 512.
   */
  maxKernels?: number;
}

/**
 * The gpu.js backend: every tensor is a float32 texture that stays on the GPU between ops
 * (gpu.js pipeline mode) and is read back only by `read`. Each op runs a kernel compiled once per
 * (op, shapes) and cached; disposing a tensor deletes its texture. int32 tensors are stored as
 * floats, exact for |v| < 2^24.
 *
 * Create it with {@link createGpuBackend} or {@link useBackend}.
 */
export class GpuBackend implements Backend, ProgramRunner {
  readonly name: string = 'gpu';
  readonly #env: GlEnvironment;
  readonly #runner: KernelRunner;
  #destroyed = false;

  constructor(options: GpuBackendOptions = {}) {
    const maxKernels = options.maxKernels ?? 512;
    if (!Number.isInteger(maxKernels) || maxKernels < 1) {
      throw new RecurError(
        'ARGUMENT',
        `createGpuBackend: maxKernels must be a positive integer, got ${maxKernels}`,
      );
    }
    this.#env = openGlEnvironment(options);
    this.#runner = new KernelRunner(this.#env, maxKernels);
  }

  /** The WebGL context the backend computes on. */
  get context(): GlContext {
    return this.#env.context;
  }

  /** Which gpu.js kernel class runs the kernels: `HeadlessGLKernel`, `WebGL2Kernel` or `WebGLKernel`. */
  get kernelClass(): string {
    return this.#env.kernelClass;
  }

  /**
   * What renders: the GPU's name, or a software renderer's (SwiftShader, llvmpipe, …; see
   * `softwareRenderer`), as WebGL reports it.
   */
  get renderer(): string {
    return this.#env.renderer;
  }

  /** Whether one kernel launch can write several outputs (WebGL draw buffers); fused kernels use it. */
  get kernelMaps(): boolean {
    return this.#env.kernelMaps;
  }

  /** Why the backend cannot compute any more (destroyed, WebGL context lost), or null while it can. */
  lostReason(): string | null {
    return this.#env.lostReason();
  }

  /** Kernels compiled, cached, reused and evicted. */
  kernelStats(): KernelCacheStats {
    return this.#runner.stats();
  }

  /**
   * Destroys every kernel and texture and, if the backend created it, the WebGL context. Tensors
   * still on this backend cannot be used afterwards.
   */
  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#runner.destroy();
  }

  // ── storage ────────────────────────────────────────────────────────────────

  write(values: TypedArray, shape: Shape, _dtype: DType): DataId {
    const size = values.length;
    if (size === 0) return this.#runner.empty();
    const floats = values instanceof Float32Array ? values : Float32Array.from(values);
    const data = this.#runner.launch(`write ${formatShape(shape)}`, uploadProgram(size), [floats]);
    if (values instanceof Int32Array && values.some((v) => v > EXACT_INT || v < -EXACT_INT)) {
      data.exact = values.slice();
    }
    return data;
  }

  read(x: TensorInfo): TypedArray {
    const data = x.dataId as GpuData;
    const values = this.#runner.read(`read ${formatShape(x.shape)}`, data);
    if (x.dtype !== 'int32') return values;
    return data.exact ? data.exact.slice() : Int32Array.from(values);
  }

  dispose(dataId: DataId): void {
    this.#runner.release(dataId as GpuData);
  }

  memory(): BackendMemory {
    return this.#runner.memory();
  }

  // ── primitive kernels ─────────────────────────────────────────────────────

  fill(shape: Shape, value: number, dtype: DType = 'float32'): DataId {
    const size = sizeOf(shape);
    if (size === 0) return this.#runner.empty();
    const data = this.#runner.launch('fill', fillProgram(size), [value]);
    if (dtype === 'int32' && Math.abs(value) > EXACT_INT)
      data.exact = new Int32Array(size).fill(value);
    return data;
  }

  unary(op: UnaryOp, x: TensorInfo): DataId {
    if (sizeOf(x.shape) === 0) return this.#runner.empty();
    return this.#runner.launch(op, unaryProgram(op, x.shape), [x.dataId as GpuData]);
  }

  binary(op: BinaryOp, a: TensorInfo, b: TensorInfo, outShape: Shape): DataId {
    if (sizeOf(outShape) === 0) return this.#runner.empty();
    const program = binaryProgram(op, a.shape, b.shape, outShape);
    return this.#runner.launch(op, program, [a.dataId as GpuData, b.dataId as GpuData]);
  }

  matmul(
    a: TensorInfo,
    b: TensorInfo,
    transposeA: boolean,
    transposeB: boolean,
    outShape: Shape,
  ): DataId {
    if (sizeOf(outShape) === 0) return this.#runner.empty();
    const k = transposeA ? a.shape[a.shape.length - 2]! : a.shape[a.shape.length - 1]!;
    if (k === 0) return this.fill(outShape, 0);
    const args = [a.dataId as GpuData, b.dataId as GpuData];
    if (k <= LOOP_BUDGET) {
      return this.#runner.launch(
        'matmul',
        matmulProgram(a.shape, b.shape, transposeA, transposeB, outShape),
        args,
      );
    }
    // A very long inner dimension: sum the products over slices of it, one launch each.
    return this.#sumOfParts('matmul', k, outShape, (start, length) =>
      this.#runner.launch(
        'matmul',
        matmulProgram(a.shape, b.shape, transposeA, transposeB, outShape, { start, length }),
        args,
      ),
    );
  }

  /**
   * Σ over slices `[start, start + length)` of `[0, count)`, each at most {@link LOOP_BUDGET}
   * long (the most one kernel may loop over), of `part(start, length)` — each of `outShape` —
   * added up on the GPU, every part freed.
   */
  #sumOfParts(
    op: string,
    count: number,
    outShape: Shape,
    part: (start: number, length: number) => GpuData,
  ): GpuData {
    let total: GpuData | null = null;
    for (let start = 0; start < count; start += LOOP_BUDGET) {
      const next = part(start, Math.min(LOOP_BUDGET, count - start));
      if (!total) {
        total = next;
        continue;
      }
      const sum: GpuData = this.#runner.launch(
        op,
        binaryProgram('add', outShape, outShape, outShape),
        [total, next],
      );
      this.dispose(total);
      this.dispose(next);
      total = sum;
    }
    return total!;
  }

  reduce(op: ReduceOp, x: TensorInfo, axes: readonly number[], outShape: Shape): DataId {
    if (sizeOf(outShape) === 0) return this.#runner.empty();
    if (axes.length === 0)
      return this.#runner.launch(op, copyProgram(x.shape), [x.dataId as GpuData]);
    if (sizeOf(x.shape) === 0) {
      const identity = {
        sum: 0,
        mean: Number.NaN,
        max: Number.NEGATIVE_INFINITY,
        min: Number.POSITIVE_INFINITY,
      }[op];
      return this.fill(outShape, identity);
    }
    return this.#reduce(op, x.shape, x.dataId as GpuData, axes, outShape, null);
  }

  /** A reduction, split in two passes (recursively) when it is long; `divisor` for a split mean. */
  #reduce(
    op: ReduceOp,
    shape: Shape,
    data: GpuData,
    axes: readonly number[],
    outShape: Shape,
    divisor: number | null,
  ): GpuData {
    const count = axes.reduce((p, a) => p * shape[a]!, 1);
    const options = divisor === null ? {} : { divisor };
    if (count <= SPLIT_REDUCTION)
      return this.#runner.launch(op, reduceProgram(op, shape, axes, outShape, options), [data]);
    const chunk = chunkLength(count);
    const parts = Math.ceil(count / chunk);
    const partialOp = op === 'mean' ? 'sum' : op;
    const partial = this.#runner.launch(
      op,
      reduceProgram(partialOp, shape, axes, outShape, { chunk }),
      [data],
    );
    try {
      const rows = sizeOf(outShape);
      return this.#reduce(
        op,
        [rows, parts],
        partial,
        [1],
        [rows],
        op === 'mean' ? (divisor ?? count) : null,
      );
    } finally {
      this.dispose(partial);
    }
  }

  argReduce(op: ArgReduceOp, x: TensorInfo, axis: number, outShape: Shape): DataId {
    if (sizeOf(outShape) === 0) return this.#runner.empty();
    const dim = x.shape[axis]!;
    if (dim === 0) return this.fill(outShape, 0);
    const data = x.dataId as GpuData;
    if (dim <= SPLIT_REDUCTION)
      return this.#runner.launch(op, argReduceProgram(op, x.shape, axis, outShape), [data]);
    // Winners of chunks of the axis, then the first best of the winners.
    const chunk = chunkLength(dim);
    const parts = Math.ceil(dim / chunk);
    const candidates = this.#runner.launch(
      op,
      argReduceProgram(op, x.shape, axis, outShape, { chunk }),
      [data],
    );
    try {
      return this.#runner.launch(op, argReduceProgram(op, x.shape, axis, outShape, { parts }), [
        data,
        candidates,
      ]);
    } finally {
      this.dispose(candidates);
    }
  }

  softmax(x: TensorInfo, axis: number, log: boolean): DataId {
    if (sizeOf(x.shape) === 0) return this.#runner.empty();
    const op = log ? 'logSoftmax' : 'softmax';
    const data = x.dataId as GpuData;
    if (x.shape[axis]! <= SOFTMAX_ONE_PASS) {
      const stats = this.#runner.launch(op, softmaxStatsProgram(x.shape, axis), [data]);
      try {
        return this.#runner.launch(op, softmaxApplyProgram(x.shape, axis, log), [data, stats]);
      } finally {
        this.dispose(stats);
      }
    }
    // A long axis: the max and Σ exp(x − max) per lane as (split) reductions.
    const laneShape = x.shape.filter((_, d) => d !== axis);
    const temps: GpuData[] = [];
    try {
      const max = this.#reduce('max', x.shape, data, [axis], laneShape, null);
      temps.push(max);
      const shifted = this.#runner.launch(op, softmaxShiftProgram(x.shape, axis), [data, max]);
      temps.push(shifted);
      const total = this.#reduce('sum', x.shape, shifted, [axis], laneShape, null);
      temps.push(total);
      return this.#runner.launch(op, softmaxApplyProgram(x.shape, axis, log, true), [
        data,
        max,
        total,
      ]);
    } finally {
      for (const t of temps) this.dispose(t);
    }
  }

  slice(x: TensorInfo, begin: readonly number[], size: readonly number[]): DataId {
    if (sizeOf(size) === 0) return this.#runner.empty();
    return this.#runner.launch('slice', sliceProgram(x.shape, begin, size), [x.dataId as GpuData]);
  }

  concat(xs: readonly TensorInfo[], axis: number, outShape: Shape): DataId {
    if (sizeOf(outShape) === 0) return this.#runner.empty();
    const parts = xs.filter((x) => sizeOf(x.shape) > 0);
    if (parts.length === 1)
      return this.#runner.launch('concat', copyProgram(parts[0]!.shape), [
        parts[0]!.dataId as GpuData,
      ]);
    if (parts.length <= CONCAT_MAX_INPUTS) {
      const program = concatProgram(
        parts.map((p) => p.shape),
        axis,
        outShape,
      );
      return this.#runner.launch(
        'concat',
        program,
        parts.map((p) => p.dataId as GpuData),
      );
    }
    // Too many inputs for one kernel's texture units: join groups, then join the groups.
    const groups: TensorInfo[] = [];
    try {
      for (let g = 0; g < parts.length; g += CONCAT_MAX_INPUTS) {
        const group = parts.slice(g, g + CONCAT_MAX_INPUTS);
        const shape = [...group[0]!.shape];
        shape[axis] = group.reduce((total, p) => total + p.shape[axis]!, 0);
        groups.push({ dataId: this.concat(group, axis, shape), shape, dtype: group[0]!.dtype });
      }
      return this.concat(groups, axis, outShape);
    } finally {
      for (const g of groups) this.dispose(g.dataId);
    }
  }

  gather(x: TensorInfo, indices: TensorInfo, axis: number, outShape: Shape): DataId {
    if (sizeOf(outShape) === 0) return this.#runner.empty();
    const program = gatherProgram(x.shape, sizeOf(indices.shape), axis, outShape);
    return this.#runner.launch('gather', program, [x.dataId as GpuData, indices.dataId as GpuData]);
  }

  scatterAdd(updates: TensorInfo, indices: TensorInfo, axis: number, outShape: Shape): DataId {
    if (sizeOf(outShape) === 0) return this.#runner.empty();
    const count = sizeOf(indices.shape);
    if (count === 0 || sizeOf(updates.shape) === 0) return this.fill(outShape, 0);
    // Group the positions by target row on the CPU (the indices are small and were just
    // range-checked there), so each output element sums only its own contributions. More
    // positions than one kernel may loop over go in groups whose results are added.
    const idx = this.read(indices);
    const data = updates.dataId as GpuData;
    return this.#sumOfParts('scatterAdd', count, outShape, (first, length) =>
      this.#scatterGroup(data, idx, first, first + length, axis, outShape),
    );
  }

  /** scatterAdd of the positions [first, end) of `idx` (the others' updates are read, not added). */
  #scatterGroup(
    updates: GpuData,
    idx: TypedArray,
    first: number,
    end: number,
    axis: number,
    outShape: Shape,
  ): GpuData {
    const rows = outShape[axis]!;
    const starts = new Float32Array(rows + 1);
    for (let i = first; i < end; i++) starts[idx[i]! + 1]!++;
    for (let r = 0; r < rows; r++) starts[r + 1]! += starts[r]!;
    const order = new Float32Array(end - first);
    const fillAt = starts.slice(0, rows);
    for (let i = first; i < end; i++) order[fillAt[idx[i]!]!++] = i;
    const startsData = this.write(starts, [rows + 1], 'float32') as GpuData;
    const orderData = this.write(order, [end - first], 'float32') as GpuData;
    try {
      const program = scatterAddProgram(idx.length, end - first, axis, outShape);
      return this.#runner.launch('scatterAdd', program, [updates, startsData, orderData]);
    } finally {
      this.dispose(startsData);
      this.dispose(orderData);
    }
  }

  where(cond: TensorInfo, a: TensorInfo, b: TensorInfo, outShape: Shape): DataId {
    if (sizeOf(outShape) === 0) return this.#runner.empty();
    const program = whereProgram(cond.shape, a.shape, b.shape, outShape);
    return this.#runner.launch('where', program, [
      cond.dataId as GpuData,
      a.dataId as GpuData,
      b.dataId as GpuData,
    ]);
  }

  clamp(x: TensorInfo, low: number, high: number): DataId {
    if (sizeOf(x.shape) === 0) return this.#runner.empty();
    return this.#runner.launch('clamp', clampProgram(x.shape), [x.dataId as GpuData, low, high]);
  }

  transpose(x: TensorInfo, perm: readonly number[], outShape: Shape): DataId {
    if (sizeOf(outShape) === 0) return this.#runner.empty();
    return this.#runner.launch('transpose', transposeProgram(x.shape, perm, outShape), [
      x.dataId as GpuData,
    ]);
  }

  cast(x: TensorInfo, dtype: DType): DataId {
    if (sizeOf(x.shape) === 0) return this.#runner.empty();
    const program =
      dtype === 'int32' && x.dtype === 'float32' ? truncProgram(x.shape) : copyProgram(x.shape);
    return this.#runner.launch('cast', program, [x.dataId as GpuData]);
  }

  // ── running kernels ────────────────────────────────────────────────────────

  /**
   * Runs a kernel program on tensors of this backend (for fused kernels): `inputs` become the
   * texture parameters in order, `scalars` the run-time scalar parameters (those other than
   * `nanValue`, `infValue`, `oneValue`, which are supplied). Returns the storage
   * of the output, then of each sub-kernel output, each `program.size` elements; wrap them as
   * tensors (e.g. as `KernelOutput`s of a `defineKernel` implementation).
   */
  runProgram(
    op: string,
    program: Program,
    inputs: readonly TensorInfo[],
    scalars: readonly number[] = [],
  ): GpuData[] {
    for (const x of inputs) {
      if (!(x.dataId instanceof GpuData)) {
        throw new RecurError(
          'BACKEND',
          `${op}: an input is not stored on the gpu backend; move it with toBackend()`,
        );
      }
    }
    if (program.size === 0)
      return [this.#runner.empty(), ...(program.subKernels ?? []).map(() => this.#runner.empty())];
    const args = [...inputs.map((x) => x.dataId as GpuData), ...scalars];
    return this.#runner.launchAll(op, program, args);
  }
}

/**
 * Creates a gpu.js backend on a new (or the given) WebGL context: headless-gl in Node, WebGL2 in
 * browsers. Throws `RecurError('BACKEND')` saying what to do when the environment cannot run it
 * (no `gl` package, no display, no float textures, …). Register it yourself, or use
 * {@link useBackend}:
 *
 * ```ts
 * const gpu = createGpuBackend();
 * registerBackend('gpu', () => gpu);
 * setBackend('gpu');
 * ```
 */
export function createGpuBackend(options: GpuBackendOptions = {}): GpuBackend {
  return new GpuBackend(options);
}
