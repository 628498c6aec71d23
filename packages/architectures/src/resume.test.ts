import { TbpttStream } from '@recur/datasets';
import { dispose, memory, Rng, slice, tensor, tidy } from '@recur/tensor';
import type { TbpttOptions } from '@recur/train';
import { describe, expect, it } from 'vitest';
import { type CaptionBatch, Captioner } from './captioner.js';
import { LanguageModel, type LanguageModelBatch } from './language-model.js';
import { Seq2Seq, type Seq2SeqBatch, scheduledSamplingRatio } from './seq2seq.js';
import { type ClassifierBatch, SequenceClassifier } from './sequence-classifier.js';
import type { RecurrentState } from './states.js';
import { type ExactResumeOptions, straightAndResumed } from './testing/exact-resume.js';

// Exact resume: a run stopped, saved to checkpoint bytes and continued in a fresh model and
// trainer takes bit for bit the updates of the run that never stopped — with dropout on (two
// layers), scheduled sampling, truncated BPTT, carried state, and reshuffled epochs. Every random
// draw must come from state the checkpoint saves (the trainer's rng), none from a generator the
// model keeps to itself.

const B = 4;
const V = 7;
const EXAMPLES = 12; // 3 batches per epoch, reshuffled every epoch
const common = { hiddenSize: 8, numLayers: 2, dropout: 0.3, seed: 3 } as const;
const trainerBase = { epochs: 2, seed: 11, clip: { norm: 1 }, disposeBatches: true } as const;

/**
 * A fixed pool of examples, batched in a fresh order every epoch (the trainer's seeded rng).
 * Batches are built lazily, so a run that stops early leaves none undisposed.
 */
function shuffled<E, Batch>(pool: E[], toBatch: (rows: E[]) => Batch) {
  return function* (_epoch: number, rng: Rng): Generator<Batch> {
    const order = rng.shuffle(pool.map((_, i) => i));
    for (let k = 0; k < pool.length / B; k++)
      yield toBatch(order.slice(k * B, (k + 1) * B).map((i) => pool[i]!));
  };
}

function tokenRows(count: number, length: number, seed: number, low = 0): number[][] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, () => Array.from({ length }, () => low + rng.int(V - low)));
}

const ids = (rows: number[][]) =>
  tensor(Int32Array.from(rows.flat()), [rows.length, rows[0]!.length], 'int32');

/** Decoder rows: `start y…` in, `y… stop` out (tokens 0, 1 are start and stop). */
const teacherForcing = (targets: number[][]) => ({
  decoderInput: ids(targets.map((y) => [0, ...y])),
  decoderTarget: ids(targets.map((y) => [...y, 1])),
});

/** TBPTT over `[B, T]` token batches: time slices, warm-up steps masked out of the loss. */
const lmTbptt = (k1: number, k2: number): TbpttOptions<LanguageModelBatch> => ({
  k1,
  k2,
  length: (batch) => batch.inputs.shape[1]!,
  slice: (batch, start, end, lossStart) => {
    const n = end - start;
    const mask = new Float32Array(B * n);
    for (let b = 0; b < B; b++)
      for (let t = start; t < end; t++) mask[b * n + t - start] = +(t >= lossStart);
    return {
      inputs: slice(batch.inputs, [0, start], [B, n]),
      targets: slice(batch.targets, [0, start], [B, n]),
      mask: tensor(mask, [B, n]),
    };
  },
});

async function expectExactResume<Batch, State>(
  options: ExactResumeOptions<Batch, State>,
  checkpointStep: number,
): Promise<void> {
  const live = memory().numTensors;
  const { straight, resumed, checkpointStep: step } = await straightAndResumed(options);
  expect(step).toBe(checkpointStep);
  expect(resumed.losses.length).toBe(straight.losses.length);
  resumed.losses.forEach((loss, i) => {
    expect(
      Object.is(loss, straight.losses[i]),
      `update ${i + 1}: ${loss} vs ${straight.losses[i]}`,
    ).toBe(true);
  });
  expect(Object.keys(resumed.weights)).toEqual(Object.keys(straight.weights));
  for (const [name, w] of Object.entries(straight.weights))
    expect(resumed.weights[name], name).toEqual(w);
  expect(memory().numTensors).toBe(live);
}

describe('exact resume through serialized checkpoints (dropout on, 2 layers)', () => {
  it('LanguageModel with TBPTT(4, 6): state carried across chunks, resumed mid-epoch into a reshuffled epoch', async () => {
    const rows = tokenRows(EXAMPLES, 13, 1);
    const data = shuffled(
      rows,
      (r): LanguageModelBatch => ({
        inputs: ids(r.map((row) => row.slice(0, -1))),
        targets: ids(r.map((row) => row.slice(1))),
      }),
    );
    // 3 windows per batch, 3 batches per epoch: 18 updates; stopped after batch 2 (6 updates).
    await expectExactResume(
      {
        makeModel: () => new LanguageModel({ vocabularySize: V, ...common }),
        trainer: { ...trainerBase, data, tbptt: lmTbptt(4, 6) },
        stopAfter: 5,
      },
      6,
    );
  });

  it('LanguageModel on a TBPTT stream: state carried from batch to batch and saved in the checkpoint', async () => {
    const text = Int32Array.from(tokenRows(1, 200, 2)[0]!);
    // A new random offset every epoch (drawn from the trainer's rng), as `recur train --arch lm` does.
    const data = function* (_epoch: number, rng: Rng) {
      const seed = rng.int(2 ** 31);
      const stream = new TbpttStream(text, { batchSize: B, steps: 8, randomOffset: true, seed });
      for (const batch of stream.epochIterator()) {
        yield {
          inputs: tensor(batch.inputs, batch.shape, 'int32'),
          targets: tensor(batch.targets, batch.shape, 'int32'),
          reset: batch.resetState,
        };
      }
    };
    await expectExactResume<LanguageModelBatch & { reset: boolean }, RecurrentState>(
      {
        makeModel: () =>
          new LanguageModel({
            vocabularySize: V,
            input: { kind: 'onehot' },
            cell: 'gru',
            ...common,
          }),
        trainer: { ...trainerBase, data, carryState: (batch) => batch.reset },
        stopAfter: 3,
      },
      3,
    );
  });

  it('Seq2Seq with attention and scheduled sampling, resumed mid-epoch', async () => {
    const pairs = tokenRows(EXAMPLES, 5, 3, 2).map((source) => ({
      source,
      target: source.slice(0, 4).reverse(),
    }));
    const data = shuffled(
      pairs,
      (r): Seq2SeqBatch => ({
        source: ids(r.map((p) => p.source)),
        ...teacherForcing(r.map((p) => p.target)),
      }),
    );
    const makeModel = () => {
      const model = new Seq2Seq({
        sourceVocabularySize: V,
        targetVocabularySize: V,
        startToken: 0,
        stopToken: 1,
        attention: 'general',
        ...common,
      });
      model.teacherForcing = 0.5;
      return model;
    };
    await expectExactResume({ makeModel, trainer: { ...trainerBase, data }, stopAfter: 2 }, 2);
    // Teacher forcing as a schedule of the step: the resumed run evaluates it at the restored step.
    const scheduled = () => {
      const model = makeModel();
      model.teacherForcing = (step) =>
        scheduledSamplingRatio(step, { kind: 'linear', k: 8, minimum: 0.2 });
      return model;
    };
    await expectExactResume(
      { makeModel: scheduled, trainer: { ...trainerBase, data }, stopAfter: 2 },
      2,
    );
  });

  it('SequenceClassifier (bidirectional, mean readout), checkpoint at the epoch boundary', async () => {
    const rng = new Rng(4);
    const pool = Array.from({ length: EXAMPLES }, (_, i) => ({
      features: Array.from({ length: 5 * 3 }, () => rng.normal()),
      label: i % 3,
    }));
    const data = shuffled(
      pool,
      (r): ClassifierBatch => ({
        inputs: tensor(Float32Array.from(r.flatMap((e) => e.features)), [r.length, 5, 3]),
        labels: tensor(Int32Array.from(r.map((e) => e.label)), [r.length], 'int32'),
      }),
    );
    await expectExactResume(
      {
        makeModel: () =>
          new SequenceClassifier({
            input: { kind: 'features', size: 3 },
            bidirectional: true,
            readout: 'mean',
            outputSize: 3,
            ...common,
          }),
        trainer: { ...trainerBase, data },
        stopAfter: 3,
      },
      3,
    );
  });

  it('Captioner, resumed mid-epoch into a reshuffled epoch', async () => {
    const rng = new Rng(5);
    const pool = tokenRows(EXAMPLES, 3, 6, 2).map((caption) => ({
      image: Array.from({ length: 6 }, () => rng.normal()),
      caption,
    }));
    const data = shuffled(
      pool,
      (r): CaptionBatch => ({
        images: tensor(Float32Array.from(r.flatMap((e) => e.image)), [r.length, 6]),
        ...teacherForcing(r.map((e) => e.caption)),
      }),
    );
    await expectExactResume(
      {
        makeModel: () =>
          new Captioner({
            featureSize: 6,
            encoderSizes: [8],
            vocabularySize: V,
            startToken: 0,
            stopToken: 1,
            ...common,
          }),
        trainer: { ...trainerBase, data },
        stopAfter: 1,
      },
      1,
    );
  });
});

describe('models keep no generator of their own while training', () => {
  const lmBatch = () => {
    const rows = tokenRows(B, 7, 9);
    return {
      inputs: ids(rows.map((r) => r.slice(0, -1))),
      targets: ids(rows.map((r) => r.slice(1))),
    };
  };

  it('the same rng state gives the same dropout masks, call after call', () => {
    const model = new LanguageModel({ vocabularySize: V, ...common });
    const batch = lmBatch();
    const rng = new Rng(21);
    const start = rng.getState();
    const loss = () => tidy(() => model.loss(batch, undefined, { rng }).loss.item());
    const first = loss();
    const second = loss(); // the rng moved on: other masks
    rng.setState(start);
    expect(loss()).toBe(first);
    expect(second).not.toBe(first);
    // Evaluation draws nothing and needs no rng.
    expect(tidy(() => model.loss(batch, undefined, { training: false }).loss.item())).not.toBe(
      first,
    );
    dispose(Object.values(batch));
    for (const p of Object.values(model.parameters())) p.dispose();
  });

  it('training that would draw without an rng is refused by name, and leaks nothing', () => {
    const lm = new LanguageModel({ vocabularySize: V, ...common });
    const seq2seq = new Seq2Seq({
      sourceVocabularySize: V,
      targetVocabularySize: V,
      startToken: 0,
      stopToken: 1,
      hiddenSize: 8,
    });
    seq2seq.teacherForcing = 0.5;
    const seq2seqDropout = new Seq2Seq({
      sourceVocabularySize: V,
      targetVocabularySize: V,
      startToken: 0,
      stopToken: 1,
      ...common,
    });
    const batch = lmBatch();
    const pairs = {
      source: ids(tokenRows(B, 4, 10)),
      ...teacherForcing(tokenRows(B, 3, 11, 2)),
    };
    const live = memory().numTensors;
    expect(() => lm.loss(batch)).toThrow(
      "LanguageModel: training with dropout 0.3 between 2 layers draws random numbers, so it needs an rng (the context's rng in loss, e.g. the Trainer's, whose state checkpoints save; or forward's rng); got none. Pass training: false to evaluate",
    );
    expect(() => seq2seq.loss(pairs)).toThrow(
      /^Seq2Seq: training with scheduled sampling \(teacherForcing 0\.5\) draws random numbers, so it needs an rng .*; got none/,
    );
    expect(() => lm.forward(batch.inputs, { training: true, rng: 7 as unknown as Rng })).toThrow(
      /got number/,
    );
    expect(() => seq2seqDropout.encode(pairs.source, undefined, true)).toThrow(
      /^Seq2Seq\.encode: training with dropout 0\.3 between 2 layers draws random numbers/,
    );
    expect(memory().numTensors).toBe(live);
    for (const model of [lm, seq2seq, seq2seqDropout])
      for (const p of Object.values(model.parameters())) p.dispose();
    dispose([...Object.values(batch), ...Object.values(pairs)]);
  });
});
