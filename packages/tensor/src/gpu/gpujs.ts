import * as gpujsNamespace from 'gpu.js';

/**
 * The small part of gpu.js this backend uses, typed by hand: gpu.js's own typings describe the
 * user-facing API loosely (every kernel returns `number[] | Texture | void`), and we need the
 * pipeline textures and kernel internals precisely.
 */

/** A WebGL rendering context (WebGL1 from headless-gl, WebGL2 in browsers). */
export type GlContext = WebGLRenderingContext | WebGL2RenderingContext;

/** A gpu.js output texture (pipeline mode): the result of a kernel, kept on the GPU. */
export interface GpuTexture {
  /** The underlying `WebGLTexture` (shared between clones). */
  readonly texture: object;
  readonly output: readonly number[];
  /** Reads the values back (a synchronous `readPixels`). */
  toArray(): Float32Array;
  /** Drops this handle's reference; the GL texture is freed when no handle refers to it. */
  delete(): void;
}

/** The kernel object behind a run shortcut. */
export interface GpuKernelInternals {
  readonly constructor: { readonly name: string };
  destroy(removeCanvasReferences?: boolean): void;
}

/** What `gpu.createKernel` returns: callable, with the compiled kernel behind it. */
export interface GpuKernelRun {
  (...args: unknown[]): unknown;
  readonly kernel: GpuKernelInternals;
}

export interface GpuKernelSettings {
  output: number[];
  pipeline: boolean;
  immutable: boolean;
  precision: 'single';
  tactic: 'precision';
  /** Called by gpu.js when a kernel cannot run on the GPU; we throw instead of degrading to the CPU. */
  onRequestFallback: (args: unknown) => never;
}

/** A `GPU` instance: owns kernels compiled for one WebGL context. */
export interface GpuInstance {
  createKernel(source: string, settings: GpuKernelSettings): GpuKernelRun;
  createKernelMap(subKernels: string[], source: string, settings: GpuKernelSettings): GpuKernelRun;
  destroy(): Promise<void> | void;
}

/** A gpu.js kernel class (`HeadlessGLKernel`, `WebGL2Kernel`, …) — static feature probes. */
export interface GpuKernelClass {
  readonly name: string;
  readonly isSupported: boolean;
  readonly features: {
    isFloatRead?: boolean;
    isTextureFloat?: boolean;
    kernelMap?: boolean;
  } | null;
  readonly prototype: { initContext(this: object): GlContext | null };
}

export interface GpuJs {
  GPU: new (settings: { mode?: string; canvas?: unknown; context?: GlContext }) => GpuInstance;
  HeadlessGLKernel?: GpuKernelClass;
  WebGL2Kernel?: GpuKernelClass;
  WebGLKernel?: GpuKernelClass;
}

/**
 * gpu.js as a module object. Node loads its CommonJS entry (the named exports are on the module
 * object or its `default`); bundlers for the browser pick `dist/gpu-browser.js`, whose export is
 * the `GPU` class carrying the other exports as static properties.
 */
export function gpuJs(): GpuJs {
  const ns = gpujsNamespace as unknown as { default?: GpuJs } & GpuJs;
  const lib = (ns.default && typeof ns.default.GPU === 'function' ? ns.default : ns) as GpuJs;
  return lib;
}
