import { afterAll, describe, expect, it } from 'vitest';
import { getBackend, setBackend, toBackend } from '../backends.js';
import { RecurError } from '../errors.js';
import { tensor } from '../ops/creation.js';
import { mul } from '../ops/elementwise.js';
import { gpuBackendForTests } from '../testing/gpu.js';
import type { GpuBackend } from './gpu-backend.js';
import { type GlContext, gpuJs } from './gpujs.js';
import { softwareRenderer } from './renderer.js';
import { useBackend } from './use-backend.js';

// Only to learn whether this machine can run the GPU backend at all, and on what.
const probe = gpuBackendForTests();
const software = probe ? softwareRenderer(probe.renderer) : null;
probe?.destroy();

const UNMASKED_RENDERER_WEBGL = 0x9246;

/**
 * A new WebGL context (WebGL2 on a canvas in a browser, headless-gl in Node) that reports
 * `renderer` through WEBGL_debug_renderer_info, as a browser on that GPU would.
 */
function contextReporting(renderer: string): GlContext {
  const context =
    typeof document !== 'undefined'
      ? (document.createElement('canvas').getContext('webgl2') as GlContext)
      : (gpuJs().HeadlessGLKernel?.prototype.initContext.call({}) as GlContext);
  const getExtension = context.getExtension.bind(context);
  const getParameter = context.getParameter.bind(context);
  Object.assign(context, {
    getExtension: (name: string) =>
      name === 'WEBGL_debug_renderer_info' ? { UNMASKED_RENDERER_WEBGL } : getExtension(name),
    getParameter: (name: number) =>
      name === UNMASKED_RENDERER_WEBGL ? renderer : getParameter(name),
  });
  return context;
}

function release(context: GlContext): void {
  const headless = context.getExtension('STACKGL_destroy_context') as { destroy(): void } | null;
  if (headless) headless.destroy();
  else
    (context.getExtension('WEBGL_lose_context') as { loseContext(): void } | null)?.loseContext();
}

describe.skipIf(!probe)('useBackend', () => {
  afterAll(() => {
    setBackend('cpu');
  });

  it("'gpu' registers the GPU backend as 'gpu', makes it active, and reuses it", () => {
    const backend = useBackend('gpu') as GpuBackend;
    expect(backend.name).toBe('gpu');
    expect(getBackend()).toBe(backend);
    const x = tensor([1, 2, 3]);
    expect(x.backend).toBe(backend);
    expect(Array.from(mul(x, 2).data())).toEqual([2, 4, 6]);
    expect(useBackend('gpu')).toBe(backend);
    // Registered under its name: toBackend and setBackend find it.
    setBackend('cpu');
    const onCpu = tensor([4, 5]);
    const moved = toBackend(onCpu, 'gpu');
    expect(moved.backend).toBe(backend);
    expect(Array.from(moved.data())).toEqual([4, 5]);
    for (const t of [x, onCpu, moved]) t.dispose();
  });

  it("'auto' takes the GPU on a hardware renderer, with no notice", () => {
    const context = contextReporting('ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 Direct3D11, D3D11)');
    const notices: string[] = [];
    const backend = useBackend('auto', { context, notice: (m) => notices.push(m) }) as GpuBackend;
    expect(backend.name).toBe('gpu');
    expect(backend.renderer).toMatch(/GeForce/);
    expect(getBackend()).toBe(backend);
    expect(notices).toEqual([]);
    backend.destroy();
    release(context);
  });

  it("'auto' takes the CPU on a software renderer, with one notice naming it; the context given stays", () => {
    const context = contextReporting('Google SwiftShader');
    const notices: string[] = [];
    const backend = useBackend('auto', { context, notice: (m) => notices.push(m) });
    expect(backend.name).toBe('cpu');
    expect(getBackend().name).toBe('cpu');
    expect(notices).toEqual([
      "recur: using the CPU backend: the GPU is a software renderer (SwiftShader: Google SwiftShader), slower than the CPU; choose the 'gpu' backend to use it anyway",
    ]);
    expect(context.isContextLost()).toBe(false);
    release(context);
  });

  it("on this machine's renderer, 'auto' takes the GPU unless it is a software renderer; 'gpu' always does", () => {
    const notices: string[] = [];
    const auto = useBackend('auto', { notice: (m) => notices.push(m) });
    expect(auto.name).toBe(software ? 'cpu' : 'gpu');
    expect(notices).toHaveLength(software ? 1 : 0);
    if (software) expect(notices[0]).toMatch(/the GPU is a software renderer/);
    // The backend 'auto' created to look at the renderer is released: 'gpu' gets a working one.
    const gpu = useBackend('gpu') as GpuBackend;
    expect(gpu.lostReason()).toBeNull();
    const x = tensor([1, 2]);
    const y = mul(x, 3);
    expect(Array.from(y.data())).toEqual([3, 6]);
    x.dispose();
    y.dispose();
    // 'auto' after 'gpu' leaves that GPU backend as it is, registered and usable.
    useBackend('auto', { notice: () => {} });
    expect(gpu.lostReason()).toBeNull();
    expect(useBackend('gpu')).toBe(gpu);
  });

  it("'cpu' switches back; a destroyed GPU backend is replaced on the next 'gpu'", () => {
    const first = useBackend('gpu') as GpuBackend;
    expect(useBackend('cpu').name).toBe('cpu');
    first.destroy();
    const second = useBackend('gpu') as GpuBackend;
    expect(second).not.toBe(first);
    expect(second.lostReason()).toBeNull();
  });

  it('rejects an unknown choice', () => {
    expect(() => useBackend('webgpu' as 'gpu')).toThrow(RecurError);
    expect(() => useBackend('webgpu' as 'gpu')).toThrow(
      /choice must be 'cpu', 'gpu' or 'auto', got "webgpu"/,
    );
  });
});
