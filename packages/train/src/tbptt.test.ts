import { describe, expect, it } from 'vitest';
import { checkTbptt, tbpttWindows } from './tbptt.js';

describe('tbpttWindows', () => {
  it('k2 = k1: consecutive chunks, each counting its own loss', () => {
    expect(tbpttWindows(10, 4)).toEqual([
      { start: 0, end: 4, lossStart: 0 },
      { start: 4, end: 8, lossStart: 4 },
      { start: 8, end: 10, lossStart: 8 },
    ]);
  });

  it('k2 > k1: overlapping windows back-propagating k2 steps, the loss on the k1 new ones', () => {
    expect(tbpttWindows(10, 4, 6)).toEqual([
      { start: 0, end: 4, lossStart: 0 },
      { start: 2, end: 8, lossStart: 4 },
      { start: 6, end: 10, lossStart: 8 },
    ]);
    expect(tbpttWindows(3, 5)).toEqual([{ start: 0, end: 3, lossStart: 0 }]);
  });

  it('rejects k2 < k1 and non-integers', () => {
    expect(() => checkTbptt(4, 2)).toThrow(/k2 must be an integer >= k1/);
    expect(() => checkTbptt(0, undefined)).toThrow(/k1/);
    expect(checkTbptt(3, undefined)).toBe(3);
  });
});
