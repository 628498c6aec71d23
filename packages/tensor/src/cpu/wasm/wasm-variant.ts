import { KERNELS_RELAXED_WASM_BASE64 } from './kernels-relaxed-wasm.generated.js';
import { KERNELS_SHARED_RELAXED_WASM_BASE64 } from './kernels-shared-relaxed-wasm.generated.js';
import { KERNELS_SHARED_WASM_BASE64 } from './kernels-shared-wasm.generated.js';
import { KERNELS_WASM_BASE64 } from './kernels-wasm.generated.js';

/**
 * Which build of `wasm/kernels.wat` runs: `'relaxed-simd'` fuses the GEMM micro-kernel's
 * multiply-adds into `f32x4.relaxed_madd` (one FMA instruction where the hardware has one: the
 * products are rounded once instead of twice, so values differ from `'simd128'` in the last
 * bits); `'simd128'` is plain SIMD, which every engine with wasm SIMD runs.
 */
export type WasmSimd = 'relaxed-simd' | 'simd128';

/** The module's bytes (base64) for a variant, with its own memory or an imported shared one. */
export function kernelsBase64(simd: WasmSimd, sharedMemory: boolean): string {
  if (simd === 'relaxed-simd') {
    return sharedMemory ? KERNELS_SHARED_RELAXED_WASM_BASE64 : KERNELS_RELAXED_WASM_BASE64;
  }
  return sharedMemory ? KERNELS_SHARED_WASM_BASE64 : KERNELS_WASM_BASE64;
}

let relaxed: boolean | undefined;

/**
 * Whether this engine validates the relaxed-SIMD build (Node ≥ 22 and current browsers; Node 20
 * only with `--experimental-wasm-relaxed-simd`). Checked once, at first use.
 */
export function relaxedSimdSupported(decode: (text: string) => Uint8Array<ArrayBuffer>): boolean {
  if (relaxed === undefined) {
    try {
      relaxed = WebAssembly.validate(decode(KERNELS_RELAXED_WASM_BASE64));
    } catch {
      relaxed = false;
    }
  }
  return relaxed;
}
