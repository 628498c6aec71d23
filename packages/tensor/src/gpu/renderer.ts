import type { GlContext } from './gpujs.js';

/**
 * Software renderers: WebGL/OpenGL implemented on the CPU, used when there is no GPU (headless
 * browsers, virtual machines, containers, remote desktops). The gpu backend runs on them, but
 * far slower than the CPU backend (the web demo's default runs in headless Chromium: about
 * 0.17 s a step after a 3 s first step on SwiftShader, 5 ms on the CPU), so `useBackend('auto')`
 * does not choose them.
 */
const SOFTWARE_RENDERERS: readonly { readonly name: string; readonly pattern: RegExp }[] = [
  // Chromium's fallback: "Google SwiftShader", or through ANGLE
  // "ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)".
  { name: 'SwiftShader', pattern: /swiftshader/i },
  // Mesa: llvmpipe (Gallium, LLVM-compiled; headless-gl under Xvfb), softpipe (Gallium, plain C),
  // swrast (classic), lavapipe (Vulkan, under ANGLE). Not /LLVM/: radeonsi names LLVM too.
  { name: 'llvmpipe', pattern: /llvmpipe/i },
  { name: 'softpipe', pattern: /softpipe/i },
  { name: 'lavapipe', pattern: /lavapipe/i },
  { name: 'swrast', pattern: /\bswrast\b/i },
  { name: 'Mesa OffScreen', pattern: /mesa offscreen/i },
  // Windows without a GPU driver: "Microsoft Basic Render Driver" (WARP), and OpenGL 1.1's "GDI Generic".
  { name: 'Microsoft Basic Render Driver', pattern: /basic render driver|microsoft basic render/i },
  { name: 'GDI Generic', pattern: /gdi generic/i },
  // macOS's software OpenGL.
  { name: 'Apple Software Renderer', pattern: /apple software renderer/i },
  { name: 'software rasterizer', pattern: /software rasteri[sz]er/i },
];

/**
 * The software renderer a WebGL renderer string names (`'SwiftShader'`, `'llvmpipe'`,
 * `'softpipe'`, `'Microsoft Basic Render Driver'`, …), or null for a hardware GPU — and for a
 * string that names none (a masked `"WebKit WebGL"`, an empty string), since those are usually
 * real GPUs.
 */
export function softwareRenderer(renderer: string): string | null {
  return SOFTWARE_RENDERERS.find(({ pattern }) => pattern.test(renderer))?.name ?? null;
}

/** A WebGL context's `getParameter`, as headless-gl also exposes it unfiltered. */
interface HeadlessGlContext {
  /** headless-gl reports `RENDERER` as "ANGLE"; this returns what ANGLE runs on (e.g. llvmpipe). */
  _getParameterDirect?(name: number): unknown;
}

/**
 * What renders for `context`: `WEBGL_debug_renderer_info`'s `UNMASKED_RENDERER_WEBGL` where the
 * browser offers it (Chromium masks `RENDERER` as "WebKit WebGL"), headless-gl's underlying
 * OpenGL renderer in Node (its `RENDERER` is always "ANGLE"), else `RENDERER`.
 */
export function rendererOf(context: GlContext): string {
  const info = context.getExtension('WEBGL_debug_renderer_info');
  if (info) {
    const unmasked = context.getParameter(info.UNMASKED_RENDERER_WEBGL) as unknown;
    if (typeof unmasked === 'string' && unmasked !== '') return unmasked;
  }
  const direct = (context as HeadlessGlContext)._getParameterDirect;
  if (typeof direct === 'function') {
    const underlying = direct.call(context, context.RENDERER);
    if (typeof underlying === 'string' && underlying !== '') return underlying;
  }
  return String(context.getParameter(context.RENDERER) ?? '');
}
