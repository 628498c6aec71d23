import { afterAll, describe, expect, it } from 'vitest';
import { withBackend } from '../backends.js';
import { keep, memory, tidy } from '../memory.js';
import { randomNormal, zeros } from '../ops/creation.js';
import { add, mul, square, sub, tanh } from '../ops/elementwise.js';
import { matmul } from '../ops/matmul.js';
import { mean, sum } from '../ops/reduce.js';
import type { Tensor } from '../tensor.js';
import { gpuBackendForTests } from '../testing/gpu.js';

const gpu = gpuBackendForTests();

describe.skipIf(!gpu)('gpu backend memory', () => {
  afterAll(() => gpu?.destroy());

  it('1,000 training steps (matmul + add + tanh + reduce + dispose) keep textures, buffers and tensors flat', () => {
    withBackend(gpu!, () => {
      // One tanh layer fitted to a fixed target by gradient descent, gradients written out:
      // h = tanh(x·W + b), loss = mean((h − y)²).
      const x = randomNormal([8, 16], { seed: 1 });
      const y = tanh(randomNormal([8, 4], { seed: 2 }));
      let w = randomNormal([16, 4], { seed: 3, std: 0.1 });
      let b = zeros([4]);
      const step = (): number => {
        const [nextW, nextB, loss] = tidy(() => {
          const h = tanh(add(matmul(x, w), b));
          const diff = sub(h, y);
          const l = mean(square(diff));
          const dz = mul(mul(diff, 2 / diff.size), sub(1, square(h)));
          const dw = matmul(x, dz, { transposeA: true });
          const db = sum(dz, { axis: 0 });
          return [sub(w, mul(dw, 0.5)), sub(b, mul(db, 0.5)), l];
        });
        w.dispose();
        b.dispose();
        w = keep(nextW);
        b = keep(nextB);
        const value = loss.item();
        loss.dispose();
        return value;
      };

      const first = step();
      step(); // every kernel is compiled by now
      const start = {
        ...memory(),
        textures: gpu!.memory().textures,
        buffers: gpu!.memory().buffers,
      };
      let last = first;
      for (let i = 0; i < 1000; i++) {
        last = step();
        if (i % 250 === 0 || i === 999) {
          expect(memory().numTensors, `tensors after step ${i}`).toBe(start.numTensors);
          expect(gpu!.memory().buffers, `buffers after step ${i}`).toBe(start.buffers);
          expect(gpu!.memory().textures, `WebGL textures after step ${i}`).toBe(start.textures);
        }
      }
      expect(last).toBeLessThan(first * 0.5);
      for (const t of [x, y, w, b] as Tensor[]) t.dispose();
    });
  });

  it('disposing a tensor deletes its WebGL texture', () => {
    withBackend(gpu!, () => {
      const warm = tidy(() => add(zeros([50, 50]), 1));
      warm.dispose();
      const before = gpu!.memory();
      const kept = Array.from({ length: 5 }, () => tidy(() => add(zeros([50, 50]), 1)));
      const during = gpu!.memory();
      expect(during.buffers - before.buffers).toBe(5);
      expect(during.bytes - before.bytes).toBe(5 * 2500 * 4);
      // The newest output shares its kernel's output texture; each older one has its own.
      expect(during.textures! - before.textures!).toBeGreaterThanOrEqual(4);
      for (const t of kept) t.dispose();
      expect(gpu!.memory()).toEqual(before);
    });
  });
});
