import {
  LanguageModel,
  type LanguageModelOptions,
  Seq2Seq,
  SequenceClassifier,
  type SequenceClassifierOptions,
} from '@recur/architectures';
import type { CellKind } from '@recur/cells';
import { memory, RecurError } from '@recur/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { toTfjs } from './export-tfjs.js';
import {
  disposeModel,
  features,
  ids,
  loadInTfjs,
  maxAbsDifference,
  recurPredict,
  scrambleRecur,
  tf,
  tfjsPredict,
} from './test-support/tfjs.js';

const CELLS: CellKind[] = ['rnn', 'irnn', 'lstm', 'gru'];
const measured: string[] = [];
afterAll(() => console.log(`recur → TF.js, max |difference|:\n${measured.join('\n')}`));

/** Exports `model`, loads it in TF.js and compares predictions on `inputs`; returns the max difference. */
async function compare(
  what: string,
  model: LanguageModel | SequenceClassifier,
  values: number[],
  shape: number[],
): Promise<number> {
  const before = memory().numTensors;
  const exported = toTfjs(scrambleRecur(model));
  expect(memory().numTensors).toBe(before);
  const loaded = await loadInTfjs(exported);
  const difference = maxAbsDifference(
    tfjsPredict(loaded, values, shape),
    recurPredict(model, values, shape),
  );
  loaded.dispose();
  disposeModel(model);
  measured.push(`${what}: ${difference.toExponential(2)}`);
  return difference;
}

describe('toTfjs: tf.loadLayersModel runs the export to the same predictions', () => {
  const lm = (cell: CellKind, extra: Partial<LanguageModelOptions> = {}) =>
    new LanguageModel({ vocabularySize: 11, hiddenSize: 6, cell, seed: 3, ...extra });

  it.each(CELLS)('LanguageModel (%s, embedding): next-token probabilities', async (cell) => {
    expect(await compare(`LanguageModel ${cell}`, lm(cell), ids(2, 7, 11), [2, 7])).toBeLessThan(
      1e-5,
    );
  });

  it.each(CELLS)('LanguageModel (%s, one-hot, 2 layers, dropout)', async (cell) => {
    const model = lm(cell, { input: { kind: 'onehot' }, numLayers: 2, dropout: 0.25 });
    const json = toTfjs(model).modelJson;
    expect(json.modelTopology.config.layers.map((l) => l.class_name)).toContain('Dropout');
    expect(
      await compare(`LanguageModel ${cell} onehot ×2`, model, ids(2, 7, 11, 5), [2, 7]),
    ).toBeLessThan(1e-5);
  });

  const clf = (cell: CellKind, extra: Partial<SequenceClassifierOptions> = {}) =>
    new SequenceClassifier({
      input: { kind: 'embedding', vocabularySize: 9, size: 4 },
      hiddenSize: 5,
      outputSize: 3,
      cell,
      seed: 4,
      ...extra,
    });

  it.each(CELLS)('SequenceClassifier (%s, bidirectional, 2 layers, softmax)', async (cell) => {
    const model = clf(cell, { bidirectional: true, numLayers: 2 });
    expect(
      await compare(`SequenceClassifier ${cell} bi ×2`, model, ids(3, 6, 9), [3, 6]),
    ).toBeLessThan(1e-5);
  });

  it.each([
    ['last', 'sigmoid'],
    ['mean', 'softmax'],
    ['max', 'linear'],
  ] as const)('SequenceClassifier (lstm, features, readout %s, %s head)', async (readout, head) => {
    const model = clf('lstm', {
      input: { kind: 'features', size: 3 },
      readout,
      head,
      outputSize: 2,
    });
    const x = features(2 * 5 * 3);
    expect(
      await compare(`SequenceClassifier lstm ${readout} ${head}`, model, x, [2, 5, 3]),
    ).toBeLessThan(1e-5);
  });

  it('SequenceClassifier (gru, one-hot, mean readout, bidirectional)', async () => {
    const model = clf('gru', {
      input: { kind: 'onehot', vocabularySize: 9 },
      readout: 'mean',
      bidirectional: true,
    });
    expect(
      await compare('SequenceClassifier gru onehot bi mean', model, ids(2, 6, 9, 7), [2, 6]),
    ).toBeLessThan(1e-5);
  });

  it('writes the weights TF.js lists, in its naming, as one float32 shard', () => {
    const model = clf('lstm', { bidirectional: true });
    const { modelJson, weightData } = toTfjs(model);
    disposeModel(model);
    const specs = modelJson.weightsManifest[0]!.weights;
    expect(specs.map((s) => s.name)).toEqual([
      'embedding/embeddings',
      'bidirectional_1/forward_lstm_1/kernel',
      'bidirectional_1/forward_lstm_1/recurrent_kernel',
      'bidirectional_1/forward_lstm_1/bias',
      'bidirectional_1/backward_lstm_1/kernel',
      'bidirectional_1/backward_lstm_1/recurrent_kernel',
      'bidirectional_1/backward_lstm_1/bias',
      'dense/kernel',
      'dense/bias',
    ]);
    const elements = specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
    expect(weightData.byteLength).toBe(4 * elements);
  });

  it('refuses a model with no TF.js Layers equivalent by name', () => {
    const model = new Seq2Seq({
      sourceVocabularySize: 5,
      targetVocabularySize: 5,
      hiddenSize: 3,
      startToken: 0,
      stopToken: 1,
      seed: 1,
    });
    const before = memory().numTensors;
    expect(() => toTfjs(model)).toThrow(RecurError);
    expect(() => toTfjs(model)).toThrow(/toTfjs: a Seq2Seq has no TF.js Layers equivalent/);
    expect(memory().numTensors).toBe(before);
    disposeModel(model);
  });

  it('refuses a cell Keras has no layer for (the MGU) with the registry reason', () => {
    const model = new LanguageModel({ vocabularySize: 5, hiddenSize: 3, cell: 'mgu', seed: 1 });
    const before = memory().numTensors;
    expect(() => toTfjs(model)).toThrow(
      /^toTfjs: Keras and TensorFlow.js have no minimal gated unit layer/,
    );
    expect(memory().numTensors).toBe(before);
    disposeModel(model);
  });

  it('leaves TF.js with no tensors', () => {
    expect(tf.memory().numTensors).toBe(0);
  });
});
