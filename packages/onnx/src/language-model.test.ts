import { disposeModel, greedy, LanguageModel, type TokenInput } from '@recur/architectures';
import { noGrad } from '@recur/autograd';
import { memory, Rng, tensor, tidy } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { exportOnnx } from './index.js';
import {
  carriedStates,
  int64,
  maxDifference,
  openSession,
  randomizeWeights,
  zeroStates,
} from './test-support/onnx-runtime.js';

const V = 13;
const H = 8;
const TOLERANCE = 1e-5;

const cases = (['rnn', 'irnn', 'lstm', 'gru'] as const).flatMap((cell) => [
  { cell, numLayers: 1, input: { kind: 'embedding', size: 5 } as TokenInput },
  { cell, numLayers: 2, input: { kind: 'onehot' } as TokenInput },
]);

function model(
  cell: (typeof cases)[number]['cell'],
  numLayers: number,
  input: TokenInput,
  scale = 0.5,
) {
  const lm = new LanguageModel({
    vocabularySize: V,
    hiddenSize: H,
    cell,
    numLayers,
    input,
    seed: 3,
  });
  randomizeWeights(lm.parameters(), 11, scale);
  return lm;
}

function randomIds(count: number, seed: number): number[] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, () => Math.floor(rng.next() * V));
}

/** recur's logits and final states (forward then `c`, layer by layer) for ids `[B, T]`. */
function recurForward(lm: LanguageModel, ids: number[], B: number, T: number) {
  return noGrad(() =>
    tidy(() => {
      const out = lm.forward(tensor(Int32Array.from(ids), [B, T], 'int32'));
      return {
        logits: Float32Array.from(out.logits.value.data()),
        states: out.state.map((layer) => ({
          h: Float32Array.from(layer.forward.a.value.data()),
          c:
            'c' in layer.forward
              ? Float32Array.from((layer.forward as { c: typeof layer.forward.a }).c.value.data())
              : undefined,
        })),
      };
    }),
  );
}

describe('exportOnnx(LanguageModel)', () => {
  it.each(cases)(
    '$cell, $numLayers layer(s), $input.kind: logits and final states match recur within 1e-5',
    async ({ cell, numLayers, input }) => {
      const lm = model(cell, numLayers, input);
      const session = await openSession(exportOnnx(lm));
      const [B, T] = [3, 7];
      const ids = randomIds(B * T, 5);
      const expected = recurForward(lm, ids, B, T);
      const out = await session.run({
        tokens: int64(ids, [B, T]),
        ...zeroStates(numLayers, cell === 'lstm', B, H),
      });
      expect(out.logits!.dims).toEqual([B, T, V]);
      expect(maxDifference(out.logits!.data as Float32Array, expected.logits)).toBeLessThan(
        TOLERANCE,
      );
      expected.states.forEach((s, l) => {
        expect(maxDifference(out[`Y_h_${l}`]!.data as Float32Array, s.h)).toBeLessThan(TOLERANCE);
        if (s.c) {
          expect(maxDifference(out[`Y_c_${l}`]!.data as Float32Array, s.c)).toBeLessThan(TOLERANCE);
        }
      });
      // Continuing from the returned states gives the second half of one long run.
      const half = 4;
      const firstIds = ids.slice(0, half);
      const restIds = ids.slice(half, T);
      const first = await session.run({
        tokens: int64(firstIds, [1, half]),
        ...zeroStates(numLayers, cell === 'lstm', 1, H),
      });
      const rest = await session.run({
        tokens: int64(restIds, [1, T - half]),
        ...carriedStates(first),
      });
      const whole = recurForward(lm, ids.slice(0, T), 1, T).logits.subarray(half * V);
      expect(maxDifference(rest.logits!.data as Float32Array, whole)).toBeLessThan(TOLERANCE);
      await session.release();
      disposeModel(lm);
    },
  );

  it.each(cases.filter((c) => c.numLayers === 2))(
    '$cell: a 50-token greedy generation driven step by step through ONNX Runtime equals model.generate',
    async ({ cell, numLayers, input }) => {
      const lm = model(cell, numLayers, input, 1);
      const session = await openSession(exportOnnx(lm));
      const prompt = [1, 4, 2];
      const expected = lm.generate({ prompt, maxTokens: 50 });
      let out = await session.run({
        tokens: int64(prompt, [1, prompt.length]),
        ...zeroStates(numLayers, cell === 'lstm', 1, H),
      });
      const tokens: number[] = [];
      for (let i = 0; i < 50; i++) {
        const logits = out.logits!.data as Float32Array;
        const steps = out.logits!.dims[1]!;
        const token = greedy(logits.subarray((steps - 1) * V, steps * V));
        tokens.push(token);
        if (i + 1 < 50)
          out = await session.run({ tokens: int64([token], [1, 1]), ...carriedStates(out) });
      }
      expect(tokens).toEqual(expected);
      expect(new Set(tokens).size).toBeGreaterThan(1); // a generation that actually moves
      await session.release();
    },
  );

  it('allocates no tensors', () => {
    const lm = model('lstm', 2, { kind: 'embedding', size: 5 });
    const before = memory().numTensors;
    exportOnnx(lm);
    expect(memory().numTensors).toBe(before);
  });
});
