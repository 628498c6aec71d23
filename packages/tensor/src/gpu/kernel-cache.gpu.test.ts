import { afterAll, describe, expect, it } from 'vitest';
import { withBackend } from '../backends.js';
import { dispose, tidy } from '../memory.js';
import { ones, tensor } from '../ops/creation.js';
import { add, tanh } from '../ops/elementwise.js';
import type { Tensor } from '../tensor.js';
import { gpuBackendForTests } from '../testing/gpu.js';

const gpu = gpuBackendForTests();

/** Runs an op and disposes everything it made, result included. */
function run(op: () => Tensor): void {
  dispose(tidy(op));
}
const small = gpu ? gpuBackendForTests({ maxKernels: 4 }) : null;

describe.skipIf(!gpu)('gpu kernel cache', () => {
  afterAll(() => {
    gpu?.destroy();
    small?.destroy();
  });

  it('compiles a kernel once per op and shapes, and reuses it', () => {
    withBackend(gpu!, () => {
      const x = ones([3, 4]);
      const y = ones([4]);
      const start = gpu!.kernelStats();
      run(() => add(x, y));
      const first = gpu!.kernelStats();
      expect(first.compiled - start.compiled).toBe(1);
      for (let i = 0; i < 5; i++) run(() => add(x, y));
      const again = gpu!.kernelStats();
      expect(again.compiled).toBe(first.compiled);
      expect(again.hits - first.hits).toBe(5);
      run(() => add(x, x)); // same op, other shapes: a new kernel
      run(() => tanh(x)); // other op: a new kernel
      expect(gpu!.kernelStats().compiled - again.compiled).toBe(2);
      x.dispose();
      y.dispose();
    });
  });

  it('evicts least recently used kernels beyond maxKernels, never one whose output is alive', () => {
    withBackend(small!, () => {
      const survivor = tidy(() => add(tensor([1, 2, 3]), 10)); // its kernel must stay
      for (let n = 1; n <= 8; n++) run(() => tanh(ones([n, 5])));
      const stats = small!.kernelStats();
      expect(stats.cached).toBeLessThanOrEqual(4);
      expect(stats.evicted).toBeGreaterThan(0);
      expect(Array.from(survivor.data())).toEqual([11, 12, 13]);
      // Evicted kernels are recompiled on demand and still compute.
      const again = tidy(() => tanh(ones([1, 5])));
      expect(again.data()[0]).toBeCloseTo(Math.tanh(1), 6);
      again.dispose();
      survivor.dispose();
    });
  });
});
