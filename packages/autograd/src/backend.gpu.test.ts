import * as T from '@recur/tensor';
import { CpuBackend, memory, Rng, type Tensor, toBackend, withBackend } from '@recur/tensor';
import { gpuBackendForTests } from '@recur/tensor/testing/gpu';
import { afterAll, describe, expect, it } from 'vitest';
import { backward } from './backward.js';
import { assertGradcheck } from './gradcheck.js';
import { dropout } from './ops/dropout.js';
import { add, mul, sigmoid, tanh } from './ops/elementwise.js';
import { softmaxCrossEntropy } from './ops/losses.js';
import { matmul } from './ops/matmul.js';
import { gather, split } from './ops/shape.js';
import { parameter, type Variable } from './variable.js';

const gpu = gpuBackendForTests();
const cpu = new CpuBackend({ name: 'cpu-reference' });

/** Same initial values on both backends (drawn once on the CPU, copied over). */
function initial(): Record<string, Tensor> {
  return withBackend(cpu, () => ({
    table: T.randomNormal([6, 4], { seed: 1, std: 0.5 }),
    W_x: T.randomNormal([4, 12], { seed: 2, std: 0.4 }),
    W_a: T.randomNormal([3, 12], { seed: 3, std: 0.4 }),
    b: T.randomNormal([12], { seed: 4, std: 0.1 }),
    W_o: T.randomNormal([3, 5], { seed: 5, std: 0.5 }),
    ids: T.tensor(
      [
        [0, 5],
        [2, 2],
        [4, 1],
      ],
      undefined,
      'int32',
    ),
    labels: T.tensor(
      [
        [1, 4],
        [0, 3],
        [2, 2],
      ],
      undefined,
      'int32',
    ),
  }));
}

/**
 * A small LSTM graph over 3 steps — embedding lookup, fused-gate matmuls, split into gates,
 * sigmoid/tanh, elementwise products, dropout, cross-entropy — and the gradient of every
 * parameter, computed with all tensors on `backend`.
 */
function gradients(
  backend: T.Backend,
  values: Record<string, Tensor>,
): Record<string, Float32Array> {
  return withBackend(backend, () => {
    const names = ['table', 'W_x', 'W_a', 'b', 'W_o'];
    const p = Object.fromEntries(
      names.map((k) => [k, parameter(toBackend(values[k]!, backend), k)]),
    );
    const ids = toBackend(values.ids!, backend);
    const labels = toBackend(values.labels!, backend);
    T.tidy(() => {
      let a: Variable | Tensor = T.zeros([2, 3]);
      let c: Variable | Tensor = T.zeros([2, 3]);
      const losses = [0, 1, 2].map((t) => {
        const x = gather(p.table!, T.slice(ids, [t, 0], [1, 2]).reshape([2]));
        const z = add(add(matmul(x, p.W_x!), matmul(a, p.W_a!)), p.b!);
        const [u, f, g, o] = split(z, 4, 1);
        c = add(mul(sigmoid(f!), c), mul(sigmoid(u!), tanh(g!)));
        a = mul(sigmoid(o!), tanh(c));
        const logits = matmul(dropout(a, 0.25, new Rng(10 + t)), p.W_o!);
        return softmaxCrossEntropy(logits, T.slice(labels, [t, 0], [1, 2]).reshape([2]));
      });
      backward(losses.reduce((sum, l) => add(sum, l)));
    });
    const out: Record<string, Float32Array> = {};
    for (const k of names) {
      expect(p[k]!.grad!.backend).toBe(backend);
      out[k] = p[k]!.grad!.data() as Float32Array;
      p[k]!.dispose();
    }
    ids.dispose();
    labels.dispose();
    return out;
  });
}

describe.skipIf(!gpu)('autograd on the GPU backend', () => {
  afterAll(() => gpu?.destroy());

  it('gives the gradients the CPU backend gives for the same graph', () => {
    const values = initial();
    const before = memory().numTensors;
    const onCpu = gradients(cpu, values);
    const onGpu = gradients(gpu!, values);
    expect(memory().numTensors).toBe(before);
    for (const [name, expected] of Object.entries(onCpu)) {
      const got = onGpu[name]!;
      const scale = Math.max(...Array.from(expected, Math.abs));
      const worst = Math.max(...Array.from(expected, (e, i) => Math.abs(e - got[i]!)));
      expect(scale, name).toBeGreaterThan(0);
      expect(worst, name).toBeLessThan(1e-5 + 1e-3 * scale);
    }
    T.dispose(values);
  });

  it('gradcheck passes with the inputs on the GPU', () => {
    const [x, w] = withBackend(gpu!, () => [
      T.randomUniform([2, 3], { seed: 6, low: -1, high: 1 }),
      T.randomUniform([3, 2], { seed: 7, low: -1, high: 1 }),
    ]);
    assertGradcheck((a, b) => tanh(matmul(a!, b!)), [x!, w!]);
    x!.dispose();
    w!.dispose();
  });
});
