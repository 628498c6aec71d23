import { RecurError } from '../../errors.js';
import type { GemmPlan } from '../matmul.js';
import { decodeBase64 } from '../wasm/wasm-kernels.js';
import { kernelsBase64, type WasmSimd } from '../wasm/wasm-variant.js';
import { CONTROL_SLOTS, runShare, SLOT } from './control.js';
import { workerThreads } from './thread-support.js';
import { WORKER_SOURCE } from './worker-source.js';

/** GEMM blocking, as in `wasm-kernels.ts`: each thread has its own packing area. */
const MC = 128;
const KC = 256;
const NC = 2048;
const WORK_BYTES = 4 * (MC * KC + KC * NC) + 128;
const PAGE = 65536;
/** The shared memory's maximum (what the module declares): 16384 pages, 1 GiB. */
const MAX_PAGES = 16384;
/** Seconds to wait for the workers to start before giving up on them. */
const START_TIMEOUT_MS = 10_000;

const pad16 = (bytes: number): number => (bytes + 15) & ~15;

type Gemm = (...args: number[]) => void;

/**
 * A pool of worker threads that share one WebAssembly memory with the main thread and run the
 * blocked GEMM of `wasm/kernels.wat` (its shared-memory build) split by rows of C. The call is
 * synchronous: the main thread computes its own share, then sleeps in `Atomics.wait` until the
 * workers are done. Each element of C is computed by one thread with the same kernel and the
 * same order of k-blocks, so results are bit-identical for any thread count.
 */
export class GemmPool {
  /** Threads in all, the calling one included. */
  readonly threads: number;
  /** Which build of the kernels every thread runs. */
  readonly simd: WasmSimd;
  readonly #memory: WebAssembly.Memory;
  readonly #control: Int32Array;
  readonly #gemm: Gemm;
  #f32: Float32Array;

  private constructor(
    threads: number,
    simd: WasmSimd,
    memory: WebAssembly.Memory,
    control: Int32Array,
    gemm: Gemm,
  ) {
    this.threads = threads;
    this.simd = simd;
    this.#memory = memory;
    this.#control = control;
    this.#gemm = gemm;
    this.#f32 = new Float32Array(memory.buffer);
  }

  /**
   * Starts `threads − 1` workers (synchronously: it waits until they are ready), or returns why
   * it cannot.
   */
  static start(
    threads: number,
    simd: WasmSimd = 'simd128',
  ): { pool: GemmPool } | { reason: string } {
    const support = workerThreads();
    if (!support.ok) return { reason: support.reason };
    let memory: WebAssembly.Memory;
    let module: WebAssembly.Module;
    let gemm: Gemm;
    try {
      memory = new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES, shared: true });
      module = new WebAssembly.Module(decodeBase64(kernelsBase64(simd, true)));
      const instance = new WebAssembly.Instance(module, { recur: { memory } });
      gemm = instance.exports.gemm as Gemm;
    } catch (error) {
      return { reason: `the shared-memory kernels do not load here (${(error as Error).message})` };
    }
    const control = new Int32Array(new SharedArrayBuffer(4 * CONTROL_SLOTS));
    const workers = [];
    try {
      for (let index = 1; index < threads; index++) {
        const worker = new support.module.Worker(WORKER_SOURCE, {
          eval: true,
          workerData: { module, memory, control: control.buffer, index },
        });
        // A worker that fails to start must not take the host down: the start then times out
        // and the backend runs on one thread, saying why.
        worker.on('error', () => {});
        worker.unref();
        workers.push(worker);
      }
    } catch (error) {
      for (const worker of workers) void worker.terminate();
      return { reason: `worker threads do not start here (${(error as Error).message})` };
    }
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      const ready = Atomics.load(control, SLOT.READY);
      if (ready === threads - 1) break;
      if (Date.now() > deadline) {
        Atomics.store(control, SLOT.STOP, 1);
        for (const worker of workers) void worker.terminate();
        return { reason: `worker threads did not start within ${START_TIMEOUT_MS / 1000} s` };
      }
      Atomics.wait(control, SLOT.READY, ready, 50);
    }
    return { pool: new GemmPool(threads, simd, memory, control, gemm) };
  }

  /** Ends the workers (they leave their loop); the pool must not be used afterwards. */
  stop(): void {
    Atomics.store(this.#control, SLOT.STOP, 1);
    Atomics.add(this.#control, SLOT.GENERATION, 1);
    Atomics.notify(this.#control, SLOT.GENERATION);
  }

  /** Bytes of shared memory currently reserved. */
  get memoryBytes(): number {
    return this.#memory.buffer.byteLength;
  }

  #reserve(bytes: number): Float32Array | null {
    const have = this.#memory.buffer.byteLength;
    if (have < bytes) {
      const pages = Math.ceil((bytes - have) / PAGE);
      if (have / PAGE + pages > MAX_PAGES) return null;
      try {
        this.#memory.grow(pages);
      } catch {
        return null;
      }
    }
    if (
      this.#f32.buffer !== this.#memory.buffer ||
      this.#f32.byteLength !== this.#memory.buffer.byteLength
    ) {
      this.#f32 = new Float32Array(this.#memory.buffer);
    }
    return this.#f32;
  }

  /**
   * `out = op(A)·op(B)` (or `out += …` when `accumulate`) for each job of `plan`, with
   * `plan.m ≥ 4` (the blocked kernel; smaller products stay on one thread). Returns false
   * (having done nothing) when the operands do not fit in the shared memory.
   */
  gemm(
    a: Float32Array,
    b: Float32Array,
    out: Float32Array,
    plan: GemmPlan,
    transposeA: boolean,
    transposeB: boolean,
    accumulate: boolean,
  ): boolean {
    const { m, n, k } = plan;
    const aAt = this.threads * WORK_BYTES;
    const bAt = aAt + pad16(a.byteLength);
    const cAt = bAt + pad16(b.byteLength);
    const f32 = this.#reserve(cAt + pad16(out.byteLength));
    if (!f32) return false;
    f32.set(a, aAt >> 2);
    f32.set(b, bAt >> 2);
    if (accumulate) f32.set(out, cAt >> 2);
    const control = this.#control;
    const chunk = (Math.ceil(m / this.threads) + 3) & ~3;
    control[SLOT.M] = m;
    control[SLOT.N] = n;
    control[SLOT.K] = k;
    control[SLOT.ARS] = transposeA ? 1 : k;
    control[SLOT.ACS] = transposeA ? m : 1;
    control[SLOT.BRS] = transposeB ? 1 : n;
    control[SLOT.BCS] = transposeB ? k : 1;
    control[SLOT.ACCUMULATE] = accumulate ? 1 : 0;
    control[SLOT.CHUNK] = chunk;
    control[SLOT.WORK] = 0;
    control[SLOT.WORK_BYTES] = WORK_BYTES;
    control[SLOT.MC] = MC;
    control[SLOT.KC] = KC;
    control[SLOT.NC] = NC;
    // Threads past the last chunk have nothing to do: wake only those with rows.
    const busy = Math.min(this.threads, Math.ceil(m / chunk));
    for (const job of plan.jobs) {
      control[SLOT.A] = aAt + 4 * job.aOffset;
      control[SLOT.B] = bAt + 4 * job.bOffset;
      control[SLOT.C] = cAt + 4 * job.outOffset;
      this.#run(busy);
    }
    out.set(f32.subarray(cAt >> 2, (cAt >> 2) + out.length));
    return true;
  }

  /** Runs the job in the control block on `busy` threads (the calling one included) and waits. */
  #run(busy: number): void {
    const control = this.#control;
    if (busy <= 1) {
      runShare(control, 0, this.#gemm);
      return;
    }
    // Every worker wakes on a new generation; those past `busy` find no rows and report at once.
    Atomics.store(control, SLOT.PENDING, this.threads - 1);
    Atomics.add(control, SLOT.GENERATION, 1);
    Atomics.notify(control, SLOT.GENERATION);
    runShare(control, 0, this.#gemm);
    for (;;) {
      const pending = Atomics.load(control, SLOT.PENDING);
      if (pending === 0) break;
      Atomics.wait(control, SLOT.PENDING, pending);
    }
    if (Atomics.load(control, SLOT.ERROR) !== 0) {
      Atomics.store(control, SLOT.ERROR, 0);
      throw new RecurError('RANGE', 'CpuBackend.gemm: a worker thread failed inside the wasm GEMM');
    }
  }
}

const pools = new Map<string, { pool: GemmPool } | { reason: string }>();

/**
 * One pool per (thread count, kernel build) per process, started on first use, or why there
 * is none.
 */
export function gemmPool(threads: number, simd: WasmSimd): { pool: GemmPool } | { reason: string } {
  const key = `${threads} ${simd}`;
  let entry = pools.get(key);
  if (!entry) {
    entry = GemmPool.start(threads, simd);
    pools.set(key, entry);
  }
  return entry;
}
