import type { Backend } from './backend.js';
import { engine } from './engine.js';
import { checkTensor, wrap } from './ops/check.js';
import type { Tensor } from './tensor.js';

/**
 * Makes `name` available to {@link setBackend}. The factory runs on first use. Call it
 * explicitly (e.g. `registerBackend('gpu', () => createGpuBackend())`): importing a module
 * never registers anything.
 */
export function registerBackend(name: string, factory: () => Backend): void {
  engine.registerBackend(name, factory);
}

/** Makes new tensors live on `backend` (a registered name or an instance); returns it. */
export function setBackend(backend: string | Backend): Backend {
  return engine.setBackend(backend);
}

/** The backend new tensors are created on. */
export function getBackend(): Backend {
  return engine.backend;
}

/** Runs `fn` with `backend` active, then restores the previous one. */
export function withBackend<T>(backend: string | Backend, fn: () => T): T {
  const previous = engine.backend;
  engine.setBackend(backend);
  try {
    return fn();
  } finally {
    engine.setBackend(previous);
  }
}

/** A copy of `x` on `backend` (the same tensor's values, read back and written there). */
export function toBackend(x: Tensor, backend: string | Backend): Tensor {
  checkTensor('toBackend', 'x', x);
  const target = typeof backend === 'string' ? engine.findBackend(backend) : backend;
  if (target === x.backend) return x.reshape(x.shape);
  return wrap(target, target.write(x.data(), x.shape, x.dtype), x.shape, x.dtype);
}
