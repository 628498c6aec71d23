import { type BroadcastPlan, forEachBlock, innerBlock } from '../broadcast.js';
import type { GemmPlan } from '../matmul.js';
import type { WasmExtension } from './wasm-extension.js';
import { kernelsBase64, relaxedSimdSupported, type WasmSimd } from './wasm-variant.js';

/** The binary ops the wasm module implements, by its op code. */
export const WASM_BINARY_OPS = { add: 0, sub: 1, mul: 2, div: 3, maximum: 4, minimum: 5 } as const;
/** The unary ops the wasm module implements, by its op code. */
export const WASM_UNARY_OPS = {
  exp: 0,
  sigmoid: 1,
  tanh: 2,
  relu: 3,
  neg: 4,
  abs: 5,
  sqrt: 6,
  square: 7,
} as const;

export type WasmBinaryOp = keyof typeof WASM_BINARY_OPS;
export type WasmUnaryOp = keyof typeof WASM_UNARY_OPS;

interface KernelExports {
  memory: WebAssembly.Memory;
  gemm(
    m: number,
    n: number,
    k: number,
    a: number,
    ars: number,
    acs: number,
    b: number,
    brs: number,
    bcs: number,
    c: number,
    work: number,
    mcBlock: number,
    kcBlock: number,
    ncBlock: number,
    accumulate: number,
  ): void;
  gemmSmall(
    m: number,
    n: number,
    k: number,
    a: number,
    ars: number,
    acs: number,
    b: number,
    brs: number,
    bcs: number,
    c: number,
    accumulate: number,
  ): void;
  binaryRows(
    op: number,
    a: number,
    aRow: number,
    aInc: number,
    b: number,
    bRow: number,
    bInc: number,
    out: number,
    rows: number,
    cols: number,
  ): void;
  unary(op: number, x: number, out: number, n: number): void;
  /** The vector math (v128 → v128), exported for linked modules; not callable from JavaScript. */
  exp4: WebAssembly.ExportValue;
  sigmoid4: WebAssembly.ExportValue;
  tanh4: WebAssembly.ExportValue;
}

/**
 * GEMM blocking: an `MC×KC` block of A (128 KiB) stays in L2, a `KC×8` panel of B (8 KiB) in
 * L1, and a `KC×NC` block of B is packed once per `KC` step.
 */
const MC = 128;
const KC = 256;
const NC = 2048;
/** Below this many rows of A, `gemmSmall` (no packing) beats the blocked GEMM. */
const SMALL_M = 4;
const GEMM_WORK_BYTES = 4 * (MC * KC + KC * NC) + 128;
const PAGE = 65536;
/** Calls needing more wasm memory than this (bytes) stay on the TypeScript path. */
const MAX_BYTES = 1 << 30;

/** Rounds a byte count up to whole 16-byte vectors (kernels read and write whole vectors). */
const pad16 = (bytes: number): number => (bytes + 15) & ~15;

/**
 * The hand-written WebAssembly SIMD kernels (`wasm/kernels.wat`) behind a typed-array API: each
 * call copies its operands into the module's one growable memory, runs, and copies the result
 * out. The copies are O(size) against the kernels' own work; `CpuBackend` uses these only
 * above the sizes where that pays.
 */
export class WasmKernels {
  /** Which build of the module this is. */
  readonly simd: WasmSimd;
  readonly #exports: KernelExports;
  #f32: Float32Array;

  constructor(exports: KernelExports, simd: WasmSimd = 'simd128') {
    this.simd = simd;
    this.#exports = exports;
    this.#f32 = new Float32Array(exports.memory.buffer);
  }

  /** Bytes of wasm memory currently reserved (it grows to the largest call and stays). */
  get memoryBytes(): number {
    return this.#exports.memory.buffer.byteLength;
  }

  /** Grows memory to at least `bytes` and returns a live view of it, or null if it cannot grow. */
  #reserve(bytes: number): Float32Array | null {
    if (bytes > MAX_BYTES) return null;
    const memory = this.#exports.memory;
    const have = memory.buffer.byteLength;
    if (have < bytes) {
      try {
        memory.grow(Math.ceil((bytes - have) / PAGE));
      } catch {
        return null;
      }
    }
    if (this.#f32.buffer !== memory.buffer) this.#f32 = new Float32Array(memory.buffer);
    return this.#f32;
  }

  /**
   * Runs a GEMM plan (see `planGemm`): for each job, `out = op(A)·op(B)` — or
   * `out += op(A)·op(B)` when `accumulate`. `a` and `b` are copied in whole, once, so jobs that
   * share an operand do not copy it again. Returns false (having done nothing) when the
   * operands do not fit in wasm memory.
   */
  gemm(
    a: Float32Array,
    b: Float32Array,
    out: Float32Array,
    plan: GemmPlan,
    transposeA: boolean,
    transposeB: boolean,
    accumulate = false,
  ): boolean {
    const { m, n, k } = plan;
    const aAt = GEMM_WORK_BYTES;
    const bAt = aAt + pad16(a.byteLength);
    const cAt = bAt + pad16(b.byteLength);
    const f32 = this.#reserve(cAt + pad16(out.byteLength));
    if (!f32) return false;
    f32.set(a, aAt >> 2);
    f32.set(b, bAt >> 2);
    if (accumulate) f32.set(out, cAt >> 2);
    const add = accumulate ? 1 : 0;
    const ars = transposeA ? 1 : k;
    const acs = transposeA ? m : 1;
    const brs = transposeB ? 1 : n;
    const bcs = transposeB ? k : 1;
    const { gemm, gemmSmall } = this.#exports;
    for (const job of plan.jobs) {
      const aPtr = aAt + 4 * job.aOffset;
      const bPtr = bAt + 4 * job.bOffset;
      const cPtr = cAt + 4 * job.outOffset;
      if (m < SMALL_M) gemmSmall(m, n, k, aPtr, ars, acs, bPtr, brs, bcs, cPtr, add);
      else gemm(m, n, k, aPtr, ars, acs, bPtr, brs, bcs, cPtr, 0, MC, KC, NC, add);
    }
    out.set(f32.subarray(cAt >> 2, (cAt >> 2) + out.length));
    return true;
  }

  /**
   * `out = a op b` with broadcasting, walking `plan` (see `planBroadcast`): one wasm call per
   * innermost `rows × cols` block. Returns false when the operands do not fit in wasm memory.
   */
  binary(
    op: WasmBinaryOp,
    a: Float32Array,
    b: Float32Array,
    out: Float32Array,
    plan: BroadcastPlan,
  ): boolean {
    const bAt = pad16(a.byteLength);
    const outAt = bAt + pad16(b.byteLength);
    // +16: the last row may run up to 3 lanes past the end
    const f32 = this.#reserve(outAt + pad16(out.byteLength) + 16);
    if (!f32) return false;
    f32.set(a, 0);
    f32.set(b, bAt >> 2);
    const { rows, cols, inc, row } = innerBlock(plan);
    const code = WASM_BINARY_OPS[op];
    const run = this.#exports.binaryRows;
    forEachBlock(plan, out.length, ([aOff, bOff], o) => {
      run(
        code,
        4 * aOff!,
        4 * row[0]!,
        inc[0]!,
        bAt + 4 * bOff!,
        4 * row[1]!,
        inc[1]!,
        outAt + 4 * o,
        rows,
        cols,
      );
    });
    out.set(f32.subarray(outAt >> 2, (outAt >> 2) + out.length));
    return true;
  }

  /** `out[i] = op(x[i])`; returns false when `x` is too large for wasm memory. */
  unary(op: WasmUnaryOp, x: Float32Array, out: Float32Array): boolean {
    const outAt = pad16(x.byteLength);
    const end = outAt + pad16(out.byteLength);
    const f32 = this.#reserve(end);
    if (!f32) return false;
    f32.set(x, 0);
    this.#exports.unary(WASM_UNARY_OPS[op], 0, outAt, x.length);
    out.set(f32.subarray(outAt >> 2, (outAt >> 2) + out.length));
    return true;
  }

  /**
   * Instantiates another package's module against this one (see {@link WasmExtension}): it
   * imports `recur.memory` (this module's memory) and `recur.exp4`, `recur.sigmoid4`,
   * `recur.tanh4`. Throws what `WebAssembly.Instance` throws when the imports do not match.
   */
  link<Exports>(module: WebAssembly.Module): WasmExtension<Exports> {
    const { memory, exp4, sigmoid4, tanh4 } = this.#exports;
    const instance = new WebAssembly.Instance(module, {
      recur: { memory, exp4, sigmoid4, tanh4 },
    });
    return {
      exports: instance.exports as Exports,
      reserve: (bytes) => this.#reserve(bytes),
    };
  }
}

export function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

const loaded = new Map<WasmSimd, WasmKernels | null>();

/**
 * The kernels, compiled and instantiated synchronously on first call (no work at import time):
 * the relaxed-SIMD build when `fma` is asked for and the engine validates it, else plain SIMD;
 * null where WebAssembly or its SIMD extension is unavailable. Later calls return the same
 * instance per build.
 */
export function loadWasmKernels(fma = false): WasmKernels | null {
  if (typeof WebAssembly !== 'object' || typeof WebAssembly.Module !== 'function') return null;
  const simd: WasmSimd = fma && relaxedSimdSupported(decodeBase64) ? 'relaxed-simd' : 'simd128';
  if (loaded.has(simd)) return loaded.get(simd)!;
  let kernels: WasmKernels | null = null;
  try {
    const module = new WebAssembly.Module(decodeBase64(kernelsBase64(simd, false)));
    const instance = new WebAssembly.Instance(module, {});
    kernels = new WasmKernels(instance.exports as unknown as KernelExports, simd);
  } catch {
    // No SIMD (the module fails to validate) or no synchronous compilation: the TS path runs.
    kernels = simd === 'relaxed-simd' ? loadWasmKernels(false) : null;
  }
  loaded.set(simd, kernels);
  return kernels;
}
