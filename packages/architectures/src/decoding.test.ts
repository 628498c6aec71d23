import { RecurError, Rng } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import {
  chooseToken,
  greedy,
  logSoftmaxOf,
  sampleToken,
  samplingDistribution,
} from './decoding.js';

const logits = Float32Array.from([2, 1, 0.5, -1, Number.NEGATIVE_INFINITY]);

function softmax(xs: number[]): number[] {
  const m = Math.max(...xs);
  const e = xs.map((x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
}

describe('greedy', () => {
  it('returns the argmax, the first on ties', () => {
    expect(greedy(logits)).toBe(0);
    expect(greedy([1, 3, 3])).toBe(1);
  });
  it('rejects NaN and all -Infinity', () => {
    expect(() => greedy([0, Number.NaN])).toThrow(RecurError);
    expect(() => greedy([Number.NEGATIVE_INFINITY])).toThrow(/every logit/);
    expect(() => greedy([])).toThrow(/empty/);
  });
});

describe('samplingDistribution', () => {
  it('is the softmax at temperature 1 and excludes -Infinity', () => {
    const p = samplingDistribution(logits);
    const expected = softmax([2, 1, 0.5, -1]);
    for (let i = 0; i < 4; i++) expect(p[i]).toBeCloseTo(expected[i]!, 12);
    expect(p[4]).toBe(0);
  });
  it('applies temperature before normalising', () => {
    const p = samplingDistribution(logits, { temperature: 0.5 });
    const expected = softmax([4, 2, 1, -2]);
    for (let i = 0; i < 4; i++) expect(p[i]).toBeCloseTo(expected[i]!, 12);
    expect([...samplingDistribution(logits, { temperature: 0 })]).toEqual([1, 0, 0, 0, 0]);
  });
  it('keeps the top k and renormalises', () => {
    const p = samplingDistribution(logits, { topK: 2 });
    const expected = softmax([2, 1]);
    expect(p[0]).toBeCloseTo(expected[0]!, 12);
    expect(p[1]).toBeCloseTo(expected[1]!, 12);
    expect(p[2]).toBe(0);
    expect(p[3]).toBe(0);
  });
  it('keeps the smallest nucleus reaching top p', () => {
    const full = softmax([2, 1, 0.5, -1]); // ≈ 0.61, 0.22, 0.14, 0.03
    const p = samplingDistribution(logits, { topP: 0.8 });
    expect(p[0]).toBeCloseTo(full[0]! / (full[0]! + full[1]!), 12);
    expect(p[2]).toBe(0);
    expect(samplingDistribution(logits, { topP: 0.5 })[0]).toBe(1);
  });
  it('rejects bad options', () => {
    expect(() => samplingDistribution(logits, { temperature: -1 })).toThrow(/temperature/);
    expect(() => samplingDistribution(logits, { topK: 0 })).toThrow(/topK/);
    expect(() => samplingDistribution(logits, { topP: 0 })).toThrow(/topP/);
  });
});

describe('sampleToken', () => {
  it('draws with the right frequencies and is reproducible with a seed', () => {
    const rng = new Rng(7);
    const counts = [0, 0, 0, 0, 0];
    const n = 20000;
    for (let i = 0; i < n; i++) counts[sampleToken(logits, { topK: 3 }, rng)]! += 1;
    const p = samplingDistribution(logits, { topK: 3 });
    for (let i = 0; i < 5; i++) expect(Math.abs(counts[i]! / n - p[i]!)).toBeLessThan(0.015);
    expect(counts[3]).toBe(0);
    const a = Array.from(
      { length: 20 },
      (
        (r) => () =>
          sampleToken(logits, {}, r)
      )(new Rng(3)),
    );
    const b = Array.from(
      { length: 20 },
      (
        (r) => () =>
          sampleToken(logits, {}, r)
      )(new Rng(3)),
    );
    expect(a).toEqual(b);
  });
  it('chooseToken dispatches and needs an rng to sample', () => {
    expect(chooseToken(logits, { kind: 'greedy' })).toBe(0);
    expect(() => chooseToken(logits, { kind: 'sample' })).toThrow(/rng/);
    expect(chooseToken(logits, { kind: 'sample', temperature: 0 }, new Rng(1))).toBe(0);
  });
});

describe('logSoftmaxOf', () => {
  it('exponentiates to a distribution', () => {
    const lp = logSoftmaxOf([1000, 1001, 999]);
    const total = [...lp].reduce((a, b) => a + Math.exp(b), 0);
    expect(total).toBeCloseTo(1, 6);
    expect(lp[1]).toBeGreaterThan(lp[0]!);
  });
});
