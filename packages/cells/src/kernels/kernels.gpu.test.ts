import {
  assertGradcheck,
  backward,
  describeGradcheck,
  grad,
  mul,
  sum,
  zeroGrad,
} from '@recur/autograd';
import {
  CpuBackend,
  dispose,
  memory,
  mul as mulTensor,
  Rng,
  randomNormal,
  sub as subTensor,
  type Tensor,
  tensor,
  tidy,
  toBackend,
  withBackend,
} from '@recur/tensor';
import { gpuBackendForTests } from '@recur/tensor/testing/gpu';
import { describe, expect, it } from 'vitest';
import { gruSequenceBackward, gruSequenceForward } from '../cells/gru/sequence-kernel.js';
import { lstmSequenceBackward, lstmSequenceForward } from '../cells/lstm/sequence-kernel.js';
import { rnnSequenceBackward, rnnSequenceForward } from '../cells/rnn/sequence-kernel.js';
import { sequence } from '../sequence.js';
import { inputsFor, KINDS, leaf, makeCell, maxAbsDiff, sequenceFn } from '../test-utils.js';
import type { NamedKernel } from './named-kernel.js';

const gpu = gpuBackendForTests();
const cpu = new CpuBackend();
/** float32 on two backends that sum in different orders. */
const TOL = 1e-4;

/**
 * Runs `kernel` on the CPU and on the GPU — both natively (fused), not through the composed
 * fallback — and compares every output; returns the CPU outputs. GPU textures made by the
 * kernel beyond its outputs must all be freed.
 */
function compare<In extends object, Out extends string, A>(
  kernel: NamedKernel<In, Out, A>,
  inputs: In,
  attrs: A,
): Record<Out, Tensor> {
  expect(kernel.supports(cpu)).toBe(true);
  expect(kernel.supports(gpu!)).toBe(true);
  const onCpu = kernel(inputs, attrs);
  withBackend(gpu!, () => {
    const moved = Object.fromEntries(
      Object.entries(inputs).map(([k, t]) => [k, t && toBackend(t as Tensor, gpu!)]),
    ) as In;
    // The first run compiles kernels (each owns an output texture); count on the second.
    dispose(kernel(moved, attrs));
    const { buffers, textures } = gpu!.memory();
    const onGpu = kernel(moved, attrs);
    expect(gpu!.memory().buffers - buffers, `${kernel.kernelName} leaked buffers`).toBe(
      Object.keys(onGpu).length,
    );
    expect(Object.keys(onGpu)).toEqual(Object.keys(onCpu));
    for (const name of kernel.outputNames) {
      expect(onGpu[name].backend).toBe(gpu);
      expect(maxAbsDiff(onCpu[name], onGpu[name]), `${kernel.kernelName} ${name}`).toBeLessThan(
        TOL,
      );
    }
    dispose(onGpu);
    expect(gpu!.memory().textures, `${kernel.kernelName} leaked textures`).toBe(textures);
    dispose(moved);
  });
  return onCpu;
}

/** Batch, steps, input width, hidden: tiny, odd sizes (H not a multiple of 4), T = 1, longer. */
const SIZES = [
  { B: 2, T: 3, I: 3, H: 4 },
  { B: 3, T: 1, I: 5, H: 7 },
  { B: 1, T: 12, I: 2, H: 9 },
];

function operands(seed: number, gates: number, { B, T, I, H }: (typeof SIZES)[number]) {
  const rng = new Rng(seed);
  const w = (shape: number[], std = 0.5) => randomNormal(shape, { rng, std });
  // A mask with a padded tail on row 1 and a hole on the last row (when T allows).
  const mask = Array.from({ length: B * T }, (_, k) => {
    const [b, t] = [Math.floor(k / T), k % T];
    return (b === 1 && t >= T - 1 && T > 1) || (b === B - 1 && t === 1) ? 0 : 1;
  });
  return {
    x: w([B, T, I], 1),
    W_x: w([I, gates * H]),
    W_a: w([H, gates * H]),
    b: w([gates * H], 0.3),
    a0: w([B, H]),
    c0: w([B, H]),
    dA: w([B, T, H], 1),
    dC: w([B, T, H], 1),
    mask: tensor(mask, [B, T], seed % 2 ? 'int32' : 'float32'),
  };
}

const CASES = SIZES.flatMap((size) =>
  [false, true].flatMap((reverse) => [false, true].map((masked) => ({ size, reverse, masked }))),
);

describe.skipIf(!gpu)('fused sequence kernels: the GPU implementation equals the CPU', () => {
  for (const { size, reverse, masked } of CASES) {
    const label = `B${size.B} T${size.T} I${size.I} H${size.H}${reverse ? ' reverse' : ''}${masked ? ' masked' : ''}`;

    it(`RNN tanh and IRNN relu, forward and backward (${label})`, () => {
      withBackend(cpu, () =>
        tidy(() => {
          const { x, W_x, W_a, b, a0, dA, mask: given } = operands(1, 1, size);
          const mask = masked ? given : undefined;
          for (const activation of ['tanh', 'relu'] as const) {
            for (const skipInputGradient of [false, true]) {
              const attrs = { activation, reverse, skipInputGradient };
              const { A } = compare(rnnSequenceForward, { x, W_x, W_a, b, a0, mask }, attrs);
              compare(rnnSequenceBackward, { x, W_x, W_a, a0, A, dA, mask }, attrs);
            }
          }
        }),
      );
    });

    it(`LSTM, forward and backward (${label})`, () => {
      withBackend(cpu, () =>
        tidy(() => {
          const { x, W_x, W_a, b, a0, c0, dA, dC, mask: given } = operands(2, 4, size);
          const mask = masked ? given : undefined;
          const outs = compare(lstmSequenceForward, { x, W_x, W_a, b, a0, c0, mask }, { reverse });
          compare(
            lstmSequenceBackward,
            { x, W_x, W_a, a0, c0, ...outs, dA, dC, mask },
            { reverse },
          );
        }),
      );
    });

    it(`GRU, forward and backward (${label})`, () => {
      withBackend(cpu, () =>
        tidy(() => {
          const { x, W_x, W_a, b, a0, dA, mask: given } = operands(3, 3, size);
          const mask = masked ? given : undefined;
          const outs = compare(gruSequenceForward, { x, W_x, W_a, b, a0, mask }, { reverse });
          compare(gruSequenceBackward, { x, W_x, W_a, a0, ...outs, dA, mask }, { reverse });
        }),
      );
    });
  }

  it('each step is 1 (RNN), 3 (LSTM) or 3 (GRU) launches forward and 1, 3, 2 backward', () => {
    const launches = (run: () => Record<string, Tensor>) => {
      const before = gpu!.kernelStats();
      dispose(run());
      const after = gpu!.kernelStats();
      return after.compiled + after.hits - before.compiled - before.hits;
    };
    /** Launches of `kernel` at T = 5 minus at T = 4: the launches of one more step. */
    // biome-ignore lint/suspicious/noExplicitAny: one helper for three kernels' operand types
    type AnyKernel<A> = NamedKernel<any, string, A>;
    const perStep = <A>(kernel: AnyKernel<A>, gates: number, attrs: A, backwardOf?: AnyKernel<A>) =>
      withBackend(gpu!, () =>
        tidy(() => {
          const counts = [4, 5].map((T) => {
            const { x, W_x, W_a, b, a0, c0, dA, dC } = operands(4, gates, { B: 2, T, I: 3, H: 5 });
            const inputs = { x, W_x, W_a, b, a0, ...(gates === 4 ? { c0 } : {}) };
            if (!backwardOf) return launches(() => kernel(inputs, attrs));
            const outs = kernel(inputs, attrs);
            const grads = gates === 4 ? { dA, dC } : { dA };
            const { b: _unused, ...weights } = inputs;
            return launches(() => backwardOf({ ...weights, ...outs, ...grads }, attrs));
          });
          return counts[1]! - counts[0]!;
        }),
      );
    const rnn = { activation: 'tanh' as const, reverse: false };
    expect(perStep(rnnSequenceForward, 1, rnn)).toBe(1);
    expect(perStep(rnnSequenceForward, 1, rnn, rnnSequenceBackward)).toBe(1);
    expect(perStep(lstmSequenceForward, 4, { reverse: false })).toBe(3);
    expect(perStep(lstmSequenceForward, 4, { reverse: false }, lstmSequenceBackward)).toBe(3);
    expect(perStep(gruSequenceForward, 3, { reverse: false })).toBe(3);
    expect(perStep(gruSequenceForward, 3, { reverse: false }, gruSequenceBackward)).toBe(2);
  });

  it('sequence() on the GPU, fused and composed, equals the CPU: outputs and gradients, no leaked tensors', () => {
    const [B, T, I, H] = [2, 3, 3, 4];
    const runs = [
      { backend: cpu, fused: true },
      { backend: gpu!, fused: true },
      { backend: gpu!, fused: false },
    ];
    for (const kind of KINDS) {
      const results = runs.map(({ backend, fused }) =>
        withBackend(backend, () => {
          const cell = makeCell(kind, I, H, 5);
          const before = memory().numTensors;
          const out = tidy(() => {
            const x = leaf(randomNormal([B, T, I], { seed: 6 }));
            const r = randomNormal([B, T, H], { seed: 7 });
            const { outputs } = sequence(cell, x, { fused });
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
        expect(maxAbsDiff(t, results[1]![i]!), `${kind} #${i} GPU fused`).toBeLessThan(TOL);
        expect(maxAbsDiff(t, results[2]![i]!), `${kind} #${i} GPU composed`).toBeLessThan(TOL);
        expect(maxAbsDiff(results[1]![i]!, results[2]![i]!), `${kind} #${i}`).toBeLessThan(1e-5);
      });
      dispose(results);
    }
  });

  it('training steps on the GPU keep live tensors, buffers and WebGL textures flat', () => {
    withBackend(gpu!, () => {
      for (const kind of ['lstm', 'gru'] as const) {
        const cell = makeCell(kind, 3, 8, 2);
        const params = Object.values(cell.parameters());
        const x = randomNormal([4, 6, 3], { seed: 1 });
        const mask = tensor(
          [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1],
          [4, 6],
        );
        const counts: string[] = [];
        for (let step = 0; step < 6; step++) {
          tidy(() => {
            backward(sum(sequence(cell, x, { mask }).outputs));
            for (const p of params) p.assign(subTensor(p.value, mulTensor(p.grad!, 0.01)));
            zeroGrad(params);
          });
          const m = gpu!.memory();
          counts.push(`${memory().numTensors}/${m.buffers}/${m.textures}`);
        }
        // The first step compiles kernels (each owns an output texture); from then on flat.
        expect(new Set(counts.slice(1)).size, `${kind}: ${counts.join(' ')}`).toBe(1);
        dispose([x, mask]);
        cell.dispose();
      }
    });
  });

  it('gradcheck: the GPU fused kernels, plain, reversed and masked, for every cell', () => {
    const dims = { B: 2, T: 3, I: 2, H: 3 };
    withBackend(gpu!, () => {
      const mask = tensor([1, 1, 1, 1, 0, 0], [dims.B, dims.T]);
      for (const kind of KINDS) {
        const cell = makeCell(kind, dims.I, dims.H, 3);
        for (const options of [{}, { reverse: true }, { mask }]) {
          const inputs = inputsFor(cell, 5, dims);
          expect(inputs.every((t) => t.backend === gpu)).toBe(true);
          const result = assertGradcheck(sequenceFn(cell, options, dims), inputs, {
            eps: 1e-2,
            atol: 2e-3,
            rtol: 2e-2,
          });
          expect(result.checked, describeGradcheck(result)).toBeGreaterThan(0);
          dispose(inputs);
        }
        cell.dispose();
      }
      mask.dispose();
    });
  });
});
