import { afterAll, describe, expect, it } from 'vitest';
import { withBackend } from '../backends.js';
import { RecurError } from '../errors.js';
import { dispose, memory } from '../memory.js';
import { randomNormal } from '../ops/creation.js';
import { gpuBackendForTests } from '../testing/gpu.js';
import { lstmGates, rnnStep } from './fused.js';

// Values against the composed ops are in the differential checks; here: launch counts, memory
// and argument errors.
const gpu = gpuBackendForTests();

function launches(): number {
  const s = gpu!.kernelStats();
  return s.compiled + s.hits;
}

describe.skipIf(!gpu)('fused recurrent kernels on the GPU', () => {
  afterAll(() => gpu?.destroy());

  it('rnnStep is one kernel launch, also with the recurrent matmul fused in', () => {
    withBackend(gpu!, () => {
      const [xw, a, w, b] = [
        randomNormal([4, 8], { seed: 1 }),
        randomNormal([4, 8], { seed: 2 }),
        randomNormal([8, 8], { seed: 3 }),
        randomNormal([8], { seed: 4 }),
      ];
      expect(rnnStep.supports(gpu!)).toBe(true);
      let before = launches();
      const [fromZ] = rnnStep([xw], { activation: 'tanh' });
      expect(launches() - before).toBe(1);
      before = launches();
      const [fused] = rnnStep([xw, a, w, b], { activation: 'relu' });
      expect(launches() - before).toBe(1);
      expect(fromZ!.shape).toEqual([4, 8]);
      expect(fused!.shape).toEqual([4, 8]);
      dispose([xw, a, w, b, fromZ, fused]);
    });
  });

  it('lstmGates is two kernel launches and returns a, c and the gates', () => {
    withBackend(gpu!, () => {
      const inputs = [
        randomNormal([2, 12], { seed: 5 }),
        randomNormal([2, 5], { seed: 6 }),
        randomNormal([5, 12], { seed: 7 }),
        randomNormal([12], { seed: 8 }),
        randomNormal([2, 3], { seed: 9 }),
      ];
      const tensorsBefore = memory().numTensors;
      const before = launches();
      const outputs = lstmGates(inputs, {});
      expect(launches() - before).toBe(gpu!.kernelMaps ? 2 : 3);
      expect(outputs.map((t) => t.shape)).toEqual([
        [2, 3],
        [2, 3],
        [2, 12],
      ]);
      expect(memory().numTensors - tensorsBefore).toBe(3);
      const gates = outputs[2]!.data();
      // Γu, Γf, Γo are sigmoids in (0, 1); c̃ is a tanh in (−1, 1).
      for (let i = 0; i < gates.length; i++) {
        const block = Math.floor((i % 12) / 3);
        expect(gates[i]).toBeGreaterThan(block === 2 ? -1 : 0);
        expect(gates[i]).toBeLessThan(1);
      }
      dispose([inputs, outputs]);
    });
  });

  it('reject wrong shapes and arities with the expected and actual shapes', () => {
    withBackend(gpu!, () => {
      const z = randomNormal([2, 8], { seed: 10 });
      const c = randomNormal([2, 3], { seed: 11 });
      expect(() => lstmGates([z, c], {})).toThrow(
        /lstmGates: the pre-activation is \[2,8\]; expected \[B,12\]/,
      );
      expect(() => lstmGates([z], {})).toThrow(RecurError);
      expect(() => rnnStep([z, c], { activation: 'tanh' })).toThrow(
        /expected inputs \[z\] or \[xW, aPrev, W_ah, b_h\], got 2 tensors/,
      );
      expect(() => rnnStep([z], { activation: 'gelu' as 'tanh' })).toThrow(
        /activation must be 'tanh' or 'relu'/,
      );
      dispose([z, c]);
    });
  });
});
