import { describe, expect, it } from 'vitest';
import { TEMPORAL_ORDER_SYMBOLS, temporalOrder } from './temporal-order.js';

const X = TEMPORAL_ORDER_SYMBOLS.indexOf('X');
const Y = TEMPORAL_ORDER_SYMBOLS.indexOf('Y');

describe('temporalOrder', () => {
  it('matches experiment 6a: E … B, X/Y at 10–20 and 50–60, class from their order', () => {
    const data = temporalOrder({ count: 500, seed: 1 });
    const width = data.shape[1];
    expect(width).toBe(110);
    expect(data.numClasses).toBe(4);
    const classCounts = [0, 0, 0, 0];
    for (let n = 0; n < 500; n++) {
      const steps = data.lengths[n]!;
      expect(steps >= 100 && steps <= 110).toBe(true);
      const seq = Array.from(data.inputs.subarray(n * width, n * width + steps));
      expect(seq[0]).toBe(0);
      expect(seq[steps - 1]).toBe(1);
      const relevant = seq.flatMap((s, t) => (s === X || s === Y ? [t] : []));
      expect(relevant).toHaveLength(2);
      expect(relevant[0]! >= 10 && relevant[0]! <= 20).toBe(true);
      expect(relevant[1]! >= 50 && relevant[1]! <= 60).toBe(true);
      const label = (seq[relevant[0]!] === Y ? 2 : 0) + (seq[relevant[1]!] === Y ? 1 : 0);
      expect(data.labels[n]).toBe(label);
      classCounts[label]!++;
      expect(seq.slice(1, steps - 1).every((s) => s >= 2 && s <= Y)).toBe(true);
    }
    // Classes are uniform: chance accuracy is 1/4.
    for (const c of classCounts) expect(Math.abs(c / 500 - 0.25)).toBeLessThan(0.07);
  });

  it('with three relevant symbols has 8 classes, and scales its windows with the length', () => {
    const data = temporalOrder({ count: 200, length: 30, relevant: 3, seed: 2 });
    expect(data.numClasses).toBe(8);
    expect(data.shape).toEqual([200, 33]);
    for (let n = 0; n < 200; n++) {
      const seq = Array.from(data.inputs.subarray(n * 33, n * 33 + data.lengths[n]!));
      const relevant = seq.flatMap((s, t) => (s === X || s === Y ? [t] : []));
      expect(relevant).toHaveLength(3);
      const label = relevant.reduce((acc, t) => acc * 2 + (seq[t] === Y ? 1 : 0), 0);
      expect(data.labels[n]).toBe(label);
    }
    expect(() => temporalOrder({ count: 1, relevant: 4 as 2 })).toThrow(/relevant must be 2 or 3/);
  });
});
