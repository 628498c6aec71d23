import { RecurError } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { rateOf, summarize } from './stats.js';

describe('summarize', () => {
  it('gives the middle value of an odd count and the mean of the two middles of an even count', () => {
    expect(summarize([5, 1, 3]).median).toBe(3);
    expect(summarize([4, 1, 3, 2]).median).toBe(2.5);
  });

  it('gives min, max, mean and the sample standard deviation', () => {
    const s = summarize([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(s).toMatchObject({ n: 8, min: 2, max: 9, mean: 5 });
    expect(s.stdev).toBeCloseTo(Math.sqrt(32 / 7), 12);
    expect(summarize([3]).stdev).toBe(0);
  });

  it('does not reorder its input', () => {
    const samples = [3, 1, 2];
    summarize(samples);
    expect(samples).toEqual([3, 1, 2]);
  });

  it('rejects empty and non-finite samples, naming the position', () => {
    expect(() => summarize([])).toThrow(RecurError);
    expect(() => summarize([1, Number.NaN])).toThrow(/samples\[1\] is NaN/);
  });
});

describe('rateOf', () => {
  it('turns seconds per call into work per second, the slowest sample giving the lowest rate', () => {
    const rate = rateOf(100, summarize([1, 2, 4]));
    expect(rate).toEqual({ median: 50, min: 25, max: 100 });
  });
});
