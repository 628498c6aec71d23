import { getBackend, memory, setBackend, tensor } from '@recur/tensor';
import { gpuBackendForTests } from '@recur/tensor/testing/gpu';
import { afterAll, describe, expect, it } from 'vitest';
import { clipGradNorm } from './clip-grad-norm.js';
import { clipGradValue } from './clip-grad-value.js';

const gpu = gpuBackendForTests();
const cpu = getBackend();
afterAll(() => {
  setBackend(cpu);
});

describe.skipIf(gpu === null)('clipping on the gpu.js backend', () => {
  it('clips by norm and by value with gradients staying on the GPU', () => {
    setBackend(gpu!);
    const a = {
      grad: tensor([
        [3, 4],
        [0, 0],
      ]),
      name: 'W',
    };
    const b = { grad: tensor([12]), name: 'b' };
    const result = clipGradNorm([a, b], 1);
    expect(result.totalNorm).toBeCloseTo(13, 5);
    expect(a.grad.backend.name).toBe(gpu!.name);
    expect(Array.from(a.grad.data())).toEqual([
      expect.closeTo(3 / 13, 6),
      expect.closeTo(4 / 13, 6),
      0,
      0,
    ]);
    expect(clipGradValue([a, b], 0.5).maxAbs).toBeCloseTo(12 / 13, 6);
    expect(Array.from(b.grad.data())).toEqual([0.5]);
    const before = memory().numTensors;
    for (let i = 0; i < 3; i++) clipGradNorm([a, b], 0.1);
    expect(memory().numTensors).toBe(before);
    a.grad.dispose();
    b.grad.dispose();
    setBackend(cpu);
  });
});
