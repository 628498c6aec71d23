import { backendError, firstLine } from './errors.js';
import {
  type GlContext,
  type GpuInstance,
  type GpuJs,
  type GpuKernelClass,
  gpuJs,
} from './gpujs.js';
import { rendererOf } from './renderer.js';

/** Where the backend computes: a WebGL context and the gpu.js instance compiling kernels for it. */
export interface GlEnvironment {
  readonly gpu: GpuInstance;
  readonly context: GlContext;
  /** The gpu.js kernel class in use: `HeadlessGLKernel` (Node), `WebGL2Kernel` or `WebGLKernel`. */
  readonly kernelClass: string;
  /**
   * What renders: the GPU's name (`WEBGL_debug_renderer_info` where available, headless-gl's
   * underlying OpenGL renderer in Node, else `RENDERER`), e.g. "ANGLE (NVIDIA, …)" or a software
   * renderer such as SwiftShader or llvmpipe.
   */
  readonly renderer: string;
  /** Whether kernels may write several outputs in one launch (WebGL draw buffers). */
  readonly kernelMaps: boolean;
  /** WebGL textures alive in the context (counted since the backend attached to it). */
  liveTextures(): number;
  /** Why the context can no longer be used, or null while it can. */
  lostReason(): string | null;
  /** Marks the context lost (after a failed GL call that says so). */
  markLost(reason: string): void;
  /** Releases the context (when the backend created it) and stops counting. */
  destroy(): void;
}

/** Where to compute; all optional. */
export interface ContextOptions {
  /**
   * A WebGL2 (browser) or WebGL1 (headless-gl) context to compute on instead of creating one,
   * e.g. to share it with a renderer. The backend never destroys a context it was given.
   */
  context?: GlContext;
  /** The canvas to create the context on (browser), or the canvas of `context`. */
  canvas?: HTMLCanvasElement | OffscreenCanvas;
}

type Canvas = HTMLCanvasElement | OffscreenCanvas;

const CONTEXT_ATTRIBUTES = {
  alpha: false,
  depth: false,
  stencil: false,
  antialias: false,
  premultipliedAlpha: false,
  preserveDrawingBuffer: false,
  powerPreference: 'high-performance',
} as const;

function isWebGL2(context: GlContext): context is WebGL2RenderingContext {
  return typeof WebGL2RenderingContext !== 'undefined' && context instanceof WebGL2RenderingContext;
}

function inBrowser(): boolean {
  return (
    (typeof document !== 'undefined' && typeof document.createElement === 'function') ||
    typeof OffscreenCanvas !== 'undefined'
  );
}

function newCanvas(): Canvas {
  if (typeof document !== 'undefined' && typeof document.createElement === 'function') {
    return document.createElement('canvas');
  }
  return new OffscreenCanvas(1, 1);
}

/** Opens a WebGL context in the browser: WebGL2 first, WebGL1 if that is all there is. */
function browserContext(canvas: Canvas): GlContext {
  const c = canvas as HTMLCanvasElement;
  const context =
    (c.getContext('webgl2', CONTEXT_ATTRIBUTES) as WebGL2RenderingContext | null) ??
    (c.getContext('webgl', CONTEXT_ATTRIBUTES) as WebGLRenderingContext | null);
  if (!context) {
    throw backendError(
      'gpu: this browser could not create a WebGL2 or WebGL context (WebGL disabled or blocklisted, ' +
        'no GPU process, or too many live contexts). Use the CPU backend, or useBackend("auto") to fall back to it.',
    );
  }
  return context;
}

function headlessHint(): string {
  if (typeof process === 'undefined' || process.platform !== 'linux') return '';
  const display = process.env.DISPLAY;
  if (!display) {
    return (
      ' There is no X display (DISPLAY is not set): run the command under a virtual display, ' +
      '`xvfb-run -a <command>` (Debian/Ubuntu: apt-get install xvfb libgl1-mesa-dri), or use the CPU backend.'
    );
  }
  return (
    ` DISPLAY is ${display}: check that the X server is running and that Mesa's OpenGL drivers are ` +
    'installed (Debian/Ubuntu: apt-get install libgl1-mesa-dri), or use the CPU backend.'
  );
}

/** Opens a headless-gl (WebGL1 over OpenGL) context through gpu.js's own `gl` module. */
function headlessContext(lib: GpuJs): GlContext {
  const headless = lib.HeadlessGLKernel;
  if (!headless) {
    throw backendError(
      'gpu: this build of gpu.js has no headless-gl kernel, so it cannot run in Node',
    );
  }
  let context: GlContext | null;
  try {
    // gpu.js requires `gl` itself (an optional dependency); when that failed its getContext is null.
    context = headless.prototype.initContext.call({});
  } catch (error) {
    throw backendError(
      "gpu: the 'gl' package (headless-gl) is not installed or its native addon did not build, so " +
        'gpu.js cannot open an OpenGL context in Node. Install it next to gpu.js (`pnpm add gl`) and ' +
        'allow its build script (pnpm: list it in allowBuilds / onlyBuiltDependencies; it needs python3, ' +
        'make, a C++ compiler and the X11/Mesa headers, e.g. apt-get install build-essential python3 ' +
        `libxi-dev libglu1-mesa-dev pkg-config), or use the CPU backend. (${firstLine(error)})`,
      error,
    );
  }
  if (!context) {
    throw backendError(`gpu: headless-gl could not create an OpenGL context.${headlessHint()}`);
  }
  return context;
}

/** Throws unless `context` can store, render to and read back float32 textures. */
function checkFloatTextures(context: GlContext, kernelClass: GpuKernelClass | undefined): void {
  const missing: string[] = [];
  if (isWebGL2(context)) {
    if (!context.getExtension('EXT_color_buffer_float')) missing.push('EXT_color_buffer_float');
  } else if (!context.getExtension('OES_texture_float')) {
    missing.push('OES_texture_float');
  }
  const features = kernelClass?.features;
  if (missing.length === 0 && features && (!features.isTextureFloat || !features.isFloatRead)) {
    missing.push('float texture render/readback (gpu.js feature probe)');
  }
  if (missing.length) {
    throw backendError(
      `gpu: this WebGL context has no float textures (missing ${missing.join(', ')}); the gpu backend ` +
        'computes in float32 and needs them. Use the CPU backend, or useBackend("auto") to fall back to it.',
    );
  }
}

/** Counts live textures by wrapping the context's createTexture/deleteTexture. */
function countTextures(context: GlContext): { live: () => number; restore: () => void } {
  const live = new Set<object>();
  const target = context as unknown as Record<string, unknown>;
  const create = context.createTexture.bind(context);
  const remove = context.deleteTexture.bind(context);
  target.createTexture = () => {
    const texture = create();
    if (texture) live.add(texture);
    return texture;
  };
  target.deleteTexture = (texture: WebGLTexture | null) => {
    if (texture) live.delete(texture);
    remove(texture);
  };
  return {
    live: () => live.size,
    restore: () => {
      delete target.createTexture;
      delete target.deleteTexture;
    },
  };
}

/**
 * Opens the WebGL context the gpu backend computes on: the one given, else WebGL2 (or WebGL1) on
 * a new canvas in a browser, else headless-gl in Node. Every failure is a `RecurError('BACKEND')`
 * saying what to do.
 */
export function openGlEnvironment(options: ContextOptions = {}): GlEnvironment {
  const lib = gpuJs();
  if (typeof lib?.GPU !== 'function') {
    throw backendError('gpu: gpu.js did not load (install it: `pnpm add gpu.js`)');
  }
  const owned = !options.context;
  let canvas: Canvas | undefined = options.canvas;
  let context: GlContext;
  if (options.context) {
    context = options.context;
    canvas ??= (context.canvas as Canvas | undefined) ?? undefined;
  } else if (inBrowser()) {
    canvas ??= newCanvas();
    context = browserContext(canvas);
  } else {
    context = headlessContext(lib);
  }

  let gpu: GpuInstance;
  let kernelClass: GpuKernelClass | undefined;
  try {
    gpu = new lib.GPU({ context, ...(canvas ? { canvas } : {}) });
    kernelClass = (gpu as unknown as { Kernel?: GpuKernelClass }).Kernel;
  } catch (error) {
    throw backendError(`gpu: gpu.js cannot use this WebGL context (${firstLine(error)})`, error);
  }
  checkFloatTextures(context, kernelClass);
  const renderer = rendererOf(context);

  let lost: string | null = null;
  let destroyed = false;
  const onLost = (event: Event) => {
    event.preventDefault();
    lost = 'the browser reported webglcontextlost (GPU reset, driver update, or too many contexts)';
  };
  canvas?.addEventListener?.('webglcontextlost', onLost as EventListener);
  const textures = countTextures(context);

  return {
    gpu,
    context,
    kernelClass: kernelClass?.name ?? 'unknown',
    renderer,
    kernelMaps: Boolean(kernelClass?.features?.kernelMap),
    liveTextures: textures.live,
    lostReason: () => {
      if (destroyed) return 'the backend was destroyed';
      if (lost) return lost;
      if (context.isContextLost?.()) return 'the WebGL context was lost';
      return null;
    },
    markLost: (reason: string) => {
      lost ??= reason;
    },
    destroy: () => {
      if (destroyed) return;
      destroyed = true;
      canvas?.removeEventListener?.('webglcontextlost', onLost as EventListener);
      textures.restore();
      if (!owned) return;
      const gl = context as GlContext & { getExtension(name: string): unknown };
      const headless = gl.getExtension('STACKGL_destroy_context') as { destroy(): void } | null;
      if (headless) headless.destroy();
      else (gl.getExtension('WEBGL_lose_context') as { loseContext(): void } | null)?.loseContext();
    },
  };
}
