import { disposeModel, Forecaster, type ForecastMode } from '@recur/architectures';
import { memory, Rng, tensor, tidy } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { exportOnnx } from './index.js';
import {
  carriedStates,
  float32,
  maxDifference,
  openSession,
  randomizeWeights,
  zeroStates,
} from './test-support/onnx-runtime.js';

const H = 6;
const TOLERANCE = 1e-5;
const B = 2;
const T = 7;

type Case = {
  cell: 'rnn' | 'irnn' | 'lstm' | 'gru';
  mode: ForecastMode;
  differenced: boolean;
  horizon: number;
  numLayers: number;
  inputSize: number;
  targetFeatures?: number[];
};

const cases: Case[] = (['rnn', 'irnn', 'lstm', 'gru'] as const).flatMap((cell) => [
  { cell, mode: 'last', differenced: false, horizon: 3, numLayers: 1, inputSize: 2 },
  { cell, mode: 'feedback', differenced: true, horizon: 4, numLayers: 2, inputSize: 2 },
  { cell, mode: 'every-step', differenced: true, horizon: 1, numLayers: 1, inputSize: 3 },
]);
cases.push({
  cell: 'lstm',
  mode: 'last',
  differenced: true,
  horizon: 2,
  numLayers: 1,
  inputSize: 3,
  targetFeatures: [2, 0],
});

function window(F: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: B * T * F }, () => rng.next() * 2 - 1);
}

/** The window's step `t` of every row, `[B, 1, F]`. */
function stepOf(values: Float32Array, steps: number, F: number, t: number): Float32Array {
  const out = new Float32Array(B * F);
  for (let b = 0; b < B; b++)
    out.set(values.subarray((b * steps + t) * F, (b * steps + t + 1) * F), b * F);
  return out;
}

describe('exportOnnx(Forecaster)', () => {
  it.each(cases)(
    '$cell $mode differenced=$differenced ×$numLayers: ONNX Runtime forecasts what Forecaster.forecast does',
    async (c) => {
      const model = new Forecaster({ ...c, hiddenSize: H, seed: 5 });
      randomizeWeights(model.parameters(), 17, 0.5);
      const F = c.inputSize;
      const K = model.config.targetFeatures.length;
      const x = window(F, 3);
      const before = memory().numTensors;
      const session = await openSession(exportOnnx(model));
      const feeds = (values: Float32Array, steps: number, previous: Float32Array) => ({
        inputs: float32(values, [B, steps, F]),
        ...(c.differenced ? { previous: float32(previous, [B, 1, F]) } : {}),
      });

      if (c.mode === 'every-step') {
        const expected = tidy(() => model.predict(tensor(x, [B, T, F])));
        const out = await session.run({
          ...feeds(x, T, stepOf(x, T, F, 0)),
          ...zeroStates(c.numLayers, c.cell === 'lstm', B, H),
        });
        expect(out.predictions!.dims).toEqual([B, T, K]);
        expect(maxDifference(out.predictions!.data as Float32Array, expected)).toBeLessThan(
          TOLERANCE,
        );
      }

      // Multi-step: as far as the model can go (feeding back needs every feature as a target).
      const chunk = c.mode === 'last' ? c.horizon : 1;
      const steps = model.canFeedBack ? chunk * 3 + (chunk > 1 ? 1 : 0) : chunk;
      const expected = tidy(() => model.forecast(tensor(x, [B, T, F]), steps));
      let out = await session.run({
        ...feeds(x, T, stepOf(x, T, F, 0)),
        ...zeroStates(c.numLayers, c.cell === 'lstm', B, H),
      });
      const pieces: Float32Array[] = [];
      let last = stepOf(x, T, F, T - 1);
      for (let done = 0; ; done += chunk) {
        // every-step predicts after each step read; the last one is the next value.
        const [, got, k] = out.predictions!.dims as number[];
        expect(k).toBe(K);
        const data = out.predictions!.data as Float32Array;
        if (c.mode !== 'every-step') expect(got).toBe(chunk);
        const y = c.mode === 'every-step' ? stepOf(data, got!, K, got! - 1) : data;
        pieces.push(y);
        if (done + chunk >= steps) break;
        const next = await session.run({ ...feeds(y, chunk, last), ...carriedStates(out) });
        last = stepOf(y, chunk, F, chunk - 1);
        out = next;
      }
      // [B, chunk, K] pieces → [B, steps, K]
      const got = new Float32Array(B * steps * K);
      for (let b = 0; b < B; b++) {
        for (let s = 0; s < steps; s++) {
          const piece = pieces[Math.floor(s / chunk)]!;
          const from = (b * chunk + (s % chunk)) * K;
          got.set(piece.subarray(from, from + K), (b * steps + s) * K);
        }
      }
      expect(maxDifference(got, expected)).toBeLessThan(TOLERANCE);
      expect(memory().numTensors).toBe(before);
      disposeModel(model);
    },
  );

  it('names the previous input only for differenced models', async () => {
    const plain = new Forecaster({ inputSize: 2, hiddenSize: 4, seed: 1 });
    const session = await openSession(exportOnnx(plain));
    expect(session.inputNames).toEqual(['inputs', 'initial_h_0', 'initial_c_0']);
    expect(session.outputNames).toEqual(['predictions', 'Y_h_0', 'Y_c_0']);
    disposeModel(plain);
  });
});
