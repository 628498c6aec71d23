import { describe, expect, it } from 'vitest';
import {
  loadMobyDick,
  loadMobyDickChapters,
  mobyDickBaselines,
  mobyDickSplit,
} from './moby-dick.js';

describe('Moby Dick', () => {
  it('is the package’s full text: 1,190,317 characters, 83 distinct, from Loomings to the end', () => {
    const text = loadMobyDick();
    expect(text.length).toBe(1_190_317);
    expect(new Set(text).size).toBe(83);
    expect(text.startsWith('CHAPTER 1. Loomings.\n\nCall me Ishmael.')).toBe(true);
    expect(text.trimEnd().endsWith('rolled on as it rolled five thousand years ago.')).toBe(true);
  });

  it('splits 90 % / 10 %, contiguous', () => {
    const { train, validation } = mobyDickSplit();
    expect(train.length).toBe(Math.floor(1_190_317 * 0.9));
    expect(train + validation).toBe(loadMobyDick());
  });

  it('reproduces the baselines of references.md (uniform 4.42, unigram 3.12, bigram 2.46, trigram 2.01 nats/char)', () => {
    // The references quote two decimals (±0.005). With add-k smoothing the unigram and bigram
    // barely depend on k; the trigram does (2.012 at k = 0.01, 2.014 at 0.1, 2.054 at 1), so
    // 0.02 nats covers rounding and any k ≤ 0.3, and still fails for a wrong split or corpus
    // (the unwrapped chapter text gives 3.07 / 2.41).
    const b = mobyDickBaselines();
    expect(b.vocabSize).toBe(83);
    expect(b.uniform).toBeCloseTo(Math.log(83), 12);
    expect(Math.abs(b.unigram - 3.12)).toBeLessThan(0.02);
    expect(Math.abs(b.bigram - 2.46)).toBeLessThan(0.02);
    expect(Math.abs(b.trigram - 2.01)).toBeLessThan(0.02);
    expect(mobyDickBaselines({ k: 1 }).trigram).toBeGreaterThan(b.trigram + 0.02);
  });

  it('gives the 139 parts through the package API', () => {
    const chapters = loadMobyDickChapters();
    expect(chapters).toHaveLength(139);
    expect(chapters[3]!.chapter).toBe('1');
    expect(chapters[3]!.text.startsWith('Call me Ishmael.')).toBe(true);
    expect(chapters.at(-1)!.chapter).toBe('Epilogue');
  });
});
