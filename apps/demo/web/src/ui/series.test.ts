import { describe, expect, it } from 'vitest';
import { flowColor, relativeLogNorms, superscript } from './heatmap.js';
import { flowRowsOf, movingAverage, smoothingWindow } from './series.js';
import { formatTick, niceTicks } from './svg.js';

describe('plot helpers', () => {
  it('niceTicks gives round values 1, 2 or 5 × 10ⁿ apart inside the range', () => {
    expect(niceTicks(0, 10, 5)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(niceTicks(2.37, 4.42, 5)).toEqual([2.5, 3, 3.5, 4]);
    expect(niceTicks(1, 150, 5)).toEqual([50, 100, 150]);
    expect(niceTicks(3, 3)).toEqual([3]);
  });

  it('formatTick keeps labels short', () => {
    expect(formatTick(0)).toBe('0');
    expect(formatTick(2.5)).toBe('2.5');
    expect(formatTick(1 / 3)).toBe('0.333');
    expect(formatTick(123456)).toBe('1e+5');
  });

  it('movingAverage averages the last `window` finite losses and passes NaN through', () => {
    const points: [number, number][] = [
      [1, 4],
      [2, 2],
      [3, Number.NaN],
      [4, 0],
    ];
    expect(movingAverage(points, 2)).toEqual([
      [1, 4],
      [2, 3],
      [3, Number.NaN],
      [4, 1],
    ]);
    expect(movingAverage(points, 1).map(([, y]) => y)).toEqual([4, 2, Number.NaN, 0]);
  });

  it('smoothingWindow grows with the run and stays within 1..25', () => {
    expect(smoothingWindow(6)).toBe(1);
    expect(smoothingWindow(150)).toBe(10);
    expect(smoothingWindow(100_000)).toBe(25);
  });

  it('flowRowsOf counts the measured steps 1, 1 + d, … and the last one', () => {
    expect(flowRowsOf({ trainingSteps: 8, diagnoseEvery: 1 })).toBe(8);
    expect(flowRowsOf({ trainingSteps: 150, diagnoseEvery: 4 })).toBe(39); // 1, 5, …, 149 and 150
    expect(flowRowsOf({ trainingSteps: 9, diagnoseEvery: 4 })).toBe(3); // 1, 5, 9
  });

  it('relativeLogNorms measures each step against the last, in decades', () => {
    expect(relativeLogNorms([1e-3, 1e-1, 1])).toEqual([-3, -1, 0]);
    expect(relativeLogNorms([100, 1])[0]).toBeCloseTo(2, 12);
  });

  it('flowColor: blue for vanishing (0 included), red for exploding, near-white at 1, black for NaN/+∞', () => {
    const rgb = (c: string) => c.match(/\d+/g)!.map(Number) as [number, number, number];
    const [r0, g0, b0] = rgb(flowColor(0));
    expect(Math.min(r0, g0, b0)).toBeGreaterThan(240);
    const [rv, , bv] = rgb(flowColor(-4));
    expect(bv).toBeGreaterThan(rv);
    const [re, , be] = rgb(flowColor(4));
    expect(re).toBeGreaterThan(be);
    expect(flowColor(-40)).toBe(flowColor(-4)); // saturates beyond the scale
    expect(flowColor(Number.NaN)).toBe('rgb(17,17,17)');
    expect(flowColor(Number.POSITIVE_INFINITY)).toBe('rgb(17,17,17)');
    expect(flowColor(Number.NEGATIVE_INFINITY)).toBe(flowColor(-4)); // a gradient of exactly 0
  });

  it('superscript writes exponents', () => {
    expect(superscript(-4)).toBe('⁻⁴');
    expect(superscript(10)).toBe('¹⁰');
  });
});
