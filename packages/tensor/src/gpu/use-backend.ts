import type { Backend } from '../backend.js';
import { registerBackend, setBackend } from '../backends.js';
import { RecurError } from '../errors.js';
import { isBackendError } from './errors.js';
import { createGpuBackend, type GpuBackend, type GpuBackendOptions } from './gpu-backend.js';
import { softwareRenderer } from './renderer.js';

/**
 * Which backend new tensors go to: the CPU, the GPU (gpu.js), or the GPU when it can start on a
 * hardware renderer.
 */
export type BackendChoice = 'cpu' | 'gpu' | 'auto';

/** Options for {@link useBackend}: the GPU backend's, and where the `auto` notice goes. */
export interface UseBackendOptions extends GpuBackendOptions {
  /**
   * Receives the one notice `auto` gives when it chooses the CPU: the GPU backend cannot start,
   * or the GPU is a software renderer (default `console.warn`).
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
 * - `'auto'`: the GPU backend when a context can be created on a hardware GPU; otherwise the CPU
 *   backend, with one notice saying why: the GPU backend cannot start, or the GPU is a software
 *   renderer (SwiftShader, llvmpipe, softpipe, Microsoft Basic Render Driver, …; see
 *   {@link softwareRenderer}), on which the GPU backend is far slower than the CPU. `'gpu'` still
 *   uses a software renderer.
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
  const notice = options.notice ?? ((message: string) => console.warn(message));
  const previous = current;
  let backend: GpuBackend;
  try {
    backend = gpuBackend(options);
  } catch (error) {
    if (choice === 'gpu' || !isBackendError(error)) throw error;
    notice(`recur: using the CPU backend because the GPU backend cannot start: ${error.message}`);
    return setBackend('cpu');
  }
  const software = choice === 'auto' ? softwareRenderer(backend.renderer) : null;
  if (software !== null) {
    // Created only to look: release its context (a GPU backend already in use stays).
    if (backend !== previous) {
      backend.destroy();
      current = previous;
    }
    const renderer = backend.renderer === software ? software : `${software}: ${backend.renderer}`;
    notice(
      `recur: using the CPU backend: the GPU is a software renderer (${renderer}), slower than ` +
        "the CPU; choose the 'gpu' backend to use it anyway",
    );
    return setBackend('cpu');
  }
  registerBackend('gpu', () => gpuBackend(options));
  return setBackend(backend);
}
