import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../cpu-backend.js';

// Node 20 validates relaxed SIMD only behind this flag (Node 22 and browsers ship it). Each test
// file runs in its own process (vitest pool `forks`), so the flag stays in this file.
v8.setFlagsFromString('--experimental-wasm-relaxed-simd');

// The conformance suite runs on this build in @recur/conformance (cpu-relaxed-simd.test.ts).

const values = (length: number, seed: number): Float32Array =>
  Float32Array.from({ length }, (_, i) => Math.sin(i * 0.37 + seed) * (1 + (i % 7)));
const bits = (x: Float32Array): Uint32Array => new Uint32Array(x.buffer.slice(0));

describe('relaxed SIMD', () => {
  it('is detected at run time, and fma: false keeps plain SIMD128', () => {
    expect(new CpuBackend({ fma: true }).wasmSimd).toBe('relaxed-simd');
    expect(new CpuBackend({}).wasmSimd).toBe('relaxed-simd');
    expect(new CpuBackend({ fma: false }).wasmSimd).toBe('simd128');
    expect(new CpuBackend({ wasm: 'never' }).wasmSimd).toBe(null);
    const saved = process.env.RECUR_CPU_FMA;
    try {
      process.env.RECUR_CPU_FMA = '0';
      expect(new CpuBackend().wasmSimd).toBe('simd128');
      expect(new CpuBackend({ fma: true }).wasmSimd).toBe('relaxed-simd');
    } finally {
      if (saved === undefined) delete process.env.RECUR_CPU_FMA;
      else process.env.RECUR_CPU_FMA = saved;
    }
  });

  it('fuses the GEMM: close to plain SIMD128 and to TypeScript, not bit-equal to SIMD128', () => {
    const [m, n, k] = [33, 70, 700];
    const a = values(m * k, 1);
    const b = values(k * n, 2);
    const fused = new CpuBackend({ fma: true, threads: 1 }).gemm(a, b, m, n, k);
    const plain = new CpuBackend({ fma: false, threads: 1 }).gemm(a, b, m, n, k);
    const ts = new CpuBackend({ wasm: 'never', threads: 1 }).gemm(a, b, m, n, k);
    let differ = 0;
    for (let i = 0; i < fused.length; i++) {
      expect(Math.abs(fused[i]! - ts[i]!)).toBeLessThan(1e-2 * (1 + Math.abs(ts[i]!)) * 1e-2);
      if (fused[i] !== plain[i]) differ++;
    }
    // On hardware with FMA, one rounding instead of two changes some last bits.
    expect(differ).toBeGreaterThan(0);
  });

  it('gives the same bits on 1, 2 and 3 threads', () => {
    const [m, n, k] = [37, 129, 300];
    const a = values(m * k, 3);
    const b = values(k * n, 4);
    const runs = [1, 2, 3].map((threads) => {
      const backend = new CpuBackend({ fma: true, threads, threadMinFlops: 1 << 19 });
      expect(backend.threads).toBe(threads);
      return bits(backend.gemm(a, b, m, n, k, false, true));
    });
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[2]).toEqual(runs[0]);
  });

  it.each([
    ['kernels-relaxed-wasm', 'KERNELS_RELAXED_WASM_BASE64', ['--relaxed-simd']],
    [
      'kernels-shared-relaxed-wasm',
      'KERNELS_SHARED_RELAXED_WASM_BASE64',
      ['--shared-memory', '--relaxed-simd'],
    ],
  ])('embeds the current %s build of wasm/kernels.wat', (file, constant, flags) => {
    const script = createRequire(import.meta.url).resolve('@recur/tooling/build-wasm');
    const output = execFileSync(
      process.execPath,
      [
        script,
        'wasm/kernels.wat',
        `src/cpu/wasm/${file}.generated.ts`,
        constant,
        ...(flags as string[]),
        '--check',
      ],
      { encoding: 'utf8', cwd: fileURLToPath(new URL('../../..', import.meta.url)) },
    );
    expect(output).toContain('matches');
  });
});
