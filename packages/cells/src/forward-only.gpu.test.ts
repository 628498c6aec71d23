import { noGrad, type Variable } from '@recur/autograd';
import { Rng, randomNormal, tensor, tidy, withBackend } from '@recur/tensor';
import { gpuBackendForTests } from '@recur/tensor/testing/gpu';
import { describe, expect, it } from 'vitest';
import { sequence } from './sequence.js';
import { KINDS, makeCell } from './test-utils.js';

/**
 * Forward only on the GPU backend: its kernels ignore `forwardOnly` (they return the full
 * results), and the cells still read the final state from them; outputs and state equal the
 * training path's bit for bit.
 */

const gpu = gpuBackendForTests();
const [B, T, I, H] = [3, 4, 3, 8];
const MASK = [1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1];

describe.skipIf(!gpu)('sequence without gradients on the GPU', () => {
  for (const kind of KINDS) {
    it(`${kind}: outputs and final state equal the training path's`, () => {
      withBackend(gpu!, () => {
        const cell = makeCell(kind, I, H, 5);
        tidy(() => {
          const x = randomNormal([B, T, I], { rng: new Rng(2) });
          const mask = tensor(MASK, [B, T]);
          for (const options of [{}, { reverse: true }, { mask }, { mask, reverse: true }]) {
            const values = () => {
              const r = sequence(cell, x, options);
              const state = r.state as unknown as Record<string, Variable>;
              return [r.outputs, ...cell.stateNames.map((n) => state[n]!)].map((v) =>
                Array.from(v.value.data()),
              );
            };
            const training = values();
            expect(noGrad(values)).toEqual(training);
          }
        });
        cell.dispose();
      });
    });
  }
});
