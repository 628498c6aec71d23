import type { Backend } from '../backend.js';
import { registerBackend, setBackend } from '../backends.js';
import { RecurError } from '../errors.js';
import { isBackendError } from './errors.js';
import { createGpuBackend, type GpuBackend, type GpuBackendOptions } from './gpu-backend.js';

/** Which backend new tensors go to: the CPU, the GPU (gpu.js), or the GPU when it can start. */
export type BackendChoice = 'cpu' | 'gpu' | 'auto';

/** Options for {@link useBackend}: the GPU backend's, and where the `auto` notice goes. */
export interface UseBackendOptions extends GpuBackendOptions {
  /**
   * Receives the one notice `auto` gives when it falls back to the CPU (default `console.warn`).
   */
  notice?: (message: string) => void;
}

/** The GPU backend `useBackend` created, reused until it is destroyed or its context is lost. */
let current: GpuBackend | null = null;

function gpuBackend(options: GpuBackendOptions): GpuBackend {
  const reusable =
    current &&
    current.lostReason() === null &&
    (!options.context || options.context === current.context);
  if (current && reusable) return current;
  current = createGpuBackend(options);
  return current;
}

/**
 * Chooses the backend new tensors are created on, registering the GPU backend under the name
 * `'gpu'` (nothing is registered until this is called):
 *
 * - `'cpu'`: the CPU backend.
 * - `'gpu'`: the gpu.js backend (headless-gl in Node, WebGL2 in browsers); throws
 *   `RecurError('BACKEND')` saying what is missing when it cannot start.
 * - `'auto'`: the GPU backend when a context can be created, otherwise the CPU backend with one
 *   notice saying why.
 *
 * Returns the active backend. Calling it again with `'gpu'` reuses the same GPU backend.
 */
export function useBackend(choice: BackendChoice, options: UseBackendOptions = {}): Backend {
  if (choice === 'cpu') return setBackend('cpu');
  if (choice !== 'gpu' && choice !== 'auto') {
    throw new RecurError(
      'ARGUMENT',
      `useBackend: choice must be 'cpu', 'gpu' or 'auto', got ${JSON.stringify(choice)}`,
    );
  }
  let backend: GpuBackend;
  try {
    backend = gpuBackend(options);
  } catch (error) {
    if (choice === 'gpu' || !isBackendError(error)) throw error;
    const notice = options.notice ?? ((message: string) => console.warn(message));
    notice(`recur: using the CPU backend because the GPU backend cannot start: ${error.message}`);
    return setBackend('cpu');
  }
  registerBackend('gpu', () => gpuBackend(options));
  return setBackend(backend);
}
