import { memory } from '@recur/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { modelFromTfjs } from './import-tfjs.js';
import {
  disposeModel,
  features,
  ids,
  maxAbsDifference,
  recurPredict,
  saveFromTfjs,
  scrambleTfjs,
  tf,
  tfjsPredict,
} from './test-support/tfjs.js';

type Kind = 'simpleRNN' | 'lstm' | 'gru';
const KINDS: Kind[] = ['simpleRNN', 'lstm', 'gru'];
const measured: string[] = [];
afterAll(() => console.log(`TF.js → recur, max |difference|:\n${measured.join('\n')}`));

/** A TF.js recurrent layer with recur's activations (sigmoid gates). */
function rnn(kind: Kind, args: Record<string, unknown>): tf.layers.Layer {
  const gates = kind === 'simpleRNN' ? {} : { recurrentActivation: 'sigmoid' };
  return tf.layers[kind]({ ...gates, ...args } as never) as tf.layers.Layer;
}

/** Saves `model` through a save handler, imports it into recur and compares predictions. */
async function compare(
  what: string,
  model: tf.LayersModel,
  values: number[],
  shape: number[],
  architecture: string,
): Promise<number> {
  const saved = await saveFromTfjs(scrambleTfjs(model));
  const before = memory().numTensors;
  const imported = modelFromTfjs(saved, saved.weightData);
  expect(imported.config.architecture).toBe(architecture);
  const difference = maxAbsDifference(
    tfjsPredict(model, values, shape),
    recurPredict(imported, values, shape),
  );
  disposeModel(imported);
  expect(memory().numTensors).toBe(before);
  model.dispose();
  measured.push(`${what}: ${difference.toExponential(2)}`);
  return difference;
}

describe('modelFromTfjs: models built and saved by TF.js predict the same in recur', () => {
  it.each(KINDS)(
    'Embedding → %s ×2 (return sequences) → TimeDistributed(Dense(V)): a LanguageModel',
    async (kind) => {
      const model = tf.sequential();
      model.add(tf.layers.embedding({ inputDim: 12, outputDim: 5, inputShape: [null] as never }));
      model.add(rnn(kind, { units: 7, returnSequences: true }));
      model.add(tf.layers.dropout({ rate: 0.2 }));
      model.add(rnn(kind, { units: 7, returnSequences: true }));
      model.add(
        tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 12, activation: 'softmax' }) }),
      );
      expect(
        await compare(`LanguageModel ${kind} ×2`, model, ids(2, 6, 12), [2, 6], 'LanguageModel'),
      ).toBeLessThan(1e-5);
    },
  );

  it("SimpleRNN with relu is recur's IRNN; Dense → Activation(softmax) its output", async () => {
    const model = tf.sequential();
    model.add(tf.layers.embedding({ inputDim: 8, outputDim: 3, inputShape: [null] as never }));
    model.add(tf.layers.simpleRNN({ units: 4, activation: 'relu', returnSequences: true }));
    model.add(tf.layers.dense({ units: 8 })); // logits, then an Activation layer
    model.add(tf.layers.activation({ activation: 'softmax' }));
    const saved = await saveFromTfjs(model);
    const imported = modelFromTfjs(saved, saved.weightData);
    expect(imported.config).toMatchObject({ cell: 'irnn' });
    disposeModel(imported);
    expect(
      await compare('LanguageModel irnn', model, ids(1, 9, 8), [1, 9], 'LanguageModel'),
    ).toBeLessThan(1e-5);
  });

  it.each(KINDS)(
    'Embedding → Bidirectional(%s) ×2 → Dense(softmax): a bidirectional SequenceClassifier',
    async (kind) => {
      const model = tf.sequential();
      model.add(tf.layers.embedding({ inputDim: 10, outputDim: 4, inputShape: [null] as never }));
      model.add(
        tf.layers.bidirectional({
          layer: rnn(kind, { units: 5, returnSequences: true }) as never,
          mergeMode: 'concat',
        }),
      );
      model.add(
        tf.layers.bidirectional({ layer: rnn(kind, { units: 5 }) as never, mergeMode: 'concat' }),
      );
      model.add(tf.layers.dense({ units: 3, activation: 'softmax' }));
      expect(
        await compare(
          `SequenceClassifier ${kind} bi ×2`,
          model,
          ids(3, 5, 10),
          [3, 5],
          'SequenceClassifier',
        ),
      ).toBeLessThan(1e-5);
    },
  );

  it.each([
    ['globalAveragePooling1d', 'sigmoid'],
    ['globalMaxPooling1d', 'linear'],
  ] as const)('features → LSTM → %s → Dense(%s)', async (pooling, activation) => {
    const model = tf.sequential();
    model.add(rnn('lstm', { units: 6, returnSequences: true, inputShape: [null, 3] }));
    model.add(tf.layers[pooling]({}));
    model.add(tf.layers.dense({ units: 2, activation }));
    const x = features(2 * 4 * 3, 9);
    expect(
      await compare(
        `SequenceClassifier lstm ${pooling} ${activation}`,
        model,
        x,
        [2, 4, 3],
        'SequenceClassifier',
      ),
    ).toBeLessThan(1e-5);
  });

  it('a functional Model (input → GRU without bias → Dense) and its useBias false', async () => {
    const input = tf.input({ shape: [null, 2] });
    const hidden = rnn('gru', { units: 4, useBias: false }).apply(input) as tf.SymbolicTensor;
    const output = tf.layers
      .dense({ units: 1, activation: 'sigmoid' })
      .apply(hidden) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: output });
    const x = features(3 * 5 * 2, 4);
    expect(
      await compare(
        'SequenceClassifier gru functional no-bias',
        model,
        x,
        [3, 5, 2],
        'SequenceClassifier',
      ),
    ).toBeLessThan(1e-5);
  });

  it('reads a model.json-style manifest with the weights split over shards', async () => {
    const model = tf.sequential();
    model.add(tf.layers.embedding({ inputDim: 6, outputDim: 3, inputShape: [null] as never }));
    model.add(rnn('lstm', { units: 4 }));
    model.add(tf.layers.dense({ units: 2, activation: 'softmax' }));
    const saved = await saveFromTfjs(scrambleTfjs(model));
    const bytes = new Uint8Array(saved.weightData);
    const json = JSON.stringify({
      modelTopology: saved.modelTopology,
      weightsManifest: [
        { paths: ['a.bin', 'b.bin'], weights: saved.weightSpecs.slice(0, 2) },
        { paths: ['c.bin'], weights: saved.weightSpecs.slice(2) },
      ],
    });
    const imported = modelFromTfjs(json, [
      bytes.slice(0, 50),
      bytes.slice(50, 101),
      bytes.slice(101),
    ]);
    const x = ids(2, 3, 6);
    expect(
      maxAbsDifference(tfjsPredict(model, x, [2, 3]), recurPredict(imported, x, [2, 3])),
    ).toBeLessThan(1e-5);
    disposeModel(imported);
    model.dispose();
  });
});
