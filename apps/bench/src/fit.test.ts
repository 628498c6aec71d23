import { describe, expect, it } from 'vitest';
import { fitPowerLaw } from './fit.js';

describe('fitPowerLaw', () => {
  it('recovers the exponent and coefficient of an exact power law', () => {
    const xs = [16, 32, 64, 128];
    const fit = fitPowerLaw(
      xs,
      xs.map((x) => 0.003 * x ** 1.7),
    );
    expect(fit.exponent).toBeCloseTo(1.7, 10);
    expect(fit.coefficient).toBeCloseTo(0.003, 12);
    expect(fit.r2).toBeCloseTo(1, 12);
    expect(fit.n).toBe(4);
  });

  it('gives the least-squares slope in log-log space for noisy data, with r² below 1', () => {
    // log2 y = 1, 2.2, 2.8, 4 against log2 x = 0..3: slope = 0.96 exactly by least squares.
    const fit = fitPowerLaw([1, 2, 4, 8], [2, 2 ** 2.2, 2 ** 2.8, 16]);
    expect(fit.exponent).toBeCloseTo(0.96, 10);
    expect(fit.r2).toBeLessThan(1);
    expect(fit.r2).toBeGreaterThan(0.9);
  });

  it('gives 0 for a flat cost', () => {
    expect(fitPowerLaw([1, 10, 100], [5, 5, 5]).exponent).toBe(0);
  });

  it('rejects too few points, mismatched lengths, non-positive values and a single size', () => {
    expect(() => fitPowerLaw([1], [1])).toThrow(/at least 2/);
    expect(() => fitPowerLaw([1, 2], [1])).toThrow(/equal lengths/);
    expect(() => fitPowerLaw([1, 0], [1, 1])).toThrow(/point 1 is \(0, 1\)/);
    expect(() => fitPowerLaw([3, 3], [1, 2])).toThrow(/all x are equal/);
  });
});
