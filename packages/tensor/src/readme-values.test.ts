import { describe, expect, it } from 'vitest';
import {
  add,
  type CpuBackend,
  defineKernel,
  matmul,
  memory,
  mul,
  randomNormal,
  tanh,
  tensor,
  tidy,
} from './index.js';

// The values the README's examples compute, beyond what they print (readme.test.ts runs the
// README itself): the examples, verbatim but for the assertions; keep the two in step.
describe('README examples', () => {
  it('the first example: a layer in tidy, then dispose', () => {
    const start = memory().numTensors;
    const W = randomNormal([4, 3], { seed: 1, std: 0.1 });
    const b = tensor([0.1, 0.2, 0.3]);
    const x = tensor([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
    ]);
    const h = tidy(() => tanh(add(matmul(x, W), b)));
    expect(h.shape).toEqual([2, 3]);
    const w = W.data();
    const expected = [0, 1].map((r) =>
      [0, 1, 2].map((c) => {
        let acc = [0.1, 0.2, 0.3][c]!;
        for (let k = 0; k < 4; k++) acc += (r * 4 + k + 1) * w[k * 3 + c]!;
        return Math.tanh(acc);
      }),
    );
    const got = h.toArray() as number[][];
    for (const [r, row] of got.entries()) {
      for (const [c, v] of row.entries()) expect(v).toBeCloseTo(expected[r]![c]!, 5);
    }
    expect(memory().numTensors - start).toBe(4);
    h.dispose();
    for (const t of [W, b, x]) t.dispose();
    expect(memory().numTensors).toBe(start);
  });

  it('the defineKernel example: the cpu implementation and the fallback agree', () => {
    const scaleAdd = defineKernel<{ alpha: number }>({
      name: 'scaleAdd',
      backends: {
        cpu: (backend, [x, y], { alpha }) => {
          const cpu = backend as CpuBackend;
          const xs = cpu.values(x!);
          const ys = cpu.values(y!);
          const out = new Float32Array(xs.length);
          for (let i = 0; i < out.length; i++) out[i] = alpha * xs[i]! + ys[i]!;
          return [
            { dataId: cpu.write(out, x!.shape, 'float32'), shape: x!.shape, dtype: 'float32' },
          ];
        },
      },
      fallback: ([x, y], { alpha }) => [tidy(() => add(mul(x!, alpha), y!))],
    });
    const start = memory().numTensors;
    const x = tensor([1, 2, 3]);
    const y = tensor([10, 20, 30]);
    const [z] = scaleAdd([x, y], { alpha: 2 });
    expect(Array.from(z!.data())).toEqual([12, 24, 36]);
    const fallbackOnly = defineKernel<{ alpha: number }>({
      name: 'scaleAddFallback',
      backends: {},
      fallback: ([a, b], { alpha }) => [tidy(() => add(mul(a!, alpha), b!))],
    });
    const [f] = fallbackOnly([x, y], { alpha: 2 });
    expect(Array.from(f!.data())).toEqual([12, 24, 36]);
    for (const t of [x, y, z!, f!]) t.dispose();
    expect(memory().numTensors).toBe(start);
  });
});
