/**
 * @packageDocumentation
 * Helpers for test files that run on the GPU backend (`@recur/tensor/testing/gpu`): a backend
 * that skips (with the reason printed) where this machine cannot start one, and fails in CI.
 * Needs `gpu.js`, like `@recur/tensor/gpu`.
 */
import { isBackendError } from '../gpu/errors.js';
import { createGpuBackend, type GpuBackend, type GpuBackendOptions } from '../gpu/gpu-backend.js';

/** Whether the tests run in CI, where a GPU backend that cannot start is a failure, not a skip. */
export function inCI(): boolean {
  const ci = typeof process === 'undefined' ? undefined : process.env?.CI;
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

/**
 * A GPU backend for a test file, or null with the reason printed when this machine cannot run
 * one (no display, no `gl`). In CI (env `CI` set and not `0`/`false`) the error is thrown
 * instead, so the run fails loudly rather than skipping the GPU tests:
 *
 * ```ts
 * const gpu = gpuBackendForTests();
 * describe.skipIf(!gpu)('my kernels on the GPU', () => { … });
 * ```
 */
export function gpuBackendForTests(options: GpuBackendOptions = {}): GpuBackend | null {
  try {
    return createGpuBackend(options);
  } catch (error) {
    if (!isBackendError(error) || inCI()) throw error;
    console.warn(`[recur gpu tests] skipped: ${error.message}`);
    return null;
  }
}
