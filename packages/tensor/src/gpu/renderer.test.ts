import { describe, expect, it } from 'vitest';
import type { GlContext } from './gpujs.js';
import { rendererOf, softwareRenderer } from './renderer.js';

describe('softwareRenderer', () => {
  // Renderer strings as browsers and headless-gl report them.
  it.each([
    [
      'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)',
      'SwiftShader',
    ],
    ['Google SwiftShader', 'SwiftShader'],
    ['ANGLE (Mesa/X.org llvmpipe (LLVM 15.0.6, 256 bits) OpenGL 4.5 core)', 'llvmpipe'],
    ['llvmpipe (LLVM 15.0.6, 256 bits)', 'llvmpipe'],
    ['llvmpipe, or similar', 'llvmpipe'],
    ['softpipe', 'softpipe'],
    ['Gallium 0.4 on softpipe', 'softpipe'],
    ['ANGLE (Mesa, llvmpipe (LLVM 17.0.6, 256 bits) (lavapipe), Vulkan 1.3)', 'llvmpipe'],
    ['Software Rasterizer', 'software rasterizer'],
    ['Mesa X11 swrast', 'swrast'],
    ['Mesa OffScreen', 'Mesa OffScreen'],
    [
      'ANGLE (Microsoft, Microsoft Basic Render Driver (0x0000008C) Direct3D11 vs_5_0 ps_5_0, D3D11)',
      'Microsoft Basic Render Driver',
    ],
    ['Microsoft Basic Render Driver, or similar', 'Microsoft Basic Render Driver'],
    ['Basic Render Driver', 'Microsoft Basic Render Driver'],
    ['GDI Generic', 'GDI Generic'],
    ['Apple Software Renderer', 'Apple Software Renderer'],
  ])('%s is the software renderer %s', (renderer, name) => {
    expect(softwareRenderer(renderer)).toBe(name);
  });

  it.each([
    'ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 (0x00002503) Direct3D11 vs_5_0 ps_5_0, D3D11)',
    'NVIDIA GeForce RTX 4090/PCIe/SSE2',
    'ANGLE (Apple, ANGLE Metal Renderer: Apple M2, Unspecified Version)',
    'Apple M1',
    'Mesa Intel(R) UHD Graphics 620 (KBL GT2)',
    // radeonsi names LLVM too: hardware all the same.
    'AMD Radeon RX 6800 XT (navi21, LLVM 15.0.7, DRM 3.49, 6.2.0-39-generic)',
    'Adreno (TM) 650',
    'Mali-G78',
    // Masked or unknown: not known to be software.
    'WebKit WebGL',
    'ANGLE',
    '',
  ])('%j is not a software renderer', (renderer) => {
    expect(softwareRenderer(renderer)).toBeNull();
  });
});

const RENDERER = 0x1f01;
const UNMASKED_RENDERER_WEBGL = 0x9246;

/** A context reporting the given strings, as much of one as `rendererOf` reads. */
function fakeContext(parameters: Record<number, string>, options: { debugInfo: boolean }) {
  return {
    RENDERER,
    getExtension: (name: string) =>
      name === 'WEBGL_debug_renderer_info' && options.debugInfo
        ? { UNMASKED_RENDERER_WEBGL }
        : null,
    getParameter: (name: number) => parameters[name] ?? null,
  };
}

describe('rendererOf', () => {
  it("reads WEBGL_debug_renderer_info's unmasked renderer where the browser offers it", () => {
    const context = fakeContext(
      { [RENDERER]: 'WebKit WebGL', [UNMASKED_RENDERER_WEBGL]: 'ANGLE (Google, SwiftShader)' },
      { debugInfo: true },
    );
    expect(rendererOf(context as unknown as GlContext)).toBe('ANGLE (Google, SwiftShader)');
  });

  it('reads RENDERER without the extension', () => {
    const context = fakeContext({ [RENDERER]: 'llvmpipe, or similar' }, { debugInfo: false });
    expect(rendererOf(context as unknown as GlContext)).toBe('llvmpipe, or similar');
  });

  it('reads headless-gl\'s underlying renderer (its RENDERER is always "ANGLE")', () => {
    const context = {
      ...fakeContext({ [RENDERER]: 'ANGLE' }, { debugInfo: false }),
      _getParameterDirect: (name: number) =>
        name === RENDERER ? 'ANGLE (Mesa/X.org llvmpipe (LLVM 15.0.6, 256 bits))' : null,
    };
    expect(rendererOf(context as unknown as GlContext)).toBe(
      'ANGLE (Mesa/X.org llvmpipe (LLVM 15.0.6, 256 bits))',
    );
  });

  it('gives an empty string when the context reports nothing (e.g. lost)', () => {
    expect(rendererOf(fakeContext({}, { debugInfo: true }) as unknown as GlContext)).toBe('');
  });
});
