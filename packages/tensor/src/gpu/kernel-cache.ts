import type { GpuKernelRun } from './gpujs.js';

/** A compiled kernel and the outputs of it still alive (it is never destroyed under them). */
export interface CachedKernel {
  readonly key: string;
  readonly run: GpuKernelRun;
  /** Live tensors whose texture this kernel produced. */
  liveOutputs: number;
}

/** Counters for tests and tuning. */
export interface KernelCacheStats {
  /** Kernels compiled since the backend was created. */
  compiled: number;
  /** Kernels in the cache now. */
  cached: number;
  /** Launches that reused a compiled kernel. */
  hits: number;
  /** Kernels destroyed to stay within the limit. */
  evicted: number;
}

/**
 * Compiled kernels by key (`programKey`: source, sizes and inputs), least recently used first. Beyond `limit` entries the
 * least recently used kernels with no live outputs are destroyed (gpu.js deletes a kernel's
 * textures with it, so one whose outputs are still in use is kept).
 */
export class KernelCache {
  readonly #kernels = new Map<string, CachedKernel>();
  readonly #limit: number;
  #compiled = 0;
  #hits = 0;
  #evicted = 0;

  constructor(limit: number) {
    this.#limit = limit;
  }

  /** The kernel for `key`, compiling it with `build` on first use. */
  get(key: string, build: () => GpuKernelRun): CachedKernel {
    const found = this.#kernels.get(key);
    if (found) {
      this.#hits++;
      this.#kernels.delete(key);
      this.#kernels.set(key, found);
      return found;
    }
    this.#evict(this.#limit - 1);
    const entry: CachedKernel = { key, run: build(), liveOutputs: 0 };
    this.#compiled++;
    this.#kernels.set(key, entry);
    return entry;
  }

  /** Removes a kernel that failed to build or run (it is destroyed if it got that far). */
  discard(entry: CachedKernel): void {
    if (this.#kernels.get(entry.key) === entry) this.#kernels.delete(entry.key);
    destroyKernel(entry);
  }

  stats(): KernelCacheStats {
    return {
      compiled: this.#compiled,
      cached: this.#kernels.size,
      hits: this.#hits,
      evicted: this.#evicted,
    };
  }

  /** Destroys every kernel (and with them their textures). */
  clear(): void {
    for (const entry of this.#kernels.values()) destroyKernel(entry);
    this.#kernels.clear();
  }

  /** Destroys least recently used kernels without live outputs until at most `keep` remain. */
  #evict(keep: number): void {
    if (this.#kernels.size <= keep) return;
    for (const entry of this.#kernels.values()) {
      if (this.#kernels.size <= keep) return;
      if (entry.liveOutputs > 0) continue;
      this.#kernels.delete(entry.key);
      destroyKernel(entry);
      this.#evicted++;
    }
  }
}

function destroyKernel(entry: CachedKernel): void {
  try {
    entry.run.kernel.destroy(false);
  } catch {
    // A kernel that never built, or whose context is gone, has nothing left to free.
  }
}
