import { grad, mul, sum } from '@recur/autograd';
import {
  CpuBackend,
  dispose,
  type Kernel,
  memory,
  RecurError,
  Rng,
  randomNormal,
  type Tensor,
  tensor,
  tidy,
  toBackend,
  withBackend,
} from '@recur/tensor';
import { createGpuBackend, type GpuBackend } from '@recur/tensor/gpu';
import { describe, expect, it } from 'vitest';
import { sequence } from '../sequence.js';
import { KINDS, leaf, makeCell } from '../test-utils.js';
import { gruSequenceBackward, gruSequenceForward } from './gru-sequence.js';
import { lstmSequenceBackward, lstmSequenceForward } from './lstm-sequence.js';
import { rnnSequenceBackward, rnnSequenceForward } from './rnn-sequence.js';

/** The GPU backend, or null (with the reason printed) where no GL context can start, except in CI. */
function gpuBackend(): GpuBackend | null {
  try {
    return createGpuBackend();
  } catch (error) {
    const ci = process.env.CI;
    if (
      !(error instanceof RecurError) ||
      (ci !== undefined && ci !== '' && ci !== '0' && ci !== 'false')
    )
      throw error;
    console.warn(`[recur cells gpu tests] skipped: ${error.message}`);
    return null;
  }
}

const gpu = gpuBackend();
const cpu = new CpuBackend();
const TOL = 1e-4;

function maxAbsDiff(a: Tensor, b: Tensor): number {
  const x = a.data();
  const y = b.data();
  let worst = 0;
  for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i]! - y[i]!));
  return worst;
}

/** Runs `kernel` on the CPU (native) and on the GPU (its composed fallback); compares outputs. */
function compare<A>(kernel: Kernel<A>, inputs: Tensor[], attrs: A): Tensor[] {
  const onCpu = kernel(inputs, attrs);
  const onGpu = withBackend(gpu!, () =>
    kernel(
      inputs.map((t) => toBackend(t, gpu!)),
      attrs,
    ),
  );
  expect(kernel.supports(gpu!)).toBe(false);
  onCpu.forEach((t, i) => {
    expect(onGpu[i]!.backend).toBe(gpu);
    expect(maxAbsDiff(t, onGpu[i]!), `${kernel.kernelName} output ${i}`).toBeLessThan(TOL);
  });
  return onCpu;
}

const B = 2;
const T = 3;
const I = 3;
const H = 4;

describe.skipIf(!gpu)(
  'fused sequence kernels: CPU equals GPU (composed fallback) within float32 tolerance',
  () => {
    it('RNN, LSTM and GRU, forward and backward, with a mask and reversed', () => {
      withBackend(cpu, () =>
        tidy(() => {
          const rng = new Rng(1);
          const w = (shape: number[], std = 0.5) => randomNormal(shape, { rng, std });
          const x = w([B, T, I], 1);
          const a0 = w([B, H]);
          const c0 = w([B, H]);
          const dA = w([B, T, H], 1);
          const dC = w([B, T, H], 1);
          const mask = tensor([1, 1, 1, 1, 0, 0], [B, T]);
          for (const reverse of [false, true]) {
            const rnn = [x, w([I, H]), w([H, H]), w([H]), a0, mask];
            const attrs = { activation: 'tanh' as const, reverse };
            const [A] = compare(rnnSequenceForward, rnn, attrs);
            compare(rnnSequenceBackward, [...rnn.slice(0, 5), A!, dA, mask], attrs);
            const lstm = [x, w([I, 4 * H]), w([H, 4 * H]), w([4 * H]), a0, c0];
            const outs = compare(lstmSequenceForward, [...lstm, mask], { reverse });
            compare(lstmSequenceBackward, [...lstm, ...outs, dA, dC, mask], { reverse });
            const gru = [x, w([I, 3 * H]), w([H, 3 * H]), w([3 * H]), a0];
            const gOuts = compare(gruSequenceForward, [...gru, mask], { reverse });
            compare(gruSequenceBackward, [...gru, ...gOuts, dA, mask], { reverse });
          }
        }),
      );
    });

    it('sequence() trains on the GPU: outputs and gradients equal the CPU, no leaked tensors', () => {
      for (const kind of KINDS) {
        const results = [cpu, gpu!].map((backend) =>
          withBackend(backend, () => {
            const cell = makeCell(kind, I, H, 5);
            const before = memory().numTensors;
            const out = tidy(() => {
              const x = leaf(randomNormal([B, T, I], { seed: 6 }));
              const r = randomNormal([B, T, H], { seed: 7 });
              const { outputs } = sequence(cell, x);
              const gs = grad(sum(mul(outputs, r)), [x, ...Object.values(cell.parameters())]);
              return [outputs.value, ...gs].map((t) => toBackend(t, cpu));
            });
            const after = memory().numTensors - out.length;
            cell.dispose();
            expect(after).toBe(before);
            return out;
          }),
        );
        results[0]!.forEach((t, i) => {
          expect(maxAbsDiff(t, results[1]![i]!), `${kind} #${i}`).toBeLessThan(TOL);
        });
        dispose(results);
      }
    });
  },
);
