import { parameter } from '@recur/autograd';
import { dispose, memory, RecurError, Rng, randomNormal } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { type Checkpoint, deserializeCheckpoint, serializeCheckpoint } from './checkpoint.js';
import { crc32 } from './crc32.js';
import { Adam } from './optimizers/adam.js';
import { cosineDecay } from './schedules.js';
import { Trainer } from './trainer.js';

/**
 * Fuzzing the reader: seeded random damage to a real checkpoint file. Damage the CRC sees (any
 * change to the bytes) must give `RecurError('FORMAT')` — never another error, never a
 * checkpoint. Damage to the header with the CRC made right again (what a hostile writer can do)
 * must give FORMAT or a checkpoint whose every field passed the checks, which a trainer then
 * restores or refuses with a `RecurError`. Live tensors stay flat throughout.
 */

const rng = new Rng(20261206);
const W = parameter(randomNormal([4, 6], { seed: 1 }), 'W');
const b = parameter(randomNormal([6], { seed: 2 }), 'b');
const model = {
  parameters: () => ({ W, b }),
  loss: () => {
    throw new Error('not trained here');
  },
};
const optimizer = new Adam(model.parameters(), { lr: 0.01, amsgrad: true });
const trainer = new Trainer({
  model,
  optimizer,
  data: [],
  schedule: cosineDecay({ steps: 100 }),
  progress: false,
});
W.grad = randomNormal([4, 6], { seed: 3 });
b.grad = randomNormal([6], { seed: 4 });
optimizer.step();
optimizer.zeroGrad();
const original = serializeCheckpoint({
  ...trainer.checkpoint(),
  step: 1,
  config: { hidden: 6, cell: 'lstm' },
  vocabulary: ['a', 'b', '\n'],
});
const headerEnd = 16 + new DataView(original.buffer).getUint32(12, true);

type Mutation = (bytes: Uint8Array) => Uint8Array;
const at = (n: number) => rng.int(n);
const mutations: Record<string, Mutation> = {
  'bit flip': (x) => {
    const y = x.slice();
    y[at(y.length)]! ^= 1 << at(8);
    return y;
  },
  'random bytes': (x) => {
    const y = x.slice();
    const start = at(y.length);
    for (let i = start; i < Math.min(y.length, start + 1 + at(8)); i++) y[i] = at(256);
    return y;
  },
  insertion: (x) => {
    const i = at(x.length + 1);
    const extra = Uint8Array.from({ length: 1 + at(16) }, () => at(256));
    return Uint8Array.from([...x.subarray(0, i), ...extra, ...x.subarray(i)]);
  },
  deletion: (x) => {
    const i = at(x.length);
    return Uint8Array.from([...x.subarray(0, i), ...x.subarray(i + 1 + at(16))]);
  },
};

/** `bytes` with its trailing CRC recomputed: damage only the checks after the CRC can catch. */
function withCrc(bytes: Uint8Array): Uint8Array {
  if (bytes.length < 4) return bytes;
  const y = bytes.slice();
  new DataView(y.buffer).setUint32(y.length - 4, crc32(y.subarray(0, y.length - 4)), true);
  return y;
}

/** Damage confined to the magic, version, length and JSON header, then the CRC fixed. */
const headerMutation: Mutation = (x) => {
  const y = x.slice();
  const kind = at(3);
  const i = at(headerEnd);
  if (kind === 0) y[i]! ^= 1 << at(8);
  else if (kind === 1) y[i] = at(256);
  else y[i] = '0123456789-.e"{}[],:tfn'.charCodeAt(at(23)); // JSON-ish: often still parses
  return withCrc(y);
};

function decodeOutcome(bytes: Uint8Array): 'format' | Checkpoint {
  try {
    return deserializeCheckpoint(bytes, 'fuzz.ckpt');
  } catch (error) {
    if (!(error instanceof RecurError) || error.code !== 'FORMAT') throw error;
    expect(error.message).toMatch(/^loadCheckpoint: fuzz\.ckpt: /);
    return 'format';
  }
}

describe('checkpoint reader under fuzzing', () => {
  it('gives FORMAT for every change the CRC sees, and for every truncation', () => {
    const counts: Record<string, number> = {};
    const before = memory().numTensors;
    const cases: [string, Uint8Array][] = [];
    for (const [name, mutate] of Object.entries(mutations))
      for (let i = 0; i < 1000; i++) cases.push([name, mutate(original)]);
    for (let n = 0; n < original.length; n++) cases.push(['truncation', original.subarray(0, n)]);
    for (const [name, bytes] of cases) {
      const same = bytes.length === original.length && bytes.every((v, i) => v === original[i]);
      if (same) {
        counts.unchanged = (counts.unchanged ?? 0) + 1;
        continue;
      }
      expect(decodeOutcome(bytes), name).toBe('format');
      counts[name] = (counts[name] ?? 0) + 1;
    }
    expect(memory().numTensors).toBe(before);
    console.info(`checkpoint fuzz (CRC-visible): ${JSON.stringify(counts)}, all FORMAT`);
    expect(Object.values(counts).reduce((a, c) => a + c, 0)).toBeGreaterThan(4000);
  });

  it('with the CRC made right, header damage gives FORMAT or a checkpoint that passed every check', () => {
    const counts = { format: 0, loaded: 0, restored: 0, refused: 0 };
    const start = deserializeCheckpoint(original);
    trainer.restore(start); // the state the count below is taken in
    dispose(start);
    const before = memory().numTensors;
    for (let i = 0; i < 3000; i++) {
      const outcome = decodeOutcome(headerMutation(original));
      if (outcome === 'format') {
        counts.format++;
        continue;
      }
      counts.loaded++;
      try {
        trainer.restore(outcome);
        counts.restored++;
      } catch (error) {
        expect(error).toBeInstanceOf(RecurError);
        counts.refused++;
      } finally {
        dispose(outcome);
      }
    }
    // A restore replaces what the trainer holds (its optimizer's slots, say) with what the file
    // held; restoring the original puts it back to compare.
    const reference = deserializeCheckpoint(original);
    trainer.restore(reference);
    dispose(reference);
    expect(memory().numTensors).toBe(before);
    console.info(`checkpoint fuzz (CRC fixed, header damage): ${JSON.stringify(counts)}`);
    expect(counts.format).toBeGreaterThan(1000);
  });
});
