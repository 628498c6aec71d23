import type { Backend, BackendMemory } from './backend.js';
import { CpuBackend } from './cpu/cpu-backend.js';
import { RecurError } from './errors.js';
import { claimEngine, thisCopy } from './one-engine.js';
import type { Tensor } from './tensor.js';

/** What {@link memory} reports: live tensors, and each backend's storage. */
export interface MemoryInfo {
  /** Tensors created and not yet disposed, on all backends. */
  numTensors: number;
  /** Distinct storage buffers held (reshapes share one). */
  numBuffers: number;
  /** Bytes of tensor data held, on all backends. */
  numBytes: number;
  /** Per backend name, what it reports of its own storage (GPU backends count textures). */
  backends: Record<string, BackendMemory>;
}

type BackendFactory = () => Backend;

/**
 * Global bookkeeping: the registered backends and the active one, live tensors, shared storage
 * reference counts and `tidy` scopes. One per process (or worker).
 */
class Engine {
  /** `cpu` is built in; others (e.g. `gpu`) are registered explicitly. */
  readonly #factories = new Map<string, BackendFactory>([['cpu', () => new CpuBackend()]]);
  readonly #backends = new Map<string, Backend>();
  #active: Backend | null = null;
  #defaultName = 'cpu';
  readonly #refCounts = new Map<object, number>();
  readonly #scopes: Set<Tensor>[] = [];
  #numTensors = 0;
  #nextId = 0;

  registerBackend(name: string, factory: BackendFactory): void {
    this.#factories.set(name, factory);
  }

  /** Sets the name used when no backend has been chosen yet (the CPU backend registers itself as `cpu`). */
  setDefaultBackendName(name: string): void {
    this.#defaultName = name;
  }

  /** The instance for `name`, created on first use. */
  findBackend(name: string): Backend {
    let backend = this.#backends.get(name);
    if (backend) return backend;
    const factory = this.#factories.get(name);
    if (!factory) {
      const known = [...this.#factories.keys()].join(', ') || 'none';
      throw new RecurError(
        'BACKEND',
        `setBackend: no backend named '${name}' is registered (registered: ${known})`,
      );
    }
    backend = factory();
    this.#backends.set(name, backend);
    return backend;
  }

  get backend(): Backend {
    if (!this.#active) this.#active = this.findBackend(this.#defaultName);
    return this.#active;
  }

  setBackend(nameOrBackend: string | Backend): Backend {
    if (typeof nameOrBackend === 'string') {
      this.#active = this.findBackend(nameOrBackend);
    } else {
      this.#backends.set(nameOrBackend.name, nameOrBackend);
      this.#active = nameOrBackend;
    }
    return this.#active;
  }

  nextTensorId(): number {
    return this.#nextId++;
  }

  /** Called by every new Tensor: counts it, its storage, and records it in the open tidy scope. */
  track(tensor: Tensor): void {
    this.#numTensors++;
    this.#refCounts.set(tensor.dataId, (this.#refCounts.get(tensor.dataId) ?? 0) + 1);
    this.#scopes[this.#scopes.length - 1]?.add(tensor);
  }

  /** Called once by `Tensor.dispose`: frees the storage when no other tensor shares it. */
  release(tensor: Tensor): void {
    this.#numTensors--;
    const count = (this.#refCounts.get(tensor.dataId) ?? 1) - 1;
    if (count <= 0) {
      this.#refCounts.delete(tensor.dataId);
      tensor.backend.dispose(tensor.dataId);
    } else {
      this.#refCounts.set(tensor.dataId, count);
    }
    for (const scope of this.#scopes) scope.delete(tensor);
  }

  /** Removes `tensor` from every open scope, so no `tidy` disposes it. */
  keep(tensor: Tensor): void {
    for (const scope of this.#scopes) scope.delete(tensor);
  }

  startScope(): void {
    this.#scopes.push(new Set());
  }

  /** Disposes the scope's tensors except `result`'s, which move to the enclosing scope. */
  endScope(result: ReadonlySet<Tensor>): void {
    const scope = this.#scopes.pop();
    if (!scope) throw new RecurError('ARGUMENT', 'tidy: endScope without a matching startScope');
    const parent = this.#scopes[this.#scopes.length - 1];
    for (const tensor of scope) {
      if (result.has(tensor)) parent?.add(tensor);
      else tensor.dispose();
    }
  }

  memory(): MemoryInfo {
    let numBytes = 0;
    const backends: Record<string, BackendMemory> = {};
    for (const [name, backend] of this.#backends) {
      const m = backend.memory();
      backends[name] = m;
      numBytes += m.bytes;
    }
    return { numTensors: this.#numTensors, numBuffers: this.#refCounts.size, numBytes, backends };
  }
}

// One engine per process: a second copy of @recur/tensor (the other build, another version)
// refuses to load here, naming both files.
claimEngine(globalThis, thisCopy());
export const engine = new Engine();
