import {
  lastValueForecast,
  meanSquaredError,
  seasonalNaiveForecast,
  slidingWindows,
  timeSeries,
} from '@recur/datasets';
import { memory, RecurError, Rng } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { saveModel } from '../model-io.js';
import { TimeSeriesForecaster } from './time-series-forecaster.js';

/** Two seasons (12 and 5 steps), a slow trend and noise: 600 steps, seeded. */
function seasonal(steps = 600, seed = 1): number[] {
  const rng = new Rng(seed);
  return Array.from(
    { length: steps },
    (_, t) =>
      20 +
      0.01 * t +
      3 * Math.sin((2 * Math.PI * t) / 12) +
      Math.cos((2 * Math.PI * t) / 5) +
      rng.normal(0, 0.2),
  );
}

function bits(model: TimeSeriesForecaster): number[] {
  return Object.values(model.model.parameters()).flatMap((p) =>
    Array.from(new Uint32Array(Float32Array.from(p.value.data()).buffer)),
  );
}

describe('TimeSeriesForecaster', () => {
  it('three lines: forecasts 12 steps fed back, beating last value and seasonal naive on held-out windows', async () => {
    const series = seasonal();
    const model = new TimeSeriesForecaster({ seed: 1 });
    const report = await model.fit(series, {
      window: 24,
      horizon: 12,
      epochs: 30,
      validation: 0.2,
    });
    // The held-out 20 % (by time), windows of 24 → 12, forecast in the series' own units.
    const held = timeSeries(series.slice(480));
    const windows = slidingWindows(held, { inputSteps: 24, horizon: 12, stride: 3 });
    const N = windows.inputShape[0];
    const forecasts = new Float32Array(N * 12);
    for (let n = 0; n < N; n++) {
      const from = Array.from(windows.inputs.subarray(n * 24, (n + 1) * 24));
      forecasts.set(model.forecast(12, { from }) as number[], n * 12);
    }
    const mse = meanSquaredError(forecasts, windows.targets);
    const lastValue = meanSquaredError(lastValueForecast(windows), windows.targets);
    const seasonalNaive = meanSquaredError(seasonalNaiveForecast(windows, 12), windows.targets);
    console.log(
      `TimeSeriesForecaster: held-out MSE ${mse.toFixed(3)} vs last value ${lastValue.toFixed(3)}, seasonal naive (12) ${seasonalNaive.toFixed(3)}; ${report.steps} updates, ${report.seconds.toFixed(1)} s`,
    );
    expect(mse).toBeLessThan(0.25 * lastValue);
    expect(mse).toBeLessThan(seasonalNaive);
    // Beyond the trained horizon: 36 steps from the end of the series, in its units.
    const ahead = model.forecast(36) as number[];
    expect(ahead).toHaveLength(36);
    expect(ahead.every((v) => v > 15 && v < 35)).toBe(true);
    model.dispose();
  }, 240_000);

  it('is deterministic for a seed, and keeps the Standardizer inside the file', async () => {
    const series = seasonal(200).map((v, t) => [v, Math.sin(t / 3) * 100]); // two features
    const run = async () => {
      const m = new TimeSeriesForecaster({ window: 10, horizon: 3, hiddenSize: 8, seed: 4 });
      await m.fit(series, { steps: 5, batchSize: 8 });
      return m;
    };
    const [a, b] = [await run(), await run()];
    expect(bits(a)).toEqual(bits(b));
    const loaded = TimeSeriesForecaster.load(a.save());
    expect(loaded.standardizer.toJSON()).toEqual(a.standardizer.toJSON());
    expect(loaded.standardizer.mean[1]).toBeCloseTo(series.reduce((s, r) => s + r[1]!, 0) / 200, 3);
    expect(loaded.forecast(7)).toEqual(a.forecast(7));
    expect((loaded.forecast(7) as number[][])[0]).toHaveLength(2);
    expect(loaded.summary()).toBe(a.summary());
    for (const m of [a, b, loaded]) m.dispose();
  });

  it('refuses hostile files with FORMAT and leaves no tensor behind', async () => {
    const m = new TimeSeriesForecaster({ window: 6, horizon: 2, hiddenSize: 4 });
    await m.fit(seasonal(60), { steps: 1 });
    const before = memory().numTensors;
    const good = {
      kind: 'TimeSeriesForecaster',
      version: 1,
      settings: m.settings,
      standardizer: m.standardizer.toJSON(),
      history: Array(6).fill(1),
    };
    const load = (start: unknown) => () => TimeSeriesForecaster.load(saveModel(m.model, { start }));
    const cases: [unknown, RegExp][] = [
      [{ ...good, history: [...good.history, 1] }, /history must hold the last 6 steps/],
      [{ ...good, history: [1, 2, 3, 4, 5, 'x'] }, /finite number/],
      [{ ...good, standardizer: { ...good.standardizer, std: [0] } }, /std/],
      [{ ...good, settings: { ...good.settings, horizon: 3 } }, /horizon is 2/],
      [{ ...good, settings: { ...good.settings, window: -1 } }, /window/],
      [
        {
          ...good,
          standardizer: { ...good.standardizer, columns: ['a', 'b'], mean: [0, 0], std: [1, 1] },
        },
        /inputSize is 1/,
      ],
    ];
    for (const [start, message] of cases) {
      let error: unknown;
      try {
        load(start)();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(RecurError);
      expect([(error as RecurError).code, (error as RecurError).message]).toEqual([
        'FORMAT',
        expect.stringMatching(message),
      ]);
    }
    const ok = TimeSeriesForecaster.load(saveModel(m.model, { start: good }));
    expect(ok.forecast(2)).toHaveLength(2);
    ok.dispose();
    expect(memory().numTensors).toBe(before);
    m.dispose();
  });

  it('leaves the live tensor count flat after fit, forecast and dispose; names bad input', async () => {
    const before = memory().numTensors;
    const m = new TimeSeriesForecaster({ window: 6, horizon: 2, hiddenSize: 4 });
    await m.fit(seasonal(80), { steps: 3, validation: 0.25 });
    m.forecast(5);
    TimeSeriesForecaster.load(m.save()).dispose();
    await expect(m.fit(seasonal(80), { window: 7 })).rejects.toThrow(/built for window 6/);
    await expect(m.fit([1, 2, Number.NaN])).rejects.toThrow(/finite number/);
    expect(() => m.forecast(3, { from: [1, 2] })).toThrow(/at least 6 steps/);
    m.dispose();
    expect(memory().numTensors).toBe(before);
  });
});
