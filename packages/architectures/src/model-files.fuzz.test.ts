import { DatasetError, Vocabulary } from '@recur/datasets';
import { memory, RecurError, Rng } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { Captioner } from './captioner.js';
import { LanguageModel } from './language-model.js';
import {
  disposeModel,
  loadModel,
  type Model,
  modelFromPyTorch,
  saveModel,
  saveModelFiles,
  saveRecurModel,
} from './model-io.js';
import { Seq2Seq } from './seq2seq.js';
import { SequenceClassifier } from './sequence-classifier.js';
import type { ModelFiles } from './serialization.js';
import { withoutMetadata } from './testing/safetensors-files.js';

/**
 * Seeded fuzzing of everything that reads untrusted model data: saved models (safetensors, one
 * `.recur` file and the json + bin pair, PyTorch state dicts without a checksum) and vocabulary JSON, mutated at random (bit flips, random bytes, insertions,
 * deletions) and truncated at every length. Each case must either be refused with a FORMAT
 * error — no other error type, no tensor left behind — or, where the mutation happened to
 * change nothing, load exactly the saved model.
 */

const SEED = 20261206;

type Mutation = (bytes: Uint8Array, rng: Rng) => Uint8Array;

const mutations: Record<string, Mutation> = {
  flip: (b, rng) => {
    const out = b.slice();
    const i = rng.int(out.length);
    out[i] = out[i]! ^ (1 << rng.int(8));
    return out;
  },
  randomByte: (b, rng) => {
    const out = b.slice();
    out[rng.int(out.length)] = rng.int(256); // sometimes the same value: a no-op
    return out;
  },
  insert: (b, rng) => {
    const at = rng.int(b.length + 1);
    const extra = Uint8Array.from({ length: 1 + rng.int(4) }, () => rng.int(256));
    return concat(b.subarray(0, at), extra, b.subarray(at));
  },
  delete: (b, rng) => {
    const at = rng.int(b.length);
    return concat(b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + rng.int(4))));
  },
};

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && a.every((v, i) => v === b[i]);

interface Tally {
  cases: number;
  refused: number;
  identical: number;
  wrong: string[];
}

const tally = (): Tally => ({ cases: 0, refused: 0, identical: 0, wrong: [] });

/** Loads `source`; a FORMAT error or a model identical to `original` passes. */
function check(
  t: Tally,
  what: string,
  original: Model,
  source: Uint8Array | ModelFiles,
  load: (source: Uint8Array | ModelFiles) => Model = loadModel,
): void {
  t.cases++;
  let loaded: Model;
  try {
    loaded = load(source);
  } catch (error) {
    if (error instanceof RecurError && error.code === 'FORMAT') t.refused++;
    else t.wrong.push(`${what}: ${String(error)}`);
    return;
  }
  const a = original.parameters();
  const b = loaded.parameters();
  const same =
    JSON.stringify(loaded.config) === JSON.stringify(original.config) &&
    Object.keys(a).length === Object.keys(b).length &&
    Object.entries(a).every(([name, p]) => {
      const q = b[name];
      if (!q) return false;
      const x = new Uint8Array(p.value.data().slice().buffer);
      return sameBytes(x, new Uint8Array(q.value.data().slice().buffer));
    });
  disposeModel(loaded);
  if (same) t.identical++;
  else t.wrong.push(`${what}: loaded a different model`);
}

const models = (): [string, Model][] => [
  [
    'LanguageModel',
    new LanguageModel({
      vocabularySize: 5,
      hiddenSize: 3,
      input: { kind: 'onehot' },
      cell: 'rnn',
      seed: 1,
    }),
  ],
  [
    'Seq2Seq',
    new Seq2Seq({
      sourceVocabularySize: 4,
      targetVocabularySize: 5,
      sourceInput: { kind: 'embedding', size: 2 },
      targetInput: { kind: 'onehot' },
      hiddenSize: 2,
      cell: 'gru',
      attention: 'additive',
      startToken: 0,
      stopToken: 1,
      seed: 2,
    }),
  ],
  [
    'SequenceClassifier',
    new SequenceClassifier({
      input: { kind: 'features', size: 2 },
      hiddenSize: 2,
      bidirectional: true,
      outputSize: 3,
      readout: 'mean',
      seed: 3,
    }),
  ],
  [
    'Captioner',
    new Captioner({
      featureSize: 3,
      encoderSizes: [2],
      vocabularySize: 4,
      input: { kind: 'embedding', size: 2 },
      hiddenSize: 2,
      startToken: 0,
      stopToken: 1,
      seed: 4,
    }),
  ],
];

describe('fuzzing saved models and vocabularies', () => {
  it('every mutated or truncated model file is refused with FORMAT or loads identically; nothing leaks', () => {
    const rng = new Rng(SEED);
    const before = memory().numTensors;
    const single = tally();
    const pair = tally();
    const safetensors = tally();
    const encoder = new TextEncoder();
    const decoder = new TextDecoder();
    const all = models();
    for (const [name, model] of all) {
      const bytes = saveRecurModel(model);
      const files = saveModelFiles(model);
      const json = encoder.encode(files.json);
      const saved = saveModel(model);
      for (const [kind, mutate] of Object.entries(mutations)) {
        for (let i = 0; i < 150; i++) {
          check(safetensors, `${name} safetensors ${kind} #${i}`, model, mutate(saved, rng));
          check(single, `${name} file ${kind} #${i}`, model, mutate(bytes, rng));
          const onJson = i % 2 === 0;
          const changed = mutate(onJson ? json : files.weights, rng);
          check(
            pair,
            `${name} pair ${onJson ? 'json' : 'bin'} ${kind} #${i}`,
            model,
            onJson
              ? { json: decoder.decode(changed), weights: files.weights }
              : { json: files.json, weights: changed },
          );
        }
      }
      // Truncation at every length (the pair: model.bin at every length, model.json at many).
      for (let n = 0; n < saved.length; n++)
        check(safetensors, `${name} safetensors cut ${n}`, model, saved.slice(0, n));
      for (let n = 0; n < bytes.length; n++)
        check(single, `${name} cut ${n}`, model, bytes.slice(0, n));
      for (let n = 0; n < files.weights.length; n++)
        check(pair, `${name} bin cut ${n}`, model, {
          json: files.json,
          weights: files.weights.slice(0, n),
        });
      for (let n = 0; n < files.json.length; n += 7)
        check(pair, `${name} json cut ${n}`, model, {
          json: files.json.slice(0, n),
          weights: files.weights,
        });
    }
    for (const [, model] of all) disposeModel(model);
    expect(memory().numTensors).toBe(before);
    console.info(
      `model fuzz (seed ${SEED}): safetensors ${safetensors.cases} cases, ${safetensors.refused} FORMAT, ${safetensors.identical} no-op; ` +
        `single .recur file ${single.cases} cases, ${single.refused} FORMAT, ${single.identical} no-op; ` +
        `pair ${pair.cases} cases, ${pair.refused} FORMAT, ${pair.identical} no-op`,
    );
    expect(safetensors.wrong).toEqual([]);
    expect(single.wrong).toEqual([]);
    expect(pair.wrong).toEqual([]);
    expect(safetensors.cases).toBeGreaterThan(5000);
    expect(single.cases + pair.cases).toBeGreaterThan(5000);
  });

  it('version-1 files (no checksum) mutated at random: FORMAT or a model, never another error', () => {
    const rng = new Rng(SEED + 1);
    const before = memory().numTensors;
    let cases = 0;
    let refused = 0;
    let loaded = 0;
    const wrong: string[] = [];
    const all = models();
    for (const [name, model] of all) {
      const v2 = saveRecurModel(model);
      const v1 = v2.slice(0, v2.length - 4);
      new DataView(v1.buffer).setUint32(8, 1, true);
      for (const [kind, mutate] of Object.entries(mutations)) {
        for (let i = 0; i < 150; i++) {
          cases++;
          try {
            disposeModel(loadModel(mutate(v1, rng)));
            loaded++; // a changed weight byte: version 1 cannot tell (documented)
          } catch (error) {
            if (error instanceof RecurError && error.code === 'FORMAT') refused++;
            else wrong.push(`${name} v1 ${kind} #${i}: ${String(error)}`);
          }
        }
      }
    }
    for (const [, model] of all) disposeModel(model);
    expect(memory().numTensors).toBe(before);
    console.info(`v1 fuzz: ${cases} cases, ${refused} FORMAT, ${loaded} loaded`);
    expect(wrong).toEqual([]);
  });

  it('PyTorch state dicts (no checksum) mutated at random: FORMAT or a model, never another error', () => {
    const rng = new Rng(SEED + 3);
    const before = memory().numTensors;
    let cases = 0;
    let refused = 0;
    let loaded = 0;
    const wrong: string[] = [];
    const every = models();
    const all = every.filter(([, m]) => m.config.cell !== 'gru');
    for (const [name, model] of all) {
      const stateDict = withoutMetadata(saveModel(model));
      const config = model.config as unknown as Record<string, unknown>;
      const attempt = (bytes: Uint8Array, what: string) => {
        cases++;
        try {
          disposeModel(modelFromPyTorch(bytes, config));
          loaded++; // a changed weight byte: without a checksum it cannot be told (documented)
        } catch (error) {
          if (error instanceof RecurError && error.code === 'FORMAT') refused++;
          else wrong.push(`${name} ${what}: ${String(error)}`);
        }
      };
      for (const [kind, mutate] of Object.entries(mutations))
        for (let i = 0; i < 150; i++) attempt(mutate(stateDict, rng), `${kind} #${i}`);
      for (let n = 0; n < stateDict.length; n++) attempt(stateDict.slice(0, n), `cut ${n}`);
    }
    for (const [, model] of every) disposeModel(model);
    expect(memory().numTensors).toBe(before);
    console.info(`state dict fuzz: ${cases} cases, ${refused} FORMAT, ${loaded} loaded`);
    expect(wrong).toEqual([]);
    expect(cases).toBeGreaterThan(2000);
  });

  it('every mutated or truncated vocabulary JSON is a FORMAT error or a consistent vocabulary', () => {
    const rng = new Rng(SEED + 2);
    const original = Vocabulary.build('the quick brown fox jumps over the lazy dog'.split(' '));
    const text = JSON.stringify(original.toJSON());
    const bytes = new TextEncoder().encode(text);
    const decoder = new TextDecoder();
    let cases = 0;
    let refused = 0;
    let identical = 0;
    let different = 0;
    const wrong: string[] = [];
    const attempt = (json: string, what: string) => {
      cases++;
      try {
        const v = Vocabulary.fromJSON(json);
        // Whatever loads must be a consistent vocabulary that round-trips.
        const again = Vocabulary.fromJSON(JSON.stringify(v.toJSON()));
        if (JSON.stringify(again.toJSON()) !== JSON.stringify(v.toJSON()))
          wrong.push(`${what}: does not round-trip`);
        if (v.tokens.some((t, id) => v.idOf(t) !== id)) wrong.push(`${what}: ids inconsistent`);
        if (JSON.stringify(v.toJSON()) === text) identical++;
        else different++; // e.g. one token's letter changed: JSON has no checksum
      } catch (error) {
        if (error instanceof DatasetError && error.code === 'FORMAT') refused++;
        else wrong.push(`${what}: ${String(error)}`);
      }
    };
    for (const [kind, mutate] of Object.entries(mutations))
      for (let i = 0; i < 400; i++) attempt(decoder.decode(mutate(bytes, rng)), `${kind} #${i}`);
    for (let n = 0; n < text.length; n++) attempt(text.slice(0, n), `cut ${n}`);
    console.info(
      `vocabulary fuzz: ${cases} cases, ${refused} FORMAT, ${identical} identical, ${different} a different valid vocabulary`,
    );
    expect(wrong).toEqual([]);
  });
});
