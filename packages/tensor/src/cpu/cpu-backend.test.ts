import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CpuBackend } from './cpu-backend.js';

// The conformance suite runs against every CPU mode in @recur/conformance (cpu-backend.test.ts).

describe('CpuBackend', () => {
  it('runs WebAssembly SIMD in Node, and pure TypeScript when told to', () => {
    expect(new CpuBackend({ wasm: 'auto' }).usesWasm).toBe(true);
    expect(new CpuBackend({ wasm: 'never' }).usesWasm).toBe(false);
    expect(new CpuBackend({ wasm: false }).wasmMode).toBe('never');
    expect(new CpuBackend({ wasm: true }).wasmMode).toBe('auto');
  });

  it('reads RECUR_CPU_WASM to force the TypeScript path', () => {
    const saved = process.env.RECUR_CPU_WASM;
    try {
      process.env.RECUR_CPU_WASM = '0';
      expect(new CpuBackend().usesWasm).toBe(false);
      process.env.RECUR_CPU_WASM = 'always';
      expect(new CpuBackend().wasmMode).toBe('always');
      // an explicit option wins over the environment
      expect(new CpuBackend({ wasm: 'auto' }).wasmMode).toBe('auto');
    } finally {
      if (saved === undefined) delete process.env.RECUR_CPU_WASM;
      else process.env.RECUR_CPU_WASM = saved;
    }
  });

  it('computes exp, sigmoid and tanh in wasm to within a few float32 ulps', () => {
    const wasm = new CpuBackend({ wasm: 'always' });
    const n = 20001;
    const x = new Float32Array(n);
    for (let i = 0; i < n; i++) x[i] = -20 + (40 * i) / (n - 1);
    const references: ['exp' | 'sigmoid' | 'tanh', (v: number) => number][] = [
      ['exp', Math.exp],
      ['sigmoid', (v) => 1 / (1 + Math.exp(-v))],
      ['tanh', Math.tanh],
    ];
    for (const [op, ref] of references) {
      const out = new Float32Array(n);
      wasm.unaryInto(op, x, out);
      let worst = 0;
      for (let i = 0; i < n; i++) {
        const e = ref(x[i]!);
        if (e === 0) continue;
        worst = Math.max(worst, Math.abs(out[i]! - e) / Math.abs(e));
      }
      // float32 epsilon is 1.19e-7
      expect(worst, `${op}: worst relative error`).toBeLessThan(4e-7);
    }
    const edge = Float32Array.from([
      88.7,
      89,
      -86,
      -87,
      -104,
      0,
      -0,
      1e-30,
      Number.NaN,
      Infinity,
      -Infinity,
    ]);
    const out = new Float32Array(edge.length);
    wasm.unaryInto('exp', edge, out);
    expect(out[0]! / Math.exp(88.7)).toBeCloseTo(1, 5);
    expect(out[1]).toBe(Infinity);
    expect(out[2]! / Math.exp(-86)).toBeCloseTo(1, 5);
    expect(out[3]).toBeLessThan(2e-38);
    expect(out[4]).toBe(0);
    expect([out[5], out[6], out[7]]).toEqual([1, 1, 1]);
    expect(out[8]).toBeNaN();
    expect([out[9], out[10]]).toEqual([Infinity, 0]);
  });

  it('gemm on raw arrays matches matmul through tensors, with both transposes', () => {
    const cpu = new CpuBackend({ wasm: 'always' });
    const ts = new CpuBackend({ wasm: 'never' });
    const m = 7;
    const n = 11;
    const k = 5;
    const a = Float32Array.from({ length: m * k }, (_, i) => Math.sin(i));
    const b = Float32Array.from({ length: k * n }, (_, i) => Math.cos(i));
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        const x = cpu.gemm(a, b, m, n, k, ta, tb);
        const y = ts.gemm(a, b, m, n, k, ta, tb);
        for (let i = 0; i < m * n; i++) expect(x[i]).toBeCloseTo(y[i]!, 5);
      }
    }
  });

  it('gemm with accumulate adds the product onto out, on every path (small m, blocked, TypeScript)', () => {
    for (const wasm of ['always', 'never'] as const) {
      const cpu = new CpuBackend({ wasm });
      for (const [m, n, k] of [
        [2, 9, 5], // gemmSmall
        [7, 11, 5], // blocked
        [6, 300, 260], // past KC: the micro-kernels add over k-blocks
      ] as const) {
        const a = Float32Array.from({ length: m * k }, (_, i) => Math.sin(i * 0.3));
        const b = Float32Array.from({ length: k * n }, (_, i) => Math.cos(i * 0.7));
        for (const tb of [false, true]) {
          const start = Float32Array.from({ length: m * n }, (_, i) => i * 0.25 - 3);
          const product = cpu.gemm(a, b, m, n, k, false, tb);
          const out = cpu.gemm(a, b, m, n, k, false, tb, Float32Array.from(start), true);
          let worst = 0;
          for (let i = 0; i < m * n; i++)
            worst = Math.max(worst, Math.abs(out[i]! - (start[i]! + product[i]!)));
          expect(worst, `${wasm} [${m}×${k}]·[${k}×${n}] transposeB=${tb}`).toBeLessThan(1e-4);
        }
      }
    }
  });

  it('gemm past every cache block (m > 128, n > 2048, k > 256) matches the TypeScript GEMM', () => {
    const cpu = new CpuBackend({ wasm: 'always' });
    const ts = new CpuBackend({ wasm: 'never' });
    for (const [m, n, k] of [
      [130, 2053, 3],
      [5, 9, 600],
    ] as const) {
      const a = Float32Array.from({ length: m * k }, (_, i) => Math.sin(i * 0.37));
      const b = Float32Array.from({ length: k * n }, (_, i) => Math.cos(i * 0.11));
      for (const tb of [false, true]) {
        const x = cpu.gemm(a, b, m, n, k, false, tb);
        const y = ts.gemm(a, b, m, n, k, false, tb);
        let worst = 0;
        for (let i = 0; i < m * n; i++) worst = Math.max(worst, Math.abs(x[i]! - y[i]!));
        expect(worst, `[${m}×${k}]·[${k}×${n}] transposeB=${tb}`).toBeLessThan(1e-4);
      }
    }
  });

  it('embeds the wasm module compiled from wasm/kernels.wat (the generated file is current)', () => {
    const script = createRequire(import.meta.url).resolve('@recur/tooling/build-wasm');
    const output = execFileSync(
      process.execPath,
      [
        script,
        'wasm/kernels.wat',
        'src/cpu/wasm/kernels-wasm.generated.ts',
        'KERNELS_WASM_BASE64',
        '--check',
      ],
      { encoding: 'utf8', cwd: fileURLToPath(new URL('../..', import.meta.url)) },
    );
    expect(output).toContain('matches');
  });
});
