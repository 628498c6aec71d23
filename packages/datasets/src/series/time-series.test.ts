import { describe, expect, it } from 'vitest';
import { selectColumns, timeSeries } from './time-series.js';

describe('timeSeries', () => {
  it('takes a flat array (univariate or step-major with features) or one array per step', () => {
    expect(timeSeries([1, 2, 3])).toMatchObject({ steps: 3, features: 1, columns: ['x0'] });
    const flat = timeSeries(new Float32Array([1, 2, 3, 4]), { features: 2, columns: ['a', 'b'] });
    const rows = timeSeries(
      [
        [1, 2],
        [3, 4],
      ],
      { columns: ['a', 'b'] },
    );
    expect(rows).toEqual(flat);
    expect(Array.from(selectColumns(rows, ['b']).values)).toEqual([2, 4]);
  });

  it('names the step and feature of a value that is not a finite number', () => {
    expect(() =>
      timeSeries([
        [1, 2],
        [3, Number.NaN],
      ]),
    ).toThrow('timeSeries: step 1, feature 1 is NaN; expected a finite number');
    expect(() => timeSeries([[1, 2], [3]])).toThrow(/step 1 has 1 values; expected 2/);
    expect(() => timeSeries([1, 2, 3], { features: 2 })).toThrow(/do not divide/);
    expect(() => timeSeries([])).toThrow(/no steps/);
    expect(() => timeSeries([1, 2], { columns: ['a', 'b'] })).toThrow(/1 distinct names/);
  });
});
