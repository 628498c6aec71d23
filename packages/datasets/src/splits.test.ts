import { describe, expect, it } from 'vitest';
import { splitArray, splitIndices, splitSequence, splitSizes, splitText } from './splits.js';

describe('splits', () => {
  it('sizes: floors, the leftover to the last non-empty part', () => {
    expect(splitSizes(10, { train: 0.8, validation: 0.1 })).toEqual({
      train: 8,
      validation: 1,
      test: 1,
    });
    expect(splitSizes(11, { train: 0.9, validation: 0.1 })).toEqual({
      train: 9,
      validation: 2,
      test: 0,
    });
    expect(splitSizes(11, { train: 1 })).toEqual({ train: 11, validation: 0, test: 0 });
    expect(splitSizes(7, { train: 0.5, validation: 0.25, test: 0.25 })).toEqual({
      train: 3,
      validation: 1,
      test: 3,
    });
    expect(splitSizes(10, { train: 0.9, validation: 0.1 })).toEqual({
      train: 9,
      validation: 1,
      test: 0,
    });
    expect(() => splitSizes(10, { train: 0.8, validation: 0.3 })).toThrow(/sum to 1/);
    expect(() => splitSizes(10, { train: 0.5, validation: 0.1, test: 0.1 })).toThrow(/sum to 1/);
  });

  it('splitArray partitions the items, seeded; shuffle: false keeps order', () => {
    const items = Array.from({ length: 100 }, (_, i) => i);
    const split = splitArray(items, { train: 0.7, validation: 0.15 }, { seed: 9 });
    expect([split.train.length, split.validation.length, split.test.length]).toEqual([70, 15, 15]);
    expect([...split.train, ...split.validation, ...split.test].sort((a, b) => a - b)).toEqual(
      items,
    );
    expect(splitArray(items, { train: 0.7, validation: 0.15 }, { seed: 9 })).toEqual(split);
    expect(split.train).not.toEqual(items.slice(0, 70));
    expect(
      splitArray(items, { train: 0.7, validation: 0.15 }, { shuffle: false }).validation,
    ).toEqual(items.slice(70, 85));
    expect(splitIndices(10, { train: 0.5 }, { seed: 1 }).train).toHaveLength(5);
  });

  it('splitText is contiguous and never cuts a surrogate pair', () => {
    expect(splitText('abcdefghij', { train: 0.9, validation: 0.1 })).toEqual({
      train: 'abcdefghi',
      validation: 'j',
      test: '',
    });
    const text = 'ab😀';
    const { train, validation } = splitText(text, { train: 0.75, validation: 0.25 });
    expect(train + validation).toBe(text);
    expect(train).toBe('ab😀');
  });

  it('splitSequence returns views', () => {
    const ids = Int32Array.from({ length: 10 }, (_, i) => i);
    const split = splitSequence(ids, { train: 0.6, validation: 0.2 });
    expect(Array.from(split.validation)).toEqual([6, 7]);
    expect(split.train.buffer).toBe(ids.buffer);
  });
});
