import { describe, expect, it } from 'vitest';
import { padFeatureSequences, padSequences, seq2seqBatch } from './batching.js';

describe('padSequences', () => {
  it('pads at the end with a mask and lengths, batch-first', () => {
    const batch = padSequences([[5, 6, 7], [8], []], { padId: 0 });
    expect(batch.shape).toEqual([3, 3]);
    expect(Array.from(batch.ids)).toEqual([5, 6, 7, 8, 0, 0, 0, 0, 0]);
    expect(Array.from(batch.mask)).toEqual([1, 1, 1, 1, 0, 0, 0, 0, 0]);
    expect(Array.from(batch.lengths)).toEqual([3, 1, 0]);
  });

  it('pads at the start and truncates either end to a fixed length', () => {
    const left = padSequences(
      [
        [1, 2],
        [3, 4, 5, 6],
      ],
      { length: 3, side: 'start', padId: 9 },
    );
    expect(Array.from(left.ids)).toEqual([9, 1, 2, 3, 4, 5]);
    expect(Array.from(left.mask)).toEqual([0, 1, 1, 1, 1, 1]);
    const keepEnd = padSequences([[3, 4, 5, 6]], { length: 2, truncate: 'start' });
    expect(Array.from(keepEnd.ids)).toEqual([5, 6]);
    expect(Array.from(keepEnd.lengths)).toEqual([2]);
    expect(() => padSequences([[1]], { length: -1 })).toThrow(/length must be an integer/);
  });

  it('mask sums to the number of real tokens', () => {
    const sequences = [[1, 2, 3, 4], [1], [1, 2], [1, 2, 3]];
    const batch = padSequences(sequences);
    expect(batch.mask.reduce((s, m) => s + m, 0)).toBe(10);
  });
});

describe('padFeatureSequences', () => {
  it('pads [T_i, F] sequences into [B, T, F] with zeros', () => {
    const batch = padFeatureSequences([Float32Array.of(1, 2, 3, 4), Float32Array.of(5, 6)], 2);
    expect(batch.shape).toEqual([2, 2, 2]);
    expect(Array.from(batch.values)).toEqual([1, 2, 3, 4, 5, 6, 0, 0]);
    expect(Array.from(batch.mask)).toEqual([1, 1, 1, 0]);
    expect(() => padFeatureSequences([Float32Array.of(1, 2, 3)], 2)).toThrow(
      /not a multiple of features=2/,
    );
  });
});

describe('seq2seqBatch', () => {
  it('builds source, decoder input (BOS y) and decoder target (y EOS) with matching masks', () => {
    const batch = seq2seqBatch(
      [
        { source: [10, 11, 12], target: [20] },
        { source: [13], target: [21, 22] },
      ],
      { padId: 0, bosId: 1, eosId: 2, reverseSource: true },
    );
    expect(Array.from(batch.source.ids)).toEqual([12, 11, 10, 13, 0, 0]);
    expect(Array.from(batch.decoderInput.ids)).toEqual([1, 20, 0, 1, 21, 22]);
    expect(Array.from(batch.decoderTarget.ids)).toEqual([20, 2, 0, 21, 22, 2]);
    expect(Array.from(batch.decoderTarget.mask)).toEqual(Array.from(batch.decoderInput.mask));
  });
});
