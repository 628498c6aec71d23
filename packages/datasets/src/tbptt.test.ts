import { describe, expect, it } from 'vitest';
import { DatasetError } from './errors.js';
import { TbpttStream } from './tbptt.js';

const ids = Int32Array.from({ length: 103 }, (_, i) => i);

describe('TbpttStream', () => {
  it('cuts the sequence into B streams read in chunks of T; targets are the next tokens', () => {
    // N = 103, B = 4: L = ⌊102 / 4⌋ = 25 inputs per stream; T = 5: 5 batches.
    const stream = new TbpttStream(ids, { batchSize: 4, steps: 5 });
    expect(stream.streamLength).toBe(25);
    expect(stream.batchesPerEpoch).toBe(5);
    const first = stream.next();
    expect(first.shape).toEqual([4, 5]);
    expect(Array.from(first.inputs.subarray(0, 5))).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(first.inputs.subarray(5, 10))).toEqual([25, 26, 27, 28, 29]);
    expect(Array.from(first.targets.subarray(15, 20))).toEqual([76, 77, 78, 79, 80]);
    expect(first.resetState).toBe(true);
  });

  it('carries each row on from the previous batch, and covers every token once per epoch', () => {
    const stream = new TbpttStream(ids, { batchSize: 4, steps: 5 });
    const batches = [...stream.epochIterator()];
    expect(batches).toHaveLength(5);
    expect(batches.map((b) => b.resetState)).toEqual([true, false, false, false, false]);
    expect(batches.at(-1)!.lastInEpoch).toBe(true);
    for (let k = 1; k < batches.length; k++) {
      for (let b = 0; b < 4; b++) {
        // Row b of batch k starts right after where row b of batch k-1 ended.
        expect(batches[k]!.inputs[b * 5]).toBe(batches[k - 1]!.inputs[b * 5 + 4]! + 1);
      }
    }
    const seen = batches.flatMap((b) => Array.from(b.inputs)).sort((a, b) => a - b);
    expect(seen).toEqual(Array.from({ length: 100 }, (_, i) => i));
    for (const b of batches)
      for (let i = 0; i < b.inputs.length; i++) expect(b.targets[i]).toBe(b.inputs[i]! + 1);
  });

  it('moves to the next epoch and keeps a shorter remainder when asked', () => {
    const stream = new TbpttStream(ids, { batchSize: 4, steps: 7, remainder: 'keep' });
    const epoch = [...stream.epochIterator()];
    expect(epoch.map((b) => b.shape[1])).toEqual([7, 7, 7, 4]);
    const next = stream.next();
    expect(next.epoch).toBe(1);
    expect(next.resetState).toBe(true);
    expect(Array.from(next.inputs.subarray(0, 7))).toEqual(
      Array.from(epoch[0]!.inputs.subarray(0, 7)),
    );
  });

  it('draws a seeded offset per epoch and resumes exactly from a saved state', () => {
    const stream = new TbpttStream(ids, { batchSize: 2, steps: 10, randomOffset: true, seed: 3 });
    const starts = new Set<number>();
    for (let epoch = 0; epoch < 8; epoch++) {
      const batches = [...stream.epochIterator()];
      starts.add(batches[0]!.inputs[0]!);
      expect(batches[0]!.inputs[0]).toBeLessThan(10);
    }
    expect(starts.size).toBeGreaterThan(1);
    stream.next();
    const state = JSON.parse(JSON.stringify(stream.getState()));
    const expected = Array.from({ length: 12 }, () => stream.next());
    const resumed = new TbpttStream(ids, {
      batchSize: 2,
      steps: 10,
      randomOffset: true,
      seed: 999,
    });
    resumed.setState(state);
    const got = Array.from({ length: 12 }, () => resumed.next());
    expect(got).toEqual(expected);
  });

  it('rejects a corpus too short for one batch, with the size it needs', () => {
    expect(() => new TbpttStream(ids.subarray(0, 20), { batchSize: 4, steps: 5 })).toThrow(
      /20 tokens are too few for batchSize 4 × steps 5; need at least 21/,
    );
    expect(() => new TbpttStream(ids, { batchSize: 0, steps: 5 })).toThrow(DatasetError);
  });
});
