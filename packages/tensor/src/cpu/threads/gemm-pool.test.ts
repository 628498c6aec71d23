import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { RecurError } from '../../errors.js';
import { CpuBackend } from '../cpu-backend.js';
import { GemmPool } from './gemm-pool.js';
import { requestedThreads, workerThreads } from './thread-support.js';

// threadMinFlops 2¹⁹ (below the default): these shapes are split over the pool, as they were
// written to be.
const backends = [1, 2, 3].map(
  (threads) => new CpuBackend({ threads, wasm: 'auto', threadMinFlops: 1 << 19 }),
);

const values = (length: number, seed: number): Float32Array =>
  Float32Array.from({ length }, (_, i) => Math.sin(i * 0.37 + seed) * (1 + (i % 7)));

const bits = (x: Float32Array): Uint32Array => new Uint32Array(x.buffer.slice(0));

describe('GemmPool', () => {
  it('starts the threads asked for where Node has worker threads', () => {
    expect(backends.map((b) => b.threads)).toEqual([1, 2, 3]);
    expect(backends.map((b) => b.threadsNote)).toEqual([undefined, undefined, undefined]);
  });

  // Shapes past that threshold (m ≥ 8, m·n·k ≥ 2¹⁹), with rows that do not split
  // evenly, k past one 256-deep block (so the k-block order matters), odd n (edge tiles).
  const shapes: [number, number, number][] = [
    [32, 512, 128],
    [37, 129, 300],
    [9, 257, 600],
    [130, 65, 513],
  ];
  it.each(shapes)('gives the same bits on 1, 2 and 3 threads: [%i×k]·[k×%i], k = %i', (m, n, k) => {
    const a = values(m * k, 1);
    const b = values(k * n, 2);
    const bias = values(m * n, 3);
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        const plain = backends.map((be) => bits(be.gemm(a, b, m, n, k, ta, tb)));
        const summed = backends.map((be) =>
          bits(be.gemm(a, b, m, n, k, ta, tb, bias.slice(), true)),
        );
        for (const i of [1, 2]) {
          expect(plain[i], `${i + 1} threads, ta=${ta} tb=${tb}`).toEqual(plain[0]);
          expect(summed[i], `${i + 1} threads, accumulate, ta=${ta} tb=${tb}`).toEqual(summed[0]);
        }
      }
    }
  });

  it('gives the same bits for a batched matmul (one job per batch entry)', () => {
    const [m, k, n] = [24, 160, 200];
    const infos = backends.map((be) => {
      const a = { dataId: be.write(values(3 * m * k, 4)), shape: [3, m, k], dtype: 'float32' };
      const b = { dataId: be.write(values(3 * k * n, 5)), shape: [3, k, n], dtype: 'float32' };
      const out = be.matmul(a as never, b as never, false, false, [3, m, n]);
      return bits(
        be.read({ dataId: out, shape: [3, m, n], dtype: 'float32' } as never) as Float32Array,
      );
    });
    expect(infos[1]).toEqual(infos[0]);
    expect(infos[2]).toEqual(infos[0]);
  });

  it('matches the TypeScript GEMM within rounding', () => {
    const ts = new CpuBackend({ wasm: 'never', threads: 1 });
    const [m, n, k] = [40, 96, 300];
    const a = values(m * k, 6);
    const b = values(k * n, 7);
    const x = backends[1]!.gemm(a, b, m, n, k);
    const y = ts.gemm(a, b, m, n, k);
    for (let i = 0; i < x.length; i++) expect(Math.abs(x[i]! - y[i]!)).toBeLessThan(1e-3);
  });

  it('splits the rows over its workers: the pool alone equals the one-thread GEMM', () => {
    const started = GemmPool.start(3);
    if (!('pool' in started)) throw new Error(started.reason);
    const [m, n, k] = [50, 72, 280];
    const a = values(m * k, 8);
    const b = values(k * n, 9);
    const out = new Float32Array(m * n).fill(Number.NaN);
    const plan = { m, n, k, jobs: [{ aOffset: 0, bOffset: 0, outOffset: 0 }] };
    expect(started.pool.gemm(a, b, out, plan, false, false, false)).toBe(true);
    expect(bits(out)).toEqual(bits(backends[0]!.gemm(a, b, m, n, k)));
    started.pool.stop();
  });

  it('shares one pool per thread count', () => {
    const again = new CpuBackend({ threads: 2 });
    expect(again.threads).toBe(2);
    const started = GemmPool.start(2);
    expect('pool' in started).toBe(true);
    if ('pool' in started) started.pool.stop();
  });
});

describe('hosts that run eval code as ES modules', () => {
  it('start the pool under node --input-type=module (workers inherit the flag)', () => {
    const dist = fileURLToPath(new URL('../../../dist/index.js', import.meta.url));
    const out = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { CpuBackend } from ${JSON.stringify(dist)};
const b = new CpuBackend({ threads: 2 });
console.log(b.threads, b.threadsNote ?? 'no note');`,
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(out.trim()).toBe('2 no note');
  });
});

describe('threadMinFlops', () => {
  it('rejects a value that is not a non-negative integer, naming it', () => {
    for (const bad of [-1, 1.5, Number.NaN]) {
      expect(() => new CpuBackend({ threads: 1, threadMinFlops: bad })).toThrow(
        /CpuBackend: threadMinFlops must be a non-negative integer/,
      );
    }
  });
});

describe('thread count', () => {
  it('rejects a threads option that is not an integer ≥ 1, naming it', () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      expect(() => new CpuBackend({ threads: bad })).toThrow(RecurError);
      expect(() => requestedThreads(bad)).toThrow(/CpuBackend: options\.threads is .*integer ≥ 1/);
    }
  });

  it('reads RECUR_THREADS when the option is absent, and rejects a bad value', () => {
    const saved = process.env.RECUR_THREADS;
    try {
      process.env.RECUR_THREADS = '3';
      expect(requestedThreads(undefined)).toBe(3);
      expect(requestedThreads(2)).toBe(2);
      process.env.RECUR_THREADS = 'two';
      expect(() => requestedThreads(undefined)).toThrow(/RECUR_THREADS is 'two'/);
      process.env.RECUR_THREADS = '';
      expect(requestedThreads(undefined)).toBeGreaterThanOrEqual(1);
    } finally {
      if (saved === undefined) delete process.env.RECUR_THREADS;
      else process.env.RECUR_THREADS = saved;
    }
  });

  it('runs on one thread without SharedArrayBuffer, and says why once', () => {
    const saved = globalThis.SharedArrayBuffer;
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      // @ts-expect-error: a runtime without SharedArrayBuffer (e.g. a page not cross-origin isolated)
      delete globalThis.SharedArrayBuffer;
      expect(workerThreads()).toEqual({
        ok: false,
        reason: 'no SharedArrayBuffer in this runtime',
      });
      // 5 and 6 threads: counts no earlier test started a pool for
      const first = new CpuBackend({ threads: 5 });
      const second = new CpuBackend({ threads: 6 });
      expect([first.threads, second.threads]).toEqual([1, 1]);
      expect(first.threadsNote).toBe('no SharedArrayBuffer in this runtime');
      expect(second.threadsNote).toBe('no SharedArrayBuffer in this runtime');
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]![0])).toMatch(/runs on one thread: no SharedArrayBuffer/);
      // still computes, on one thread
      expect(Array.from(first.gemm(values(64 * 64, 1), values(64 * 64, 2), 64, 64, 64))).toEqual(
        Array.from(backends[0]!.gemm(values(64 * 64, 1), values(64 * 64, 2), 64, 64, 64)),
      );
    } finally {
      globalThis.SharedArrayBuffer = saved;
      warn.mockRestore();
    }
  });

  it('runs on one thread, saying why, where the wasm kernels are off', () => {
    const ts = new CpuBackend({ wasm: 'never', threads: 2 });
    expect(ts.threads).toBe(1);
    expect(ts.threadsNote).toMatch(/wasm kernels, which are off/);
  });

  it('embeds the shared-memory build of wasm/kernels.wat (the generated file is current)', () => {
    const script = createRequire(import.meta.url).resolve('@recur/tooling/build-wasm');
    const output = execFileSync(
      process.execPath,
      [
        script,
        'wasm/kernels.wat',
        'src/cpu/wasm/kernels-shared-wasm.generated.ts',
        'KERNELS_SHARED_WASM_BASE64',
        '--shared-memory',
        '--check',
      ],
      { encoding: 'utf8', cwd: fileURLToPath(new URL('../../..', import.meta.url)) },
    );
    expect(output).toContain('matches');
  });
});
