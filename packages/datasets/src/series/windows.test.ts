import { describe, expect, it } from 'vitest';
import { timeSeries } from './time-series.js';
import { slidingWindows, windowBatch, windowBatches } from './windows.js';

// Feature a = t, feature b = 100 + t: every value says where it came from.
const series = timeSeries(
  Array.from({ length: 10 }, (_, t) => [t, 100 + t]),
  { columns: ['a', 'b'] },
);

describe('slidingWindows', () => {
  it('cuts [N, T, F] inputs and the H steps after each window as [N, H, K] targets', () => {
    const w = slidingWindows(series, {
      inputSteps: 3,
      horizon: 2,
      stride: 2,
      targetColumns: ['b'],
    });
    // Starts 0, 2, 4: the last window needs steps 4..8 (9 would also fit a start of 5, not on the stride).
    expect(Array.from(w.starts)).toEqual([0, 2, 4]);
    expect(w.inputShape).toEqual([3, 3, 2]);
    expect(w.targetShape).toEqual([3, 2, 1]);
    expect(Array.from(w.inputs.subarray(6, 12))).toEqual([2, 102, 3, 103, 4, 104]);
    expect(Array.from(w.targets)).toEqual([103, 104, 105, 106, 107, 108]);
    expect(w.targetColumns).toEqual(['b']);
  });

  it("'every-step' targets are the inputs shifted one step: [N, T, K]", () => {
    const w = slidingWindows(series, { inputSteps: 4, targets: 'every-step', inputColumns: ['a'] });
    expect(w.inputShape).toEqual([6, 4, 1]);
    expect(w.targetShape).toEqual([6, 4, 2]);
    expect(Array.from(w.targets.subarray(0, 8))).toEqual([1, 101, 2, 102, 3, 103, 4, 104]);
    expect(w.starts.at(-1)! + 4).toBe(9); // the last target is the last step
  });

  it('refuses a series too short for one window, and bad sizes', () => {
    expect(() => slidingWindows(series, { inputSteps: 8, horizon: 3 })).toThrow(
      /10 steps holds no window of 8 input steps and 3 target steps \(needs 11\)/,
    );
    expect(() => slidingWindows(series, { inputSteps: 0 })).toThrow(
      /inputSteps must be an integer ≥ 1/,
    );
    expect(() => slidingWindows(series, { inputSteps: 2, targetColumns: ['c'] })).toThrow(
      /not a column/,
    );
  });

  it('batches windows whole, in the order asked (or a seeded shuffle)', () => {
    const w = slidingWindows(series, { inputSteps: 2, horizon: 1 });
    const b = windowBatch(w, [3, 0]);
    expect(b.inputShape).toEqual([2, 2, 2]);
    expect(Array.from(b.inputs)).toEqual([3, 103, 4, 104, 0, 100, 1, 101]);
    expect(Array.from(b.targets)).toEqual([5, 105, 2, 102]);
    const firsts = [...windowBatches(w, { batchSize: 3, shuffle: true, seed: 1 })].map((x) =>
      Array.from(x.inputs.filter((_, i) => i % 4 === 0)),
    );
    expect(firsts.flat().sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(firsts.map((f) => f.length)).toEqual([3, 3, 2]);
    expect(() => windowBatch(w, [8])).toThrow(/index 8 is outside \[0, 8\)/);
  });
});
