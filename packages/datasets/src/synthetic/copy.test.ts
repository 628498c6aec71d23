import { describe, expect, it } from 'vitest';
import { copyTask, copyTaskBaseline } from './copy.js';

describe('copyTask', () => {
  it('shows S symbols, waits, sees the delimiter, and must then recall them in order', () => {
    const data = copyTask({ count: 50, delay: 15, symbols: 5, alphabet: 4, seed: 1 });
    const L = 15 + 10;
    expect(data.shape).toEqual([50, L]);
    expect(data.vocabSize).toBe(6);
    for (let n = 0; n < 50; n++) {
      const x = Array.from(data.inputs.subarray(n * L, (n + 1) * L));
      const y = Array.from(data.targets.subarray(n * L, (n + 1) * L));
      const shown = x.slice(0, 5);
      expect(shown.every((s) => s >= 1 && s <= 4)).toBe(true);
      expect(x.slice(5, 5 + 14).every((s) => s === 0)).toBe(true);
      expect(x[19]).toBe(5);
      expect(x.slice(20).every((s) => s === 0)).toBe(true);
      expect(y.slice(0, 20).every((s) => s === 0)).toBe(true);
      expect(y.slice(20)).toEqual(shown);
      expect(Array.from(data.recallMask.subarray(n * L, (n + 1) * L))).toEqual([
        ...Array(20).fill(0),
        ...Array(5).fill(1),
      ]);
    }
  });

  it('the memoryless baseline is S ln K / (T + 2S), and the empirical cost of that guess matches', () => {
    expect(copyTaskBaseline(100)).toBeCloseTo((10 * Math.log(8)) / 120, 12);
    const data = copyTask({ count: 200, delay: 30, seed: 2 });
    // Guess: blank with probability 1 before the recall, uniform over 1..8 during it.
    let loss = 0;
    for (let i = 0; i < data.targets.length; i++) {
      loss +=
        data.recallMask[i] === 1
          ? Math.log(8)
          : data.targets[i] === 0
            ? 0
            : Number.POSITIVE_INFINITY;
    }
    expect(loss / data.targets.length).toBeCloseTo(data.baseline, 12);
  });
});
