import {
  CpuBackend,
  dispose,
  Rng,
  randomNormal,
  type Tensor,
  tensor,
  toBackend,
  withBackend,
} from '@recur/tensor';
import { gpuBackendForTests } from '@recur/tensor/testing/gpu';
import { describe, expect, it } from 'vitest';
import { maxAbsDiff } from '../../test-utils.js';
import { mguSequenceBackward, mguSequenceForward } from './sequence-kernel.js';

/**
 * The MGU's own GPU kernels against its CPU kernel (the shared GPU tests also run the MGU through
 * `sequence`: CPU = GPU, fused and composed, and GPU gradcheck).
 */

const gpu = gpuBackendForTests();
const cpu = new CpuBackend();
const TOL = 1e-4;

describe.skipIf(!gpu)('mguSequenceForward / Backward on the GPU', () => {
  const sizes = [
    { B: 2, T: 3, I: 3, H: 4 },
    { B: 3, T: 1, I: 5, H: 7 },
    { B: 3, T: 6, I: 2, H: 5 },
  ];
  for (const { B, T, I, H } of sizes) {
    for (const reverse of [false, true]) {
      it(`native GPU = CPU, masked and not (B${B} T${T} I${I} H${H} reverse ${reverse}), no leaked textures`, () => {
        expect(mguSequenceForward.supports(gpu!)).toBe(true);
        expect(mguSequenceBackward.supports(gpu!)).toBe(true);
        const rng = new Rng(B * 100 + T);
        const w = (shape: number[], std = 0.5) => randomNormal(shape, { rng, std });
        const mask = Array.from({ length: B * T }, (_, k) => {
          const [b, t] = [Math.floor(k / T), k % T];
          return (b === 1 && t >= T - 1 && T > 1) || (b === B - 1 && t === 1) ? 0 : 1;
        });
        const base = {
          x: w([B, T, I], 1),
          W_x: w([I, 2 * H]),
          W_a: w([H, 2 * H]),
          b: w([2 * H], 0.3),
          a0: w([B, H]),
        };
        const dA = w([B, T, H], 1);
        for (const m of [undefined, tensor(mask, [B, T])]) {
          const inputs = { ...base, mask: m };
          const onCpu = withBackend(cpu, () => mguSequenceForward(inputs, { reverse }));
          const back = {
            x: base.x,
            W_x: base.W_x,
            W_a: base.W_a,
            a0: base.a0,
            ...onCpu,
            dA,
            mask: m,
          };
          const gradsCpu = withBackend(cpu, () => mguSequenceBackward(back, { reverse }));
          withBackend(gpu!, () => {
            const move = <V extends Record<string, Tensor | undefined>>(v: V) =>
              Object.fromEntries(
                Object.entries(v).map(([k, t]) => [k, t && toBackend(t, gpu!)]),
              ) as V;
            const movedIn = move(inputs);
            const movedBack = move(back);
            dispose(mguSequenceForward(movedIn, { reverse })); // compiles
            dispose(mguSequenceBackward(movedBack, { reverse }));
            const { textures } = gpu!.memory();
            const onGpu = mguSequenceForward(movedIn, { reverse });
            const gradsGpu = mguSequenceBackward(movedBack, { reverse });
            for (const [name, t] of Object.entries(onGpu)) {
              expect(t.backend).toBe(gpu);
              const diff = maxAbsDiff(onCpu[name as 'A' | 'G'], toBackend(t, cpu));
              expect(diff, name).toBeLessThan(TOL);
            }
            for (const name of mguSequenceBackward.outputNames) {
              const diff = maxAbsDiff(gradsCpu[name], toBackend(gradsGpu[name], cpu));
              expect(diff, name).toBeLessThan(TOL);
            }
            dispose([onGpu, gradsGpu]);
            expect(gpu!.memory().textures).toBe(textures);
            dispose([movedIn, movedBack]);
          });
          dispose([onCpu, gradsCpu, m]);
        }
        dispose([base, dA]);
      });
    }
  }
});
