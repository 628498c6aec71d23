import type { Backend } from '@recur/tensor';
import { add, matmul, tensor, tidy } from '@recur/tensor';
import { expect } from 'vitest';
import type { DefineCase } from '../suite.js';

/** Storage: what is written reads back (as a copy), and disposing returns the memory. */
export function memoryCases(test: DefineCase, backend: () => Backend): void {
  test(
    'storage.roundtrip',
    'write then read returns the values, as a copy the caller may change',
    (ctx) => {
      for (const dtype of ['float32', 'int32'] as const) {
        const values =
          dtype === 'int32'
            ? [-3, 0, 7, 2147483647, -2147483648, 5]
            : [1.5, -0, Number.NaN, 3e38, -1e-30, 0.1];
        const [x, xr] = ctx.input(values, [2, 3], dtype);
        ctx.check(x, xr, `${dtype} round trip`, { dtype, tolerance: { atol: 0, rtol: 0 } });
        const copy = x.data();
        copy[0] = 42;
        expect(x.data()[0], `${dtype}: data() is a copy`).not.toBe(42);
      }
      const [e] = ctx.input([], [0, 4]);
      expect(e.data().length).toBe(0);
      const [s, sr] = ctx.input([2.5], []);
      ctx.check(s, sr, 'scalar');
    },
  );

  test('storage.accounting', 'memory() counts buffers and bytes; dispose returns them', () => {
    const b = backend();
    const start = b.memory();
    const x = tensor(new Float32Array(10), [10]);
    const y = tensor(new Int32Array(3), [3]);
    const grown = b.memory();
    expect(grown.buffers - start.buffers, 'two buffers written').toBe(2);
    expect(grown.bytes - start.bytes, 'bytes of two buffers').toBe(52);
    x.dispose();
    y.dispose();
    x.dispose();
    expect(b.memory().buffers, 'buffers back after dispose (twice is safe)').toBe(start.buffers);
    expect(b.memory().bytes, 'bytes back after dispose').toBe(start.bytes);
  });

  test('storage.steps', 'repeated op steps in tidy leave buffers flat', () => {
    const b = backend();
    const w = tensor(new Float32Array(64).fill(0.01), [8, 8]);
    let h = tensor(new Float32Array(32), [4, 8]);
    const start = b.memory().buffers;
    for (let step = 0; step < 5; step++) {
      const next = tidy(() => add(matmul(h, w), 1));
      h.dispose();
      h = next;
      expect(b.memory().buffers, `step ${step}`).toBe(start);
    }
    h.dispose();
    w.dispose();
  });
}
