import { afterAll, describe, expect, it } from 'vitest';
import { toBackend, withBackend } from '../backends.js';
import { defineKernel } from '../kernel.js';
import { dispose } from '../memory.js';
import { randomNormal } from '../ops/creation.js';
import { add, mul } from '../ops/elementwise.js';
import { gpuBackendForTests } from '../testing/gpu.js';
import { divFloor, kernelSource, programRunner } from './authoring.js';

const gpu = gpuBackendForTests();

// The README's example (Writing GPU kernels in another package), verbatim.
/** x [rows, cols] + scale · row [cols], one launch on the GPU. */
export const addScaledRow = defineKernel<{ scale: number }>({
  name: 'addScaledRow',
  backends: {
    gpu: (backend, [x, row], { scale }) => {
      const [rows, cols] = x!.shape as [number, number];
      const lines = [
        'const i = this.thread.x;',
        ...divFloor('r', 'i', cols),
        `return x0[i] + scale * x1[i - r * ${cols}];`,
      ];
      const program = {
        name: `addScaledRow[${rows},${cols}]`,
        source: kernelSource(['x0', 'x1', 'scale'], lines),
        size: rows * cols,
      };
      const [out] = programRunner('addScaledRow', backend).runProgram(
        'addScaledRow',
        program,
        [x!, row!],
        [scale],
      );
      return [{ dataId: out!, shape: x!.shape, dtype: 'float32' }];
    },
  },
  fallback: ([x, row], { scale }) => [add(x!, mul(row!, scale))],
});

describe.skipIf(!gpu)('@recur/tensor/gpu-kernels: a kernel written in another package', () => {
  afterAll(() => gpu?.destroy());

  it('runs on the GPU in one launch (a run-time scalar, no recompile) and equals its fallback on the CPU', () => {
    const x = randomNormal([5, 7], { seed: 1 });
    const row = randomNormal([7], { seed: 2 });
    const [expected] = addScaledRow([x, row], { scale: 0.5 });
    withBackend(gpu!, () => {
      const [gx, grow] = [toBackend(x, gpu!), toBackend(row, gpu!)];
      expect(addScaledRow.supports(gpu!)).toBe(true);
      const stats = () => gpu!.kernelStats();
      const [first] = addScaledRow([gx, grow], { scale: 0.5 });
      const before = stats();
      const [second] = addScaledRow([gx, grow], { scale: -2 });
      expect(stats().compiled).toBe(before.compiled);
      expect(stats().hits - before.hits).toBe(1);
      const want = expected!.data();
      for (const [k, v] of first!.data().entries()) expect(v).toBeCloseTo(want[k]!, 5);
      const xs = x.data();
      const rs = row.data();
      for (const [k, v] of second!.data().entries()) {
        expect(v).toBeCloseTo(xs[k]! - 2 * rs[k % 7]!, 5);
      }
      dispose([gx, grow, first, second]);
    });
    dispose([x, row, expected]);
  });

  it('runProgram names the kernel when the inputs or run-time scalars do not match its parameters', () => {
    withBackend(gpu!, () => {
      const x = randomNormal([2, 3], { seed: 3 });
      const program = {
        name: 'test.scaled[2,3]',
        source: kernelSource(
          ['x0', 'scale'],
          ['const i = this.thread.x;', 'return scale * x0[i];'],
        ),
        size: 6,
      };
      const runner = programRunner('scaled', gpu!);
      expect(() => runner.runProgram('scaled', program, [x, x], [2])).toThrow(
        /scaled: kernel test\.scaled\[2,3\] reads 1 input tensors \(x0…x0\); got 2/,
      );
      expect(() => runner.runProgram('scaled', program, [x], [])).toThrow(
        /takes the run-time scalars \(scale\); got 0 values/,
      );
      const [ok] = runner.runProgram('scaled', program, [x], [2]);
      gpu!.dispose(ok!);
      x.dispose();
    });
  });
});
