import { describe, expect, it } from 'vitest';
import { charBaselines, ngramCrossEntropy } from './ngram.js';
import { SeededRng } from './random.js';

describe('ngramCrossEntropy', () => {
  it('equals the hand-computed add-k unigram value', () => {
    // counts: 0 → 3, 1 → 1; V = 2, k = 1: P(0) = 4/6, P(1) = 2/6.
    const train = Int32Array.of(0, 0, 0, 1);
    const evaluation = Int32Array.of(0, 1);
    const expected = -(Math.log(4 / 6) + Math.log(2 / 6)) / 2;
    expect(ngramCrossEntropy(train, evaluation, { order: 1, vocabSize: 2, k: 1 })).toBeCloseTo(
      expected,
      12,
    );
  });

  it('a bigram model learns a deterministic cycle; a unigram cannot', () => {
    const cycle = Int32Array.from({ length: 3000 }, (_, i) => i % 3);
    const uni = ngramCrossEntropy(cycle, cycle.subarray(0, 300), {
      order: 1,
      vocabSize: 3,
      k: 0.01,
    });
    const bi = ngramCrossEntropy(cycle, cycle.subarray(0, 300), {
      order: 2,
      vocabSize: 3,
      k: 0.01,
    });
    expect(uni).toBeCloseTo(Math.log(3), 3);
    expect(bi).toBeLessThan(0.001);
  });

  it('on random tokens every order is close to ln V (more smoothing, not less, at high order)', () => {
    const rng = new SeededRng(1);
    const tokens = Int32Array.from({ length: 20000 }, () => Math.floor(rng.next() * 4));
    const train = tokens.subarray(0, 18000);
    const test = tokens.subarray(18000);
    for (const order of [1, 2, 3]) {
      const h = ngramCrossEntropy(train, test, { order, vocabSize: 4, k: 1 });
      expect(h).toBeGreaterThan(Math.log(4) - 0.01);
      expect(h).toBeLessThan(Math.log(4) + 0.02);
    }
  });

  it('uses a sparse table when V^n is large, and agrees with a direct count', () => {
    const rng = new SeededRng(2);
    const V = 300; // 300³ = 27M > 2²⁴ entries: the Map-backed counter.
    const tokens = Int32Array.from({ length: 5000 }, () => Math.floor(rng.next() * 20));
    const evaluation = tokens.subarray(0, 500);
    const grams = new Map<string, number>();
    const contexts = new Map<string, number>();
    for (let i = 2; i < tokens.length; i++) {
      const c = `${tokens[i - 2]},${tokens[i - 1]}`;
      contexts.set(c, (contexts.get(c) ?? 0) + 1);
      grams.set(`${c},${tokens[i]}`, (grams.get(`${c},${tokens[i]}`) ?? 0) + 1);
    }
    let total = 0;
    for (let i = 2; i < evaluation.length; i++) {
      const c = `${evaluation[i - 2]},${evaluation[i - 1]}`;
      total -= Math.log(
        ((grams.get(`${c},${evaluation[i]}`) ?? 0) + 0.5) / ((contexts.get(c) ?? 0) + 0.5 * V),
      );
    }
    const expected = total / (evaluation.length - 2);
    expect(ngramCrossEntropy(tokens, evaluation, { order: 3, vocabSize: V, k: 0.5 })).toBeCloseTo(
      expected,
      10,
    );
  });

  it('rejects out-of-range ids and too-short evaluation', () => {
    expect(() =>
      ngramCrossEntropy(Int32Array.of(0, 5), Int32Array.of(0), { order: 1, vocabSize: 2 }),
    ).toThrow(/train\[1\] = 5 is outside \[0, 2\)/);
    expect(() =>
      ngramCrossEntropy(Int32Array.of(0, 1), Int32Array.of(0), { order: 2, vocabSize: 2 }),
    ).toThrow(/need at least 2/);
  });
});

describe('charBaselines', () => {
  it('orders uniform > unigram > bigram > trigram on English-like text', () => {
    const text = 'the cat sat on the mat and the dog sat on the log. '.repeat(40);
    const b = charBaselines(text.slice(0, 1800), text.slice(1800));
    expect(b.uniform).toBeCloseTo(Math.log(b.vocabSize), 12);
    expect(b.uniform).toBeGreaterThan(b.unigram);
    expect(b.unigram).toBeGreaterThan(b.bigram);
    expect(b.bigram).toBeGreaterThan(b.trigram);
  });
});
