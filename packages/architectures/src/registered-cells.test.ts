import { CELLS } from '@recur/cells';
import { memory, RecurError, tensor } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { Captioner } from './captioner.js';
import { Forecaster } from './forecaster.js';
import { LanguageModel } from './language-model.js';
import { disposeModel, loadModel, type Model, modelFromPyTorch, saveModel } from './model-io.js';
import { readSafetensors } from './safetensors.js';
import { Seq2Seq } from './seq2seq.js';
import { SequenceClassifier } from './sequence-classifier.js';
import { withoutMetadata } from './testing/safetensors-files.js';

/**
 * Every architecture takes any cell the registry of `@recur/cells` has, with no per-kind code
 * here: the MGU (added to the registry alone) builds, runs, saves and loads in every model.
 */

const cell = 'mgu' as const;

const models: [string, () => Model][] = [
  [
    'LanguageModel',
    () => new LanguageModel({ vocabularySize: 7, hiddenSize: 5, numLayers: 2, cell, seed: 1 }),
  ],
  [
    'SequenceClassifier',
    () =>
      new SequenceClassifier({
        input: { kind: 'embedding', vocabularySize: 6, size: 3 },
        hiddenSize: 4,
        numLayers: 2,
        bidirectional: true,
        outputSize: 3,
        cell,
        seed: 2,
      }),
  ],
  [
    'Seq2Seq',
    () =>
      new Seq2Seq({
        sourceVocabularySize: 6,
        targetVocabularySize: 5,
        hiddenSize: 4,
        numLayers: 2,
        cell,
        attention: 'general',
        targetInput: { kind: 'onehot' },
        startToken: 0,
        stopToken: 1,
        seed: 3,
      }),
  ],
  [
    'Captioner',
    () =>
      new Captioner({
        featureSize: 5,
        encoderSizes: [4, 3],
        vocabularySize: 6,
        hiddenSize: 4,
        numLayers: 2,
        cell,
        injection: 'state',
        startToken: 0,
        stopToken: 1,
        seed: 4,
      }),
  ],
  [
    'Forecaster',
    () => new Forecaster({ inputSize: 3, hiddenSize: 4, mode: 'last', horizon: 2, cell, seed: 5 }),
  ],
];

describe("a cell registered in @recur/cells alone (cell: 'mgu') in every architecture", () => {
  for (const [name, make] of models) {
    it(`${name}: builds MGU layers, saves in recur's naming and loads bit-identical`, () => {
      const before = memory().numTensors;
      const model = make();
      expect(model.config.cell).toBe('mgu');
      const recurrent = Object.entries(model.parameters()).filter(([n]) =>
        /layer0\.forward\.W_a$/.test(n),
      );
      expect(recurrent.length).toBeGreaterThan(0);
      for (const [, p] of recurrent) expect(p.shape[1]).toBe(2 * p.shape[0]!); // [H, 2H]
      const bytes = saveModel(model);
      expect(readSafetensors(bytes).metadata['recur.naming']).toBe('recur');
      const loaded = loadModel(bytes);
      expect(loaded.config).toEqual(model.config);
      for (const [n, p] of Object.entries(model.parameters())) {
        expect(Array.from(loaded.parameters()[n]!.value.data()), n).toEqual(
          Array.from(p.value.data()),
        );
      }
      disposeModel(loaded);
      disposeModel(model);
      expect(memory().numTensors).toBe(before);
    });
  }

  it('LanguageModel with MGU layers trains: the loss has a gradient for every parameter', () => {
    const model = new LanguageModel({ vocabularySize: 7, hiddenSize: 5, cell, seed: 1 });
    const inputs = tensor([0, 1, 2, 3, 4, 5], [2, 3], 'int32');
    const targets = tensor([1, 2, 3, 4, 5, 6], [2, 3], 'int32');
    const { loss } = model.loss({ inputs, targets });
    loss.backward();
    for (const [n, p] of Object.entries(model.parameters())) expect(p.grad, n).toBeTruthy();
    expect(Number.isFinite(loss.value.data()[0]!)).toBe(true);
    disposeModel(model);
  });

  it("refuses PyTorch names for it with the registry's reason, leaving no tensor", () => {
    expect('refused' in CELLS.mgu.pytorch).toBe(true);
    const lstm = new LanguageModel({ vocabularySize: 7, hiddenSize: 5, cell: 'lstm', seed: 1 });
    const stateDict = withoutMetadata(saveModel(lstm));
    const config = { ...(lstm.config as unknown as Record<string, unknown>), cell };
    disposeModel(lstm);
    const before = memory().numTensors;
    let thrown: unknown;
    try {
      modelFromPyTorch(stateDict, config);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(RecurError);
    expect((thrown as RecurError).code).toBe('FORMAT');
    expect((thrown as RecurError).message).toMatch(/PyTorch has no minimal gated unit module/);
    expect(memory().numTensors).toBe(before);
  });
});
