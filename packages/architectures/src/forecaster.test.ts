import { gradcheck, type Variable } from '@recur/autograd';
import { memory, Rng, randomNormal, type Tensor, tensor, tidy } from '@recur/tensor';
import { Adam } from '@recur/train';
import { describe, expect, it } from 'vitest';
import { checkWeightsForConfig } from './check-weights.js';
import { Forecaster, type ForecastMode } from './forecaster.js';
import { Dense } from './layers.js';
import { disposeModel, loadModel, saveModel } from './model-io.js';
import { trainStep } from './testing/fit.js';

/** `x` `[B, T, F]` with `extra` `[B, S, F]` appended along time. */
function appendSteps(x: Tensor, extra: Float32Array, steps: number): Tensor {
  const [B, T, F] = x.shape as [number, number, number];
  const a = x.data();
  const out = new Float32Array(B * (T + steps) * F);
  for (let b = 0; b < B; b++) {
    out.set(a.subarray(b * T * F, (b + 1) * T * F), b * (T + steps) * F);
    out.set(extra.subarray(b * steps * F, (b + 1) * steps * F), (b * (T + steps) + T) * F);
  }
  return tensor(out, [B, T + steps, F]);
}

/** Steps `from … from + n − 1` of `[B, S, K]` values. */
function stepsOf(v: Float32Array, B: number, S: number, K: number, from: number, n: number) {
  const out = new Float32Array(B * n * K);
  for (let b = 0; b < B; b++)
    out.set(v.subarray((b * S + from) * K, (b * S + from + n) * K), b * n * K);
  return out;
}

function expectClose(a: Float32Array, b: Float32Array, digits = 5): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i]!, digits);
}

describe('Forecaster', () => {
  it('predicts [B, H, K] (last, feedback) or [B, T, K] (every-step), K = the target features', () => {
    const x = randomNormal([2, 5, 3], { seed: 1 });
    const shapes: [ForecastMode, number, number[], number][] = [
      ['last', 4, [2], 2 * 4 * 1],
      ['feedback', 3, [0, 1, 2], 2 * 3 * 3],
      ['every-step', 1, [1, 0], 2 * 5 * 2],
    ];
    for (const [mode, horizon, targetFeatures, size] of shapes) {
      const model = new Forecaster({
        inputSize: 3,
        hiddenSize: 4,
        mode,
        horizon,
        targetFeatures,
        seed: 1,
      });
      expect(model.predict(x).length, mode).toBe(size);
      expect(model.config).toMatchObject({
        architecture: 'Forecaster',
        mode,
        horizon,
        targetFeatures,
      });
    }
    x.dispose();
  });

  for (const differenced of [false, true]) {
    for (const [mode, horizon] of [
      ['every-step', 1],
      ['feedback', 2],
      ['last', 2],
    ] as [ForecastMode, number][]) {
      it(`${mode}${differenced ? ', differenced' : ''}: forecast feeds predictions back exactly as if they had been observed`, () => {
        const model = new Forecaster({
          inputSize: 2,
          hiddenSize: 5,
          numLayers: 2,
          mode,
          horizon,
          differenced,
          cell: 'gru',
          seed: 3,
        });
        const B = 2;
        const x = randomNormal([B, 4, 2], { seed: 2 });
        const steps = 5;
        const rolled = model.forecast(x, steps);
        expect(rolled.length).toBe(B * steps * 2);
        // Re-reading the window plus the first k forecasts from a zero state must give forecast k.
        const chunk = mode === 'last' ? horizon : 1;
        for (let k = 0; k < steps; k += chunk) {
          const seen = k === 0 ? x : appendSteps(x, stepsOf(rolled, B, steps, 2, 0, k), k);
          const n = Math.min(chunk, steps - k);
          const fresh = mode === 'every-step' ? model.predict(seen) : model.forecast(seen, n);
          const T = seen.shape[1]!;
          const next = mode === 'every-step' ? stepsOf(fresh, B, T, 2, T - 1, 1) : fresh;
          expectClose(stepsOf(rolled, B, steps, 2, k, n), next);
          if (seen !== x) seen.dispose();
        }
        if (mode !== 'every-step') expectClose(model.forecast(x, horizon), model.predict(x));
        x.dispose();
      });
    }
  }

  it('refuses unknown options, bad configs, inputs and targets, naming what it expected', () => {
    expect(() => new Forecaster({ inputSize: 2, hiddenSize: 3, horizn: 2 } as never)).toThrow(
      "Forecaster: unknown option 'horizn' (did you mean 'horizon'?)",
    );
    expect(
      () => new Forecaster({ inputSize: 2, hiddenSize: 3, mode: 'seq' as ForecastMode }),
    ).toThrow(/mode is "seq"; expected last, every-step, feedback/);
    expect(
      () => new Forecaster({ inputSize: 2, hiddenSize: 3, mode: 'every-step', horizon: 2 }),
    ).toThrow(/horizon must be 1/);
    expect(
      () => new Forecaster({ inputSize: 2, hiddenSize: 3, mode: 'feedback', targetFeatures: [1] }),
    ).toThrow(/targetFeatures must be every input feature in order \[0 … 1\]; got \[1\]/);
    expect(() => new Forecaster({ inputSize: 2, hiddenSize: 3, targetFeatures: [2] })).toThrow(
      /distinct feature indices in \[0, 2\)/,
    );
    expect(() => new Forecaster({ inputSize: 2, hiddenSize: 3, loss: 'huber' as 'mae' })).toThrow(
      /loss is "huber"/,
    );
    const model = new Forecaster({ inputSize: 2, hiddenSize: 3, horizon: 2, targetFeatures: [1] });
    const before = memory().numTensors;
    const x = tensor(new Float32Array(12), [2, 3, 2]);
    expect(() =>
      tidy(() => model.loss({ inputs: x, targets: tensor(new Float32Array(4), [2, 2]) })),
    ).toThrow(
      "Forecaster.loss: targets must be float32 [2,2,1] for mode 'last' (batch, horizon, targets); got float32 [2,2]",
    );
    expect(() => tidy(() => model.predict(tensor(new Float32Array(6), [2, 3])))).toThrow(
      /inputs must be float32 \[batch, steps, 2\], got float32 \[2,3\]/,
    );
    expect(() => model.forecast(x, 3)).toThrow(/3 steps need predictions fed back as inputs/);
    expect(() => model.forecast(x, 0)).toThrow(/steps must be a positive integer/);
    x.dispose();
    expect(memory().numTensors).toBe(before);
  });

  it('the feedback rollout passes gradcheck: gradients flow through the fed-back predictions', () => {
    const model = new Forecaster({
      inputSize: 2,
      hiddenSize: 3,
      mode: 'feedback',
      horizon: 3,
      differenced: true,
      cell: 'lstm',
      seed: 4,
    });
    const inputs = randomNormal([2, 3, 2], { seed: 5 });
    const targets = randomNormal([2, 3, 2], { seed: 6 });
    const { W, b } = { W: model.output.W.value, b: model.output.b.value };
    const original = model.output;
    try {
      const result = gradcheck(
        (w: Variable, bias: Variable) => {
          // The same head with its weights as gradcheck's inputs.
          const head = Object.assign(Object.create(Dense.prototype) as Dense, {
            inputSize: 3,
            outputSize: 2,
            W: w,
            b: bias,
          });
          (model as unknown as { output: Dense }).output = head;
          return model.loss({ inputs, targets }).loss;
        },
        [W, b],
        { eps: 1e-2, atol: 2e-3, rtol: 2e-2 },
      );
      expect(result.ok, JSON.stringify(result.worst)).toBe(true);
      expect(result.checked).toBe(8);
    } finally {
      (model as unknown as { output: Dense }).output = original;
      inputs.dispose();
      targets.dispose();
    }
  });

  it('trains (MSE and MAE) with live tensors flat across steps and forecasts', () => {
    for (const loss of ['mse', 'mae'] as const) {
      const model = new Forecaster({
        inputSize: 1,
        hiddenSize: 8,
        mode: 'feedback',
        horizon: 4,
        loss,
        seed: 1,
      });
      // A sine: the next 4 values follow from the last few.
      const wave = (s: number) =>
        Float32Array.from({ length: 12 }, (_, t) => Math.sin((s + t) * 0.5));
      const batch = () => {
        const xs = [0, 1, 2, 3, 4, 5, 6, 7].map(wave);
        return {
          inputs: tensor(
            Float32Array.from(xs.flatMap((w) => Array.from(w.subarray(0, 8)))),
            [8, 8, 1],
          ),
          targets: tensor(
            Float32Array.from(xs.flatMap((w) => Array.from(w.subarray(8)))),
            [8, 4, 1],
          ),
        };
      };
      const opt = new Adam(model.parameters(), { lr: 0.03 });
      const first = trainStep(model, opt, batch);
      let last = first;
      const before = memory().numTensors;
      for (let i = 0; i < 150; i++) last = trainStep(model, opt, batch);
      const x = tensor(wave(0).subarray(0, 8), [1, 8, 1]);
      model.forecast(x, 10);
      x.dispose();
      expect(memory().numTensors, loss).toBe(before);
      expect(last, loss).toBeLessThan(first / 10);
    }
  });
});

describe('Forecaster files and training randomness', () => {
  it('saves and loads like every model: same forecasts, config checked against the weights', () => {
    const model = new Forecaster({
      inputSize: 2,
      hiddenSize: 6,
      numLayers: 2,
      cell: 'gru',
      mode: 'feedback',
      horizon: 3,
      differenced: true,
      seed: 4,
    });
    const x = randomNormal([2, 5, 2], { seed: 2 });
    const before = memory().numTensors;
    const loaded = loadModel(saveModel(model)) as Forecaster;
    expect(loaded.config).toEqual(model.config);
    expect(loaded.forecast(x, 7)).toEqual(model.forecast(x, 7));
    disposeModel(loaded);
    expect(memory().numTensors).toBe(before);
    const weights = Object.entries(model.parameters()).map(([name, p]) => ({
      name,
      shape: p.shape,
      dtype: p.value.dtype,
    }));
    expect(() =>
      checkWeightsForConfig({ ...model.config, hiddenSize: 3000 }, weights, 'forecaster.recur'),
    ).toThrow(/forecaster\.recur/);
    disposeModel(model);
    x.dispose();
  });

  it('training with dropout between layers draws from the rng it is given, and needs one', () => {
    const model = new Forecaster({ inputSize: 1, hiddenSize: 4, numLayers: 2, dropout: 0.5 });
    const inputs = randomNormal([3, 4, 1], { seed: 1 });
    const targets = randomNormal([3, 1, 1], { seed: 2 });
    const before = memory().numTensors;
    expect(() => model.loss({ inputs, targets })).toThrow(/Forecaster: training with dropout/);
    expect(memory().numTensors).toBe(before);
    const lossWith = (seed: number) =>
      tidy(() =>
        model.loss({ inputs, targets }, undefined, { rng: new Rng(seed) }).loss.value.item(),
      );
    expect(lossWith(7)).toBe(lossWith(7));
    expect(lossWith(7)).not.toBe(lossWith(8));
    disposeModel(model);
    inputs.dispose();
    targets.dispose();
  });
});
