import { type Backend, getBackend, setBackend } from '@recur/tensor';

/** The recur backends a run measures: the CPU always, the GPU when one could be created. */
export interface RecurBackends {
  cpu: Backend;
  gpu: Backend | null;
  /** The GPU's renderer and gpu.js kernel class, or why there is no GPU backend. */
  gpuDescription: string;
  /** Releases the GPU context (call once at the end of the run). */
  dispose(): void;
}

interface GlLike {
  getParameter(name: number): unknown;
  getExtension(name: string): unknown;
}

const RENDERER = 0x1f01;
const VERSION = 0x1f02;
const UNMASKED_RENDERER = 0x9246;

function describeGl(gl: GlLike): string {
  const debug = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(gl.getParameter(debug ? UNMASKED_RENDERER : RENDERER));
  return `${renderer} (${String(gl.getParameter(VERSION))})`;
}

/**
 * Creates the CPU backend and, unless `tryGpu` is false, the gpu.js backend from
 * `@recur/tensor/gpu` (headless-gl in Node: it needs a display, e.g. `xvfb-run`, or EGL). A GPU
 * that cannot start is reported in `gpuDescription`, never thrown.
 */
export async function recurBackends(tryGpu: boolean): Promise<RecurBackends> {
  setBackend('cpu');
  const cpu = getBackend();
  if (!tryGpu) return { cpu, gpu: null, gpuDescription: 'not tried (--no-gpu)', dispose: () => {} };
  try {
    const { createGpuBackend } = await import('@recur/tensor/gpu');
    const gpu = createGpuBackend();
    setBackend('cpu');
    let description = gpu.kernelClass;
    try {
      description = `${describeGl(gpu.context as unknown as GlLike)}, gpu.js ${gpu.kernelClass}`;
    } catch {
      // The renderer string is informative only.
    }
    return { cpu, gpu, gpuDescription: description, dispose: () => gpu.destroy() };
  } catch (error) {
    setBackend('cpu');
    const message = (error as Error).message.split('\n')[0] ?? String(error);
    return { cpu, gpu: null, gpuDescription: `no GPU backend: ${message}`, dispose: () => {} };
  }
}
