import type { Backend, DataId, DType } from './backend.js';
import { RecurError } from './errors.js';
import { sameBackend, wrap } from './ops/check.js';
import type { Shape } from './shape.js';
import type { Tensor } from './tensor.js';

/** One output a fused kernel produced: storage on the backend, with its shape and dtype. */
export interface KernelOutput {
  dataId: DataId;
  shape: Shape;
  dtype: DType;
}

/** A fused kernel's implementation for one backend; it receives the backend and the inputs. */
export type KernelImpl<Attrs> = (
  backend: Backend,
  inputs: readonly Tensor[],
  attrs: Attrs,
) => KernelOutput[];

export interface KernelSpec<Attrs> {
  /** For messages and profiling, e.g. `lstmSequenceForward`. */
  name: string;
  /** Implementations keyed by backend name (`cpu`, `gpu`, …). */
  backends: Readonly<Record<string, KernelImpl<Attrs>>>;
  /**
   * Used on a backend with no implementation of its own: the same computation composed from
   * primitive ops (which run on any backend).
   */
  fallback?: (inputs: readonly Tensor[], attrs: Attrs) => Tensor[];
}

/** A callable fused kernel: dispatches on the inputs' backend. */
export type Kernel<Attrs> = ((inputs: readonly Tensor[], attrs: Attrs) => Tensor[]) & {
  readonly kernelName: string;
  /** Whether `backend` runs this kernel natively (not through the fallback). */
  supports(backend: Backend): boolean;
};

/**
 * The extension point for fused kernels: a package (e.g. `@recur/cells`) defines a kernel with
 * one implementation per backend and calls it like an op. Nothing is registered globally, so
 * importing a package has no side effects and two packages cannot clash on a name.
 *
 * ```ts
 * const scaleAdd = defineKernel<{ alpha: number }>({
 *   name: 'scaleAdd',
 *   backends: { cpu: (backend, [x, y], { alpha }) => [...] },
 *   fallback: ([x, y], { alpha }) => [add(mul(x, alpha), y)],
 * });
 * const [z] = scaleAdd([x, y], { alpha: 2 });
 * ```
 */
export function defineKernel<Attrs>(spec: KernelSpec<Attrs>): Kernel<Attrs> {
  const run = (inputs: readonly Tensor[], attrs: Attrs): Tensor[] => {
    const backend = sameBackend(spec.name, inputs);
    const impl = spec.backends[backend.name];
    if (impl)
      return impl(backend, inputs, attrs).map((o) => wrap(backend, o.dataId, o.shape, o.dtype));
    if (spec.fallback) return spec.fallback(inputs, attrs);
    throw new RecurError(
      'BACKEND',
      `${spec.name}: no implementation for backend '${backend.name}' (available: ${Object.keys(spec.backends).join(', ')})`,
    );
  };
  return Object.assign(run, {
    kernelName: spec.name,
    supports: (backend: Backend) => backend.name in spec.backends,
  });
}
