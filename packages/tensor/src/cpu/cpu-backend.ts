import {
  type ArgReduceOp,
  type Backend,
  type BackendMemory,
  type BinaryOp,
  binaryDType,
  type DataId,
  type DType,
  type ReduceOp,
  type TensorInfo,
  type TypedArray,
  type UnaryOp,
  unaryDType,
  whereDType,
} from '../backend.js';
import { RecurError } from '../errors.js';
import { type Shape, sizeOf } from '../shape.js';
import { innerBlock, planBroadcast } from './broadcast.js';
import { binaryTs, unaryTs, whereTs } from './elementwise.js';
import {
  alloc,
  concatValues,
  gatherValues,
  scatterAddValues,
  sliceValues,
  transposeValues,
} from './layout.js';
import { type GemmPlan, gemmTs, planGemm } from './matmul.js';
import { argReduceValues, reduceValues, softmaxValues } from './reduce.js';
import { type GemmPool, gemmPool } from './threads/gemm-pool.js';
import { requestedThreads } from './threads/thread-support.js';
import {
  linkWasmExtension,
  type WasmExtension,
  type WasmModuleSource,
} from './wasm/wasm-extension.js';
import {
  loadWasmKernels,
  WASM_BINARY_OPS,
  WASM_UNARY_OPS,
  type WasmBinaryOp,
  type WasmKernels,
  type WasmUnaryOp,
} from './wasm/wasm-kernels.js';
import type { WasmSimd } from './wasm/wasm-variant.js';

/** CPU storage: the values themselves. */
export class CpuData {
  /** Set once the storage was disposed. */
  freed = false;
  /** Wraps `values` (the backend owns them from now on). */
  constructor(public values: TypedArray) {}
}

/**
 * When the CPU backend runs its WebAssembly SIMD kernels:
 * - `'auto'` (default): where measured faster than TypeScript (see the thresholds below);
 * - `'always'`: for every op and size the wasm module implements (tests use it to cover the
 *   wasm path on small shapes);
 * - `'never'`: pure TypeScript, as where WebAssembly SIMD is unavailable.
 */
export type CpuWasmMode = 'auto' | 'always' | 'never';

/** Options of {@link CpuBackend}. */
export interface CpuBackendOptions {
  /**
   * Whether to use the wasm kernels (`true` = `'auto'`, `false` = `'never'`). Defaults to
   * `'auto'`, or to `'never'` when the environment variable `RECUR_CPU_WASM` is `0`/`off`/`never`
   * (`always` is also accepted there). Falls back to TypeScript where wasm SIMD is unavailable.
   */
  wasm?: CpuWasmMode | boolean;
  /** The backend's name (default `cpu`): what kernels and messages call it. */
  name?: string;
  /**
   * Threads the large matrix products are split over (the calling thread included). Defaults
   * to the environment variable `RECUR_THREADS`, else the machine's cores. Results are
   * bit-identical for any count. Where worker threads cannot run (no `SharedArrayBuffer`, a
   * browser) the backend runs on one thread and says why once on `console.warn`; with wasm off
   * it runs on one thread too. Either way {@link CpuBackend.threadsNote} keeps the reason.
   */
  threads?: number;
  /**
   * Whether the GEMM fuses its multiply-adds (`f32x4.relaxed_madd`, relaxed SIMD) where the
   * engine validates relaxed SIMD (default true, or false when the environment variable
   * `RECUR_CPU_FMA` is `0`/`off`); false runs plain SIMD128 everywhere. Values
   * differ between the two in the last bits (one rounding per multiply-add instead of two);
   * within one build they do not depend on the thread count. {@link CpuBackend.wasmSimd} says
   * which runs.
   */
  fma?: boolean;
  /**
   * The smallest matrix product (m·n·k multiply-adds) split over the threads; smaller ones run
   * on the calling thread. Default 2²³ (8.4 M): measured in `apps/bench` (e2e, 2-core Xeon,
   * Node 20), at 2¹⁹ the per-step products of an H = 128 LSTM (2.1 M) were split and training
   * ran at 0.72× one thread (21.9k vs 30.3k tokens/s), while at 2²³ the H = 128 models keep one
   * thread and an H = 256 LSTM trains 1.3× faster on two (15.9k vs 12.2k tokens/s).
   */
  threadMinFlops?: number;
}

/** The default {@link CpuBackendOptions.threadMinFlops}. */
export const DEFAULT_THREAD_MIN_FLOPS = 1 << 23;

/**
 * Sizes from which the wasm kernels beat TypeScript on V8, copies into and out of wasm memory
 * included. Measured (best of 15 runs, Node 20, 2-core AMD EPYC) as the wasm speedup over
 * TypeScript: matmul 0.5× at m·n·k = 16, 0.7× at 32, 2.9× at 256, 12× at 2048; same-shape add
 * 1.8× at 256 elements, 2.2× at 1024; exp 1.1× at 64, 2.0× at 256; tanh 1.7× at 64, 2.2× at
 * 256; relu and square about 0.6× at 64, 1.4–1.6× at 256, 2.3–3× at 1024.
 */
const WASM_MIN = {
  /** m·n·k of a matmul. */
  matmulFlops: 128,
  /**
   * The fewest rows of a matmul split over the thread pool (its smallest m·n·k is the backend's
   * `threadMinFlops` option).
   */
  threadRows: 8,
  /** Output elements of add/sub/mul/div/maximum/minimum, with rows of at least `binaryCols`. */
  binary: 256,
  binaryCols: 16,
  /** Elements, per unary op. */
  unary: {
    exp: 128,
    sigmoid: 128,
    tanh: 128,
    relu: 256,
    neg: 256,
    abs: 256,
    sqrt: 256,
    square: 256,
  } satisfies Record<WasmUnaryOp, number>,
};

const warned = new Set<string>();

/** Says once per process why the backend runs on fewer threads than asked. */
function warnOnce(reason: string): void {
  if (warned.has(reason)) return;
  warned.add(reason);
  console.warn(`@recur/tensor: the CPU backend runs on one thread: ${reason}`);
}

/** `RECUR_CPU_FMA=0` (or `off`/`false`/`never`) turns the relaxed-SIMD GEMM off by default. */
function envFma(): boolean | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
    ?.env;
  const value = env?.RECUR_CPU_FMA?.toLowerCase();
  if (value === undefined || value === '') return undefined;
  return !(value === '0' || value === 'off' || value === 'never' || value === 'false');
}

function envMode(): CpuWasmMode | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
    ?.env;
  const value = env?.RECUR_CPU_WASM?.toLowerCase();
  if (value === undefined || value === '') return undefined;
  if (value === '0' || value === 'off' || value === 'never' || value === 'false') return 'never';
  if (value === 'always') return 'always';
  return 'auto';
}

/**
 * The reference backend: plain typed arrays on the CPU, with the hot kernels (matmul, the
 * transcendental and arithmetic elementwise ops) in hand-written WebAssembly SIMD where that
 * pays, and a pure-TypeScript path for everything else and wherever wasm is unavailable. Every
 * other backend is tested against the conformance suite in `@recur/conformance`.
 */
export class CpuBackend implements Backend {
  readonly name: string;
  /** The wasm mode in effect (`'never'` if wasm SIMD is unavailable here). */
  readonly wasmMode: CpuWasmMode;
  readonly #wasm: WasmKernels | null;
  /** Which build of the wasm kernels runs (null: none, the TypeScript path). */
  readonly wasmSimd: WasmSimd | null;
  /** Threads the large matrix products run on (1: no pool). */
  readonly threads: number;
  /** Why {@link threads} is below the count asked for, if it is. */
  readonly threadsNote: string | undefined;
  readonly #pool: GemmPool | null = null;
  readonly #threadMinFlops: number;
  #buffers = 0;
  #bytes = 0;

  constructor(options: CpuBackendOptions = {}) {
    this.name = options.name ?? 'cpu';
    const minFlops = options.threadMinFlops ?? DEFAULT_THREAD_MIN_FLOPS;
    if (!Number.isSafeInteger(minFlops) || minFlops < 0) {
      throw new RecurError(
        'ARGUMENT',
        `CpuBackend: threadMinFlops must be a non-negative integer, got ${String(minFlops)}`,
      );
    }
    this.#threadMinFlops = minFlops;
    const requested =
      options.wasm === true
        ? 'auto'
        : options.wasm === false
          ? 'never'
          : (options.wasm ?? envMode() ?? 'auto');
    this.#wasm = requested === 'never' ? null : loadWasmKernels(options.fma ?? envFma() ?? true);
    this.wasmMode = this.#wasm ? requested : 'never';
    this.wasmSimd = this.#wasm?.simd ?? null;
    const wanted = requestedThreads(options.threads);
    let note: string | undefined;
    if (wanted > 1 && !this.wasmSimd) note = 'the threads run the wasm kernels, which are off here';
    else if (wanted > 1 && this.wasmSimd) {
      const started = gemmPool(wanted, this.wasmSimd);
      if ('pool' in started) this.#pool = started.pool;
      else {
        note = started.reason;
        warnOnce(note); // the environment's doing, not the caller's: say it once
      }
    }
    this.threads = this.#pool?.threads ?? 1;
    this.threadsNote = note;
  }

  /** Whether WebAssembly SIMD kernels are in use. */
  get usesWasm(): boolean {
    return this.#wasm !== null;
  }

  /** The stored values without copying (for kernels; do not keep or mutate them). */
  values(x: TensorInfo | DataId): TypedArray {
    const id = 'dataId' in x ? (x as TensorInfo).dataId : x;
    return (id as CpuData).values;
  }

  /** Stores `values` (taking ownership) and returns its handle. Shape and dtype are not needed here. */
  write(values: TypedArray, _shape?: Shape, _dtype?: DType): DataId {
    this.#buffers++;
    this.#bytes += values.byteLength;
    return new CpuData(values);
  }

  read(x: TensorInfo): TypedArray {
    return this.values(x).slice();
  }

  dispose(dataId: DataId): void {
    const data = dataId as CpuData;
    if (data.freed) return;
    data.freed = true;
    this.#buffers--;
    this.#bytes -= data.values.byteLength;
  }

  memory(): BackendMemory {
    return { buffers: this.#buffers, bytes: this.#bytes };
  }

  fill(shape: Shape, value: number, dtype: DType): DataId {
    const out = alloc(dtype, sizeOf(shape));
    if (value !== 0) out.fill(value);
    return this.write(out);
  }

  #wasmFor(size: number, threshold: number): WasmKernels | null {
    if (!this.#wasm || size === 0) return null;
    return this.wasmMode === 'always' || size >= threshold ? this.#wasm : null;
  }

  unary(op: UnaryOp, x: TensorInfo): DataId {
    const xs = this.values(x);
    const out = alloc(unaryDType(op, x.dtype), xs.length);
    this.unaryInto(op, xs, out);
    return this.write(out);
  }

  /**
   * `out[i] = op(x[i])` on raw arrays (wasm SIMD for float32 where it pays), for fused kernels
   * that apply an activation to a buffer of their own. `out` may be `x`.
   */
  unaryInto(op: UnaryOp, x: TypedArray, out: TypedArray): void {
    if (op in WASM_UNARY_OPS && x instanceof Float32Array && out instanceof Float32Array) {
      const wasmOp = op as WasmUnaryOp;
      if (this.#wasmFor(x.length, WASM_MIN.unary[wasmOp])?.unary(wasmOp, x, out)) return;
    }
    unaryTs(op, x, out);
  }

  binary(op: BinaryOp, a: TensorInfo, b: TensorInfo, outShape: Shape): DataId {
    const av = this.values(a);
    const bv = this.values(b);
    const out = alloc(binaryDType(op, a.dtype, b.dtype), sizeOf(outShape));
    const plan = planBroadcast([a.shape, b.shape], outShape);
    if (
      op in WASM_BINARY_OPS &&
      av instanceof Float32Array &&
      bv instanceof Float32Array &&
      out instanceof Float32Array &&
      (this.wasmMode === 'always' || innerBlock(plan).cols >= WASM_MIN.binaryCols)
    ) {
      const wasm = this.#wasmFor(out.length, WASM_MIN.binary);
      if (wasm?.binary(op as WasmBinaryOp, av, bv, out, plan)) return this.write(out);
    }
    binaryTs(op, av, bv, out, plan);
    return this.write(out);
  }

  matmul(
    a: TensorInfo,
    b: TensorInfo,
    transposeA: boolean,
    transposeB: boolean,
    outShape: Shape,
  ): DataId {
    const out = new Float32Array(sizeOf(outShape));
    const plan = planGemm(a.shape, b.shape, outShape, transposeA);
    this.#gemm(
      this.values(a) as Float32Array,
      this.values(b) as Float32Array,
      out,
      plan,
      transposeA,
      transposeB,
    );
    return this.write(out);
  }

  /**
   * A matrix product on raw arrays, for fused kernels: `out[m×n] = op(a)·op(b)` where `a` is
   * `[m×k]` (stored `[k×m]` when `transposeA`) and `b` is `[k×n]` (stored `[n×k]` when
   * `transposeB`), all row-major — or `out += op(a)·op(b)` when `accumulate` (e.g. onto a bias
   * or a precomputed input projection). Uses the wasm SIMD GEMM where it pays. Returns `out`.
   */
  gemm(
    a: Float32Array,
    b: Float32Array,
    m: number,
    n: number,
    k: number,
    transposeA = false,
    transposeB = false,
    out: Float32Array = new Float32Array(m * n),
    accumulate = false,
  ): Float32Array {
    const plan: GemmPlan = { m, n, k, jobs: [{ aOffset: 0, bOffset: 0, outOffset: 0 }] };
    if (!accumulate) {
      this.#gemm(a, b, out, plan, transposeA, transposeB);
      return out;
    }
    if (k === 0 || out.length === 0) return out;
    const wasm = this.#wasmFor(m * n * k, WASM_MIN.matmulFlops);
    if (wasm && this.#threaded(plan)?.gemm(a, b, out, plan, transposeA, transposeB, true)) {
      return out;
    }
    if (wasm?.gemm(a, b, out, plan, transposeA, transposeB, true)) return out;
    const product = new Float32Array(m * n);
    gemmTs(a, b, product, plan, transposeA, transposeB);
    for (let i = 0; i < out.length; i++) out[i]! += product[i]!;
    return out;
  }

  /**
   * Links another package's WebAssembly SIMD module to this backend's kernels (see
   * {@link WasmModuleSource}): how a fused kernel of that package runs its own wasm pass over the
   * same memory and vector math. Null where this backend runs without wasm (`wasmMode` is
   * `'never'`, or WebAssembly SIMD is unavailable): the caller runs its TypeScript path. Whether
   * a call pays at a given size is the caller's choice (`wasmMode` `'always'` asks for wasm at
   * every size). Throws a `FORMAT` error for a module that does not link.
   */
  linkWasm<Exports>(source: WasmModuleSource): WasmExtension<Exports> | null {
    return this.#wasm ? linkWasmExtension<Exports>(this.#wasm, source) : null;
  }

  #gemm(
    a: Float32Array,
    b: Float32Array,
    out: Float32Array,
    plan: GemmPlan,
    ta: boolean,
    tb: boolean,
  ): void {
    if (out.length === 0) return;
    if (plan.k === 0) {
      out.fill(0);
      return;
    }
    const wasm = this.#wasmFor(plan.m * plan.n * plan.k, WASM_MIN.matmulFlops);
    if (wasm && this.#threaded(plan)?.gemm(a, b, out, plan, ta, tb, false)) return;
    if (wasm?.gemm(a, b, out, plan, ta, tb)) return;
    gemmTs(a, b, out, plan, ta, tb);
  }

  /** The pool, when this product is large enough to split over it. */
  #threaded(plan: GemmPlan): GemmPool | null {
    const pool = this.#pool;
    if (!pool || plan.m < WASM_MIN.threadRows) return null;
    return plan.m * plan.n * plan.k >= this.#threadMinFlops ? pool : null;
  }

  reduce(op: ReduceOp, x: TensorInfo, axes: readonly number[]): DataId {
    return this.write(reduceValues(op, this.values(x), x.shape, axes, x.dtype));
  }

  argReduce(op: ArgReduceOp, x: TensorInfo, axis: number): DataId {
    return this.write(argReduceValues(op, this.values(x), x.shape, axis));
  }

  softmax(x: TensorInfo, axis: number, log: boolean): DataId {
    return this.write(softmaxValues(this.values(x), x.shape, axis, log));
  }

  slice(x: TensorInfo, begin: readonly number[], size: readonly number[]): DataId {
    return this.write(sliceValues(this.values(x), x.shape, begin, size, x.dtype));
  }

  concat(xs: readonly TensorInfo[], axis: number, outShape: Shape): DataId {
    const parts = xs.map((x) => ({ values: this.values(x), shape: x.shape }));
    return this.write(concatValues(parts, axis, outShape, xs[0]!.dtype));
  }

  gather(x: TensorInfo, indices: TensorInfo, axis: number, outShape: Shape): DataId {
    const out = gatherValues(
      this.values(x),
      x.shape,
      this.values(indices),
      axis,
      sizeOf(outShape),
      x.dtype,
    );
    return this.write(out);
  }

  scatterAdd(updates: TensorInfo, indices: TensorInfo, axis: number, outShape: Shape): DataId {
    return this.write(
      scatterAddValues(this.values(updates), this.values(indices), axis, outShape, updates.dtype),
    );
  }

  where(cond: TensorInfo, a: TensorInfo, b: TensorInfo, outShape: Shape): DataId {
    const out = alloc(whereDType(a.dtype, b.dtype), sizeOf(outShape));
    const plan = planBroadcast([cond.shape, a.shape, b.shape], outShape);
    whereTs(this.values(cond), this.values(a), this.values(b), out, plan);
    return this.write(out);
  }

  clamp(x: TensorInfo, low: number, high: number): DataId {
    const xs = this.values(x);
    const out = alloc(x.dtype, xs.length);
    for (let i = 0; i < xs.length; i++) {
      const v = xs[i]!;
      out[i] = Math.min(Math.max(v, low), high); // NaN stays NaN
    }
    return this.write(out);
  }

  transpose(x: TensorInfo, perm: readonly number[]): DataId {
    return this.write(transposeValues(this.values(x), x.shape, perm, x.dtype));
  }

  cast(x: TensorInfo, dtype: DType): DataId {
    const xs = this.values(x);
    if (dtype === 'int32') {
      const out = new Int32Array(xs.length);
      for (let i = 0; i < xs.length; i++) out[i] = Math.trunc(xs[i]!);
      return this.write(out);
    }
    return this.write(Float32Array.from(xs));
  }
}
