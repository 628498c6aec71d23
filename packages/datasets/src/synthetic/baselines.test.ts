import { describe, expect, it } from 'vitest';
import { additionProblems } from './addition.js';
import { positionalMajority } from './baselines.js';
import { dateTranslation } from './dates.js';

describe('positionalMajority', () => {
  it('computes the guess and both accuracies by hand on a tiny set', () => {
    const result = positionalMajority(['ab', 'ac', 'bc', 'ac']);
    expect(result.guess).toBe('ac');
    expect(result.charAccuracy).toBeCloseTo(6 / 8, 12);
    expect(result.sequenceAccuracy).toBe(0.5);
  });

  it('is a weak baseline on the seq2seq tasks (what a model must beat)', () => {
    const dates = dateTranslation({ count: 2000, seed: 1 }).map((p) => p.target);
    const dateBaseline = positionalMajority(dates.slice(0, 1000), dates.slice(1000));
    expect(dateBaseline.guess).toMatch(/^\d{4}-\d\d-\d\d$/);
    expect(dateBaseline.charAccuracy).toBeGreaterThan(0.4);
    expect(dateBaseline.charAccuracy).toBeLessThan(0.6);
    expect(dateBaseline.sequenceAccuracy).toBeLessThan(0.01);
    const sums = additionProblems({ count: 2000, digits: 3, seed: 1 }).map((e) => e.answer);
    const sumBaseline = positionalMajority(sums.slice(0, 1000), sums.slice(1000));
    expect(sumBaseline.charAccuracy).toBeLessThan(0.5);
    expect(() => positionalMajority([])).toThrow(/non-empty/);
  });
});
