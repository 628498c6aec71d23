import { describe, expect, it } from 'vitest';
import {
  fitAutoregression,
  lastValueForecast,
  meanAbsoluteError,
  meanSquaredError,
  seasonalNaiveForecast,
} from './baselines.js';
import { timeSeries } from './time-series.js';
import { slidingWindows } from './windows.js';

describe('forecasting baselines', () => {
  const series = timeSeries(
    Array.from({ length: 12 }, (_, t) => [t % 4, 10 * t]),
    { columns: ['season', 'trend'] },
  );
  const w = slidingWindows(series, {
    inputSteps: 4,
    horizon: 3,
    targetColumns: ['trend', 'season'],
  });

  it('last value repeats the last observed step; seasonal naive the last period', () => {
    expect(Array.from(lastValueForecast(w).subarray(0, 6))).toEqual([30, 3, 30, 3, 30, 3]);
    // Period 4: exactly right on a season of period 4.
    const seasonal = seasonalNaiveForecast(w, 4);
    const season = (x: Float32Array) => Array.from(x.filter((_, i) => i % 2 === 1));
    expect(season(seasonal)).toEqual(season(w.targets));
    expect(() => seasonalNaiveForecast(w, 5)).toThrow(/period 5 is longer than the 4-step windows/);
    const every = slidingWindows(series, { inputSteps: 4, targets: 'every-step' });
    expect(() => lastValueForecast(every)).toThrow(/targets: 'horizon'/);
  });

  it('least-squares autoregression recovers a linear AR(2) process exactly', () => {
    // y⟨t⟩ = 2 + sin(t/2) obeys y⟨t⟩ = 2cos(½)·y⟨t−1⟩ − y⟨t−2⟩ + c: linear in the last two steps.
    const y = Array.from({ length: 60 }, (_, t) => 2 + Math.sin(t / 2));
    const s = timeSeries(y);
    const train = slidingWindows(timeSeries(y.slice(0, 40)), { inputSteps: 5, horizon: 2 });
    const valid = slidingWindows(timeSeries(y.slice(40)), { inputSteps: 5, horizon: 2 });
    const ar = fitAutoregression(train, { lags: 2, ridge: 0 });
    expect(meanSquaredError(ar.predict(valid), valid.targets)).toBeLessThan(1e-8);
    expect(meanSquaredError(lastValueForecast(valid), valid.targets)).toBeGreaterThan(1e-3);
    expect(ar.weights.length).toBe(3 * 2);
    // The differenced model on a random walk with drift predicts the drift.
    const walk = slidingWindows(timeSeries(Array.from({ length: 30 }, (_, t) => 2 * t)), {
      inputSteps: 4,
      horizon: 3,
    });
    const d = fitAutoregression(walk, { differenced: true, lags: 1 });
    expect(meanSquaredError(d.predict(walk), walk.targets)).toBeLessThan(1e-6);
    expect(() => fitAutoregression(train, { lags: 6 })).toThrow(
      /lags 6 needs 6 steps; the windows have 5/,
    );
    expect(() => ar.predict(slidingWindows(s, { inputSteps: 4, horizon: 2 }))).toThrow(/fitted on/);
  });

  it('a singular system asks for a ridge; errors are compared value by value', () => {
    const flat = slidingWindows(timeSeries(new Array(20).fill(3)), { inputSteps: 3, horizon: 1 });
    expect(() => fitAutoregression(flat, { ridge: 0 })).toThrow(/singular/);
    expect(meanAbsoluteError([1, 2], [2, 4])).toBe(1.5);
    expect(meanSquaredError([1, 2], [2, 4])).toBe(2.5);
    expect(() => meanSquaredError([1], [1, 2])).toThrow(/same non-zero count/);
  });
});
