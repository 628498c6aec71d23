import { describe, expect, it } from 'vitest';
import { DatasetError } from '../errors.js';
import { Standardizer } from './standardizer.js';
import { timeSeries } from './time-series.js';
import { splitSeries } from './time-split.js';

describe('Standardizer', () => {
  const series = timeSeries(
    Array.from({ length: 10 }, (_, t) => [t, 5]),
    { columns: ['rising', 'flat'] },
  );

  it('fits mean and population std on the training part only; a constant feature gets std 1', () => {
    const { train } = splitSeries(series, { train: 0.5, validation: 0.5 });
    const z = Standardizer.fit(train);
    expect(z.mean).toEqual([2, 5]);
    expect(z.std[0]).toBeCloseTo(Math.SQRT2, 12);
    expect(z.std[1]).toBe(1);
    const all = z.transform(series);
    expect(all.values[18]).toBeCloseTo((9 - 2) / Math.SQRT2, 5); // validation lies outside [-1.4, 1.4]
    expect(all.values[19]).toBe(0);
  });

  it('maps values of any subset of columns there and back', () => {
    const z = Standardizer.fit(series);
    const forecast = new Float32Array([0, 1, -1]);
    const back = z.inverseValues(forecast, ['rising']);
    expect(Array.from(back)).toEqual([4.5, 4.5 + z.std[0]!, 4.5 - z.std[0]!].map(Math.fround));
    const again = z.transformValues(back, [0]);
    for (const [i, v] of [0, 1, -1].entries()) expect(again[i]).toBeCloseTo(v, 6);
    expect(z.variance(['rising'])[0]).toBeCloseTo(8.25, 5);
    expect(() => z.transformValues([1, 2, 3], ['rising', 'flat'])).toThrow(/not whole rows of 2/);
  });

  it('round-trips through JSON exactly, and fromJSON checks every field', () => {
    const z = Standardizer.fit(series);
    const back = Standardizer.fromJSON(JSON.stringify(z));
    expect(back.toJSON()).toEqual(z.toJSON());
    expect(back.mean).toEqual(z.mean);
    const json = z.toJSON();
    for (const bad of [
      '{',
      { ...json, kind: 'minmax' },
      { ...json, version: 2 },
      { ...json, std: [1] },
      { ...json, std: [1, 0] },
      { ...json, mean: [1, null] },
      { ...json, columns: ['a', 'a'] },
      { ...json, columns: 'rising' },
    ]) {
      const attempt = () => Standardizer.fromJSON(bad);
      expect(attempt, JSON.stringify(bad)).toThrow(DatasetError);
      expect(attempt, JSON.stringify(bad)).toThrow(/^Standardizer\.fromJSON: /);
    }
    expect(() => z.transform(timeSeries([1, 2]))).toThrow(/fitted on \[rising, flat\]/);
  });
});
