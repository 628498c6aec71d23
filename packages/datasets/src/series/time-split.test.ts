import { describe, expect, it } from 'vitest';
import { timeSeries } from './time-series.js';
import { splitSeries } from './time-split.js';
import { slidingWindows } from './windows.js';

describe('splitSeries', () => {
  it('cuts by time, contiguous; windows cut from a part never reach into the next', () => {
    const series = timeSeries(Array.from({ length: 100 }, (_, t) => t));
    const { train, validation, test } = splitSeries(series, { train: 0.7, validation: 0.15 });
    expect([train.steps, validation.steps, test.steps]).toEqual([70, 15, 15]);
    expect([train.values[69], validation.values[0], test.values[0]]).toEqual([69, 70, 85]);
    const w = slidingWindows(train, { inputSteps: 5, horizon: 3 });
    // Every target a training window sees comes from before the validation part.
    expect(Math.max(...w.targets)).toBe(69);
    const v = slidingWindows(validation, { inputSteps: 5, horizon: 3 });
    expect(Math.min(...v.inputs)).toBe(70);
    expect(Math.max(...v.targets)).toBe(84);
  });
});
