import { describe, expect, it } from 'vitest';
import {
  fitAutoregression,
  lastValueForecast,
  meanSquaredError,
  seasonalNaiveForecast,
} from '../series/baselines.js';
import { Standardizer } from '../series/standardizer.js';
import { slidingWindows } from '../series/windows.js';
import { loadSensorNetwork, sensorNetworkSeries, sensorNetworkSplit } from './sensor-network.js';

describe('single-hop sensor network', () => {
  it('is the package’s data.csv: 18,914 readings of 4 motes, 6 columns', () => {
    const table = loadSensorNetwork();
    expect(table.steps).toBe(18_914);
    expect(table.columns).toEqual([
      'reading',
      'mote_id',
      'indoor',
      'humidity',
      'temperature',
      'label',
    ]);
    expect(Array.from(table.values.subarray(0, 6))).toEqual(
      [1, 1, 1, 45.93, 27.97, 0].map(Math.fround),
    );
    const counts = [0, 0, 0, 0];
    let events = 0;
    for (let t = 0; t < table.steps; t++) {
      counts[table.values[t * 6 + 1]! - 1]! += 1;
      events += table.values[t * 6 + 5]!;
    }
    expect(counts).toEqual([4417, 4417, 5039, 5041]);
    expect(events).toBe(117 + 32);
  });

  it('gives one mote in time order, split 70 / 15 / 15 by time', () => {
    const mote3 = sensorNetworkSeries();
    expect(mote3.steps).toBe(5039);
    expect(mote3.columns).toEqual(['humidity', 'temperature']);
    expect(Array.from(mote3.values.subarray(0, 2))).toEqual([35.3, 33.25].map(Math.fround));
    const { train, validation, test } = sensorNetworkSplit();
    expect([train.steps, validation.steps, test.steps]).toEqual([3527, 755, 757]);
    expect(Array.from(validation.values.subarray(0, 2))).toEqual(
      Array.from(mote3.values.subarray(3527 * 2, 3528 * 2)),
    );
    expect(sensorNetworkSeries({ mote: 1, columns: ['temperature'] }).steps).toBe(4417);
    expect(() => sensorNetworkSeries({ mote: 5 })).toThrow(/mote must be 1, 2, 3 or 4/);
  });

  it('baselines on mote 3, 24 steps (2 min) → the next 12 (1 min), z-scores of the training part', () => {
    // Readings every 5 s of slowly drifting weather: persistence is hard to beat. These are the
    // numbers the Forecaster test in @recur/architectures compares against.
    const { train, validation, test } = sensorNetworkSplit();
    const z = Standardizer.fit(train);
    const cut = (part: typeof train) =>
      slidingWindows(z.transform(part), { inputSteps: 24, horizon: 12 });
    const [tw, vw, sw] = [cut(train), cut(validation), cut(test)];
    expect(vw.inputShape).toEqual([720, 24, 2]);
    const ar = fitAutoregression(tw);
    const dar = fitAutoregression(tw, { differenced: true, lags: 2 });
    const mse = (w: typeof vw, p: Float32Array) => meanSquaredError(p, w.targets);
    expect(mse(vw, lastValueForecast(vw))).toBeCloseTo(5.18e-4, 5);
    expect(mse(vw, dar.predict(vw))).toBeCloseTo(5.13e-4, 5);
    expect(mse(vw, ar.predict(vw))).toBeCloseTo(1.53e-3, 4);
    expect(mse(vw, seasonalNaiveForecast(vw, 12))).toBeCloseTo(9.99e-4, 5);
    expect(mse(sw, lastValueForecast(sw))).toBeCloseTo(3.31e-4, 5);
    expect(mse(sw, dar.predict(sw))).toBeCloseTo(3.55e-4, 5);
  });
});
