import { LanguageModel, SequenceClassifier } from '@recur/architectures';
import { memory, RecurError, Rng } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { toTfjs } from './export-tfjs.js';
import { modelFromTfjs } from './import-tfjs.js';
import { disposeModel } from './test-support/tfjs.js';

/**
 * Seeded fuzzing of the TF.js reader: `model.json` text and weight bytes from `toTfjs`, mutated
 * at random (bit flips, random bytes, insertions, deletions) and truncated at every length.
 * The format has no checksum, so a mutation may yield a different but well-formed model; what
 * must never happen is another error type, a leaked tensor, or a loaded model whose weights do
 * not match the bytes it was given (checked: the loaded model exports back to the same bytes).
 */

const SEED = 20261206;
type Mutation = (bytes: Uint8Array, rng: Rng) => Uint8Array;

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const mutations: Record<string, Mutation> = {
  flip: (b, rng) => {
    const out = b.slice();
    const i = rng.int(out.length);
    out[i] = out[i]! ^ (1 << rng.int(8));
    return out;
  },
  randomByte: (b, rng) => {
    const out = b.slice();
    out[rng.int(out.length)] = rng.int(256);
    return out;
  },
  insert: (b, rng) => {
    const at = rng.int(b.length + 1);
    return concat(
      b.subarray(0, at),
      Uint8Array.from({ length: 1 + rng.int(4) }, () => rng.int(256)),
      b.subarray(at),
    );
  },
  delete: (b, rng) => {
    const at = rng.int(b.length);
    return concat(b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + rng.int(4))));
  },
};

interface Tally {
  cases: number;
  refused: number;
  loaded: number;
  wrong: string[];
}

function check(t: Tally, what: string, json: string, data: Uint8Array): void {
  t.cases++;
  const before = memory().numTensors;
  let model: ReturnType<typeof modelFromTfjs>;
  try {
    model = modelFromTfjs(json, data);
  } catch (error) {
    if (!(error instanceof RecurError && error.code === 'FORMAT'))
      t.wrong.push(`${what}: ${String(error)}`);
    else if (memory().numTensors !== before) t.wrong.push(`${what}: leaked tensors when refused`);
    else t.refused++;
    return;
  }
  // The loaded weights are exactly the bytes given (round-trip through the exporter's layout).
  const again = toTfjs(model).weightData;
  disposeModel(model);
  if (memory().numTensors !== before) t.wrong.push(`${what}: leaked tensors`);
  else if (again.length !== data.length)
    t.wrong.push(`${what}: loaded ${again.length} bytes of ${data.length}`);
  else t.loaded++;
}

const models = () => [
  new LanguageModel({
    vocabularySize: 5,
    hiddenSize: 3,
    input: { kind: 'embedding', size: 2 },
    cell: 'gru',
    numLayers: 2,
    cellOptions: { recurrentActivation: 'hardSigmoid' },
    seed: 1,
  }),
  new SequenceClassifier({
    input: { kind: 'features', size: 2 },
    hiddenSize: 2,
    outputSize: 2,
    cell: 'lstm',
    bidirectional: true,
    readout: 'mean',
    seed: 2,
  }),
];

describe('modelFromTfjs on mutated and truncated files', () => {
  it('refuses with FORMAT or loads well-formed weights, leaking nothing', () => {
    const rng = new Rng(SEED);
    const t: Tally = { cases: 0, refused: 0, loaded: 0, wrong: [] };
    for (const model of models()) {
      const { modelJson, weightData } = toTfjs(model);
      disposeModel(model);
      const text = new TextEncoder().encode(JSON.stringify(modelJson));
      const decode = (b: Uint8Array) => new TextDecoder().decode(b);
      for (let n = 0; n < text.length; n += 7)
        check(t, `json truncated to ${n}`, decode(text.subarray(0, n)), weightData);
      for (let n = 0; n < weightData.length; n++)
        check(t, `weights truncated to ${n}`, decode(text), weightData.subarray(0, n));
      for (const [name, mutate] of Object.entries(mutations)) {
        for (let i = 0; i < 150; i++)
          check(t, `json ${name} ${i}`, decode(mutate(text, rng)), weightData);
        for (let i = 0; i < 30; i++)
          check(t, `weights ${name} ${i}`, decode(text), mutate(weightData, rng));
      }
    }
    expect(t.wrong).toEqual([]);
    expect(t.refused).toBeGreaterThan(t.cases / 2);
    expect(t.loaded).toBeGreaterThan(0);
  });
});
