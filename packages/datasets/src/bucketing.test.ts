import { describe, expect, it } from 'vitest';
import { batchIndices, bucketByLength, paddingFraction } from './bucketing.js';
import { SeededRng } from './random.js';

const sorted = (batches: number[][]) => batches.flat().sort((a, b) => a - b);

describe('batchIndices', () => {
  it('cuts 0..n-1 into batches, in order or seeded-shuffled, with dropLast', () => {
    expect(batchIndices(5, { batchSize: 2 })).toEqual([[0, 1], [2, 3], [4]]);
    expect(batchIndices(5, { batchSize: 2, dropLast: true })).toEqual([
      [0, 1],
      [2, 3],
    ]);
    const shuffled = batchIndices(10, { batchSize: 3, shuffle: true, seed: 5 });
    expect(sorted(shuffled)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(batchIndices(10, { batchSize: 3, shuffle: true, seed: 5 })).toEqual(shuffled);
    expect(shuffled.flat()).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(() => batchIndices(3, { batchSize: 0 })).toThrow(/batchSize/);
  });
});

describe('bucketByLength', () => {
  const rng = new SeededRng(11);
  const lengths = Array.from({ length: 400 }, () => 1 + Math.floor(rng.next() * 100));

  it('uses every index once and pads far less than random batches', () => {
    const buckets = bucketByLength(lengths, { batchSize: 16, seed: 1 });
    expect(sorted(buckets)).toEqual(lengths.map((_, i) => i));
    const random = batchIndices(lengths.length, { batchSize: 16, shuffle: true, seed: 1 });
    const bucketed = paddingFraction(lengths, buckets);
    const plain = paddingFraction(lengths, random);
    // Random batches of 16 pad to E[max] ≈ 95 for a mean of ≈ 50: ≈ 47 % padding. Sorted ones
    // span ~4 neighbouring lengths (4 sequences per length): ≈ 2 / 50 ≈ 4 %.
    expect(plain).toBeGreaterThan(0.4);
    expect(bucketed).toBeLessThan(0.06);
  });

  it('with boundaries keeps every batch inside one bucket', () => {
    const bounds = [20, 50, 80];
    const bucketOf = (len: number) => {
      const k = bounds.findIndex((b) => len < b);
      return k < 0 ? bounds.length : k;
    };
    const batches = bucketByLength(lengths, { batchSize: 8, boundaries: bounds, seed: 2 });
    expect(sorted(batches)).toEqual(lengths.map((_, i) => i));
    for (const batch of batches) {
      expect(new Set(batch.map((i) => bucketOf(lengths[i]!))).size).toBe(1);
    }
    expect(() => bucketByLength(lengths, { batchSize: 8, boundaries: [5, 5] })).toThrow(/increase/);
  });

  it('is reproducible from its seed and varies with it', () => {
    const a = bucketByLength(lengths, { batchSize: 16, seed: 3 });
    expect(bucketByLength(lengths, { batchSize: 16, seed: 3 })).toEqual(a);
    expect(bucketByLength(lengths, { batchSize: 16, seed: 4 })).not.toEqual(a);
  });
});
