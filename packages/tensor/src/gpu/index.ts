/**
 * @packageDocumentation
 * The gpu.js backend for `@recur/tensor`: tensors stay on the GPU as float32 textures between
 * ops, and kernels are compiled once per op and shapes; other packages write their own fused
 * kernels with `@recur/tensor/gpu-kernels`. Runs on headless-gl in Node and WebGL2 in browsers. Nothing is registered on import:
 * call {@link useBackend} (or {@link createGpuBackend} + `registerBackend`/`setBackend`).
 */

export type { Program } from './codegen.js';
export type { ContextOptions } from './context.js';
export { createGpuBackend, GpuBackend, type GpuBackendOptions } from './gpu-backend.js';
export type { GlContext } from './gpujs.js';
export type { KernelCacheStats } from './kernel-cache.js';
export { rendererOf, softwareRenderer } from './renderer.js';
export { GpuData, MAX_GPU_ELEMENTS } from './runner.js';
export { type BackendChoice, type UseBackendOptions, useBackend } from './use-backend.js';
