import type { BackendMemory } from '../backend.js';
import { RecurError } from '../errors.js';
import { type Program, programKey, programParams, specialValue } from './codegen.js';
import type { GlEnvironment } from './context.js';
import { backendError, firstLine } from './errors.js';
import type { GpuKernelRun, GpuKernelSettings, GpuTexture } from './gpujs.js';
import { type CachedKernel, KernelCache, type KernelCacheStats } from './kernel-cache.js';

/**
 * Largest tensor the gpu backend holds: kernels address elements by float index, which is exact
 * up to 2^24.
 */
export const MAX_GPU_ELEMENTS = 2 ** 24;

/** GPU storage: a float32 texture of the tensor's values (none for an empty tensor). */
export class GpuData {
  freed = false;
  /**
   * The exact values of an int32 tensor written with entries beyond ±2^24, which the float
   * texture rounds: `read` returns these, kernels see the rounded floats.
   */
  exact: Int32Array | null = null;
  constructor(
    /** The pipeline texture holding the values, row-major; null when the tensor is empty. */
    readonly texture: GpuTexture | null,
    /** Number of elements. */
    readonly size: number,
    /** The cached kernel that produced the texture. */
    readonly kernel: CachedKernel | null,
  ) {}
}

/** One argument of a kernel launch: stored data, a float scalar, or values to upload. */
type LaunchArg = GpuData | number | Float32Array;

const LOST_PATTERN = /invalid gl context|context lost|context_lost/i;

/**
 * Compiles, caches and launches kernel programs on one WebGL context, and accounts for the
 * storage they produce. Every gpu.js failure leaves here as a `RecurError`.
 */
export class KernelRunner {
  readonly #env: GlEnvironment;
  readonly #cache: KernelCache;
  #buffers = 0;
  #bytes = 0;

  constructor(env: GlEnvironment, maxKernels: number) {
    this.#env = env;
    this.#cache = new KernelCache(maxKernels);
  }

  /** Kernels compiled, cached, reused and evicted. */
  stats(): KernelCacheStats {
    return this.#cache.stats();
  }

  /** Live storage: buffers, bytes (4 per element) and the context's WebGL textures. */
  memory(): BackendMemory {
    return { buffers: this.#buffers, bytes: this.#bytes, textures: this.#env.liveTextures() };
  }

  /** Destroys every kernel (and their textures) and the context when it is ours. */
  destroy(): void {
    this.#cache.clear();
    this.#env.destroy();
  }

  /** Storage for an empty tensor (no texture). */
  empty(): GpuData {
    return this.#track(null, 0, null);
  }

  /** The values of `data`, read back from the GPU (a synchronous readPixels). */
  read(op: string, data: GpuData): Float32Array {
    this.#checkUsable(op);
    let values: Float32Array;
    try {
      values = data.texture ? data.texture.toArray() : new Float32Array(0);
    } catch (error) {
      throw this.#translate(op, error);
    }
    // A context lost during the read leaves zeros behind: report it rather than return them.
    this.#checkUsable(op);
    return values;
  }

  /** Frees `data`'s texture (once). */
  release(data: GpuData): void {
    if (data.freed) return;
    data.freed = true;
    this.#buffers--;
    this.#bytes -= data.size * 4;
    if (data.kernel) data.kernel.liveOutputs--;
    if (!data.texture) return;
    try {
      data.texture.delete();
    } catch {
      // The context is gone, and the texture with it.
    }
  }

  /** Runs `program` and returns its output's storage. */
  launch(op: string, program: Program, args: readonly LaunchArg[]): GpuData {
    return this.launchAll(op, program, args)[0]!;
  }

  /**
   * Runs `program` on `args` (stored data and arrays to upload fill the texture parameters in
   * order, numbers the run-time scalars) and returns the storage of its output and of each
   * sub-kernel output.
   */
  launchAll(op: string, program: Program, args: readonly LaunchArg[]): GpuData[] {
    this.#checkUsable(op);
    if (program.size > MAX_GPU_ELEMENTS) {
      throw new RecurError(
        'RANGE',
        `${op}: the gpu backend holds tensors of up to ${MAX_GPU_ELEMENTS} elements; this one needs ${program.size}`,
      );
    }
    const values: unknown[] = [];
    const runtime: number[] = [];
    const inputs: [kind: string, size: number][] = [];
    for (const arg of args) {
      if (typeof arg === 'number') runtime.push(arg);
      else if (arg instanceof Float32Array) {
        values.push(arg);
        inputs.push(['a', arg.length]);
      } else if (arg.freed || !arg.texture) {
        throw new RecurError(
          'BACKEND',
          `${op}: internal error: kernel ${program.name} was given ${arg.freed ? 'freed' : 'empty'} storage`,
        );
      } else {
        values.push(arg.texture);
        inputs.push(['t', arg.size]);
      }
    }
    const { textures: inputCount, scalars } = programParams(program.source);
    if (values.length !== inputCount) {
      throw new RecurError(
        'ARGUMENT',
        `${op}: kernel ${program.name} reads ${inputCount} input tensors (x0…x${inputCount - 1}); got ${values.length}`,
      );
    }
    let next = 0;
    for (const name of scalars) values.push(specialValue(name) ?? runtime[next++]);
    if (next !== runtime.length || values.includes(undefined)) {
      throw new RecurError(
        'ARGUMENT',
        `${op}: kernel ${program.name} takes the run-time scalars (${scalars.join(', ')}); got ${runtime.length} values`,
      );
    }
    let entry: CachedKernel | null = null;
    let result: unknown;
    try {
      entry = this.#cache.get(programKey(program, inputs), () => this.#compile(program));
      result = entry.run(...values);
    } catch (error) {
      if (entry && entry.liveOutputs === 0) this.#cache.discard(entry);
      throw this.#translate(`${op} (kernel ${program.name})`, error);
    }
    const textures = program.subKernels
      ? [
          (result as Record<string, unknown>).result,
          ...program.subKernels.map((_, k) => (result as Record<string, unknown>)[k]),
        ]
      : [result];
    return textures.map((texture) => {
      if (!isTexture(texture)) {
        throw backendError(
          `${op}: gpu.js returned no GPU texture for kernel ${program.name} (did it fall back to the CPU?)`,
        );
      }
      return this.#track(texture, program.size, entry);
    });
  }

  #compile(program: Program): GpuKernelRun {
    let run: GpuKernelRun | null = null;
    const settings: GpuKernelSettings = {
      output: [program.size],
      pipeline: true,
      immutable: true,
      precision: 'single',
      tactic: 'precision',
      onRequestFallback: () => {
        const reason = (run?.kernel as { fallbackReason?: string } | undefined)?.fallbackReason;
        throw backendError(
          `gpu: gpu.js cannot run kernel ${program.name} on this GPU${reason ? ` (${reason})` : ''} and wanted to fall back to the CPU`,
        );
      },
    };
    const gpu = this.#env.gpu;
    run = program.subKernels
      ? gpu.createKernelMap([...program.subKernels], program.source, settings)
      : gpu.createKernel(program.source, settings);
    return run;
  }

  #track(texture: GpuTexture | null, size: number, kernel: CachedKernel | null): GpuData {
    if (kernel) kernel.liveOutputs++;
    this.#buffers++;
    this.#bytes += size * 4;
    return new GpuData(texture, size, kernel);
  }

  #checkUsable(op: string): void {
    const lost = this.#env.lostReason();
    if (lost) throw this.#lostError(op, lost);
  }

  #lostError(op: string, reason: string, cause?: unknown): RecurError {
    return backendError(
      `${op}: the gpu backend cannot compute any more: ${reason}. Its tensors are gone; create a new ` +
        "backend (useBackend('gpu') or createGpuBackend()) and recompute, or use the CPU backend.",
      cause,
    );
  }

  #translate(op: string, error: unknown): RecurError {
    if (error instanceof RecurError) return error;
    const lost = this.#env.lostReason();
    if (lost) return this.#lostError(op, lost, error);
    if (LOST_PATTERN.test(firstLine(error))) {
      this.#env.markLost(`the WebGL context was lost (${firstLine(error)})`);
      return this.#lostError(op, this.#env.lostReason() ?? 'the WebGL context was lost', error);
    }
    return backendError(`${op}: gpu.js failed: ${firstLine(error)}`, error);
  }
}

function isTexture(value: unknown): value is GpuTexture {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as GpuTexture).toArray === 'function' &&
    typeof (value as GpuTexture).delete === 'function' &&
    'texture' in value
  );
}
