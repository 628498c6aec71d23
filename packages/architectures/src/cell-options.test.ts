import { RecurrentLayer } from '@recur/cells';
import { memory, RecurError, tensor, tidy } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { Captioner } from './captioner.js';
import { Forecaster } from './forecaster.js';
import { inferPyTorchConfig } from './infer-config.js';
import { LanguageModel } from './language-model.js';
import {
  disposeModel,
  loadModel,
  type Model,
  modelFromPyTorch,
  saveModel,
  saveRecurModel,
} from './model-io.js';
import { recurrentLayerSpecs } from './parameter-specs.js';
import { readSafetensors } from './safetensors.js';
import { Seq2Seq } from './seq2seq.js';
import { SequenceClassifier } from './sequence-classifier.js';
import { withoutMetadata } from './testing/safetensors-files.js';

// The model-level cell variants: `cellOptions` is checked, saved in the config, passed to every
// recurrent layer, and round-trips through every file format; an absent one is today's model.

const resetAfter = { resetAfter: true } as const;

const makers: [string, () => Model][] = [
  [
    'LanguageModel',
    () =>
      new LanguageModel({
        vocabularySize: 7,
        hiddenSize: 5,
        numLayers: 2,
        cell: 'gru',
        cellOptions: resetAfter,
        seed: 1,
      }),
  ],
  [
    'SequenceClassifier bidirectional',
    () =>
      new SequenceClassifier({
        input: { kind: 'features', size: 3 },
        hiddenSize: 4,
        bidirectional: true,
        outputSize: 2,
        cell: 'gru',
        cellOptions: resetAfter,
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
        cell: 'gru',
        cellOptions: resetAfter,
        attention: 'general',
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
        vocabularySize: 6,
        hiddenSize: 4,
        cell: 'gru',
        cellOptions: resetAfter,
        startToken: 0,
        stopToken: 1,
        seed: 4,
      }),
  ],
  [
    'Forecaster',
    () =>
      new Forecaster({
        inputSize: 2,
        hiddenSize: 4,
        numLayers: 2,
        cell: 'gru',
        cellOptions: resetAfter,
        seed: 5,
      }),
  ],
];

function perturb(model: Model): Model {
  for (const [name, p] of Object.entries(model.parameters())) {
    const v = p.value.data() as Float32Array;
    for (let i = 0; i < v.length; i++) v[i] = v[i]! + 0.01 * Math.sin(i + name.length);
    p.assign(tensor(v, p.shape));
  }
  return model;
}

const valuesOf = (m: Model): Record<string, number[]> =>
  Object.fromEntries(
    Object.entries(m.parameters()).map(([n, p]) => [n, Array.from(p.value.data())]),
  );

describe('model cellOptions', () => {
  for (const [name, make] of makers) {
    it(`${name}: a reset-after GRU in every layer (b_a), saved in the config, round-trips`, () => {
      const before = memory().numTensors;
      const model = perturb(make());
      expect(model.config.cellOptions).toEqual({ resetAfter: true });
      const recurrentBiases = Object.keys(model.parameters()).filter((n) => n.endsWith('.b_a'));
      const layers = Object.keys(model.parameters()).filter((n) =>
        /layer\d+\.(forward|backward)\.W_a$/.test(n),
      );
      expect(recurrentBiases.length).toBe(layers.length);
      expect(layers.length).toBeGreaterThan(0);
      for (const bytes of [saveModel(model), saveRecurModel(model)]) {
        const loaded = loadModel(bytes);
        expect(loaded.config).toEqual(model.config);
        expect(valuesOf(loaded)).toEqual(valuesOf(model));
        disposeModel(loaded);
      }
      disposeModel(model);
      expect(memory().numTensors).toBe(before);
    });
  }

  it('recurrentLayerSpecs describes the b_a a reset-after GRU layer makes', () => {
    const options = { inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true } as const;
    const layer = new RecurrentLayer({ cell: 'gru', ...options, cellOptions: resetAfter, seed: 1 });
    const built = Object.entries(layer.parameters()).map(([name, p]) => [name, p.shape]);
    const specs = recurrentLayerSpecs({ cell: 'gru', ...options, cellOptions: resetAfter });
    expect(specs.map((s) => [s.name, s.shape])).toEqual(built);
    expect(specs.filter((s) => s.name.endsWith('.b_a')).length).toBe(4);
    layer.dispose();
  });

  for (const cell of ['lstm', 'gru'] as const) {
    it(`${cell} with hardSigmoid gates: every layer's cells take them; round-trips in recur naming`, () => {
      const before = memory().numTensors;
      const make = (recurrentActivation: 'sigmoid' | 'hardSigmoid') =>
        new SequenceClassifier({
          input: { kind: 'features', size: 3 },
          hiddenSize: 4,
          numLayers: 2,
          bidirectional: true,
          outputSize: 2,
          cell,
          cellOptions: { recurrentActivation },
          seed: 6,
        });
      const hard = perturb(make('hardSigmoid')) as SequenceClassifier;
      const soft = perturb(make('sigmoid')) as SequenceClassifier;
      const cells = hard.rnn.cells.flatMap((l) => [l.forward, ...(l.backward ? [l.backward] : [])]);
      expect(cells.length).toBe(4);
      for (const c of cells)
        expect((c as unknown as { recurrentActivation: string }).recurrentActivation).toBe(
          'hardSigmoid',
        );
      const x = tensor(
        Array.from({ length: 2 * 4 * 3 }, (_, i) => Math.sin(i)),
        [2, 4, 3],
      );
      const run = (m: SequenceClassifier) => tidy(() => Array.from(m.forward(x).value.data()));
      expect(run(hard)).not.toEqual(run(soft));
      const bytes = saveModel(hard);
      expect(readSafetensors(bytes).metadata['recur.naming']).toBe('recur');
      for (const file of [bytes, saveRecurModel(hard)]) {
        const loaded = loadModel(file) as SequenceClassifier;
        expect(loaded.config).toEqual(hard.config);
        expect(run(loaded)).toEqual(run(hard));
        disposeModel(loaded);
      }
      expect(() => modelFromPyTorch(withoutMetadata(bytes), { ...hard.config })).toThrow(
        /recurrentActivation is 'hardSigmoid'.*only the logistic sigmoid/,
      );
      x.dispose();
      disposeModel(hard);
      disposeModel(soft);
      expect(memory().numTensors).toBe(before);
    });
  }

  it('an absent cellOptions stays absent: the config and parameters of before', () => {
    const model = new LanguageModel({ vocabularySize: 7, hiddenSize: 5, cell: 'gru', seed: 1 });
    expect('cellOptions' in model.config).toBe(false);
    expect(Object.keys(model.parameters()).some((n) => n.endsWith('.b_a'))).toBe(false);
    const loaded = loadModel(saveModel(model));
    expect('cellOptions' in loaded.config).toBe(false);
    disposeModel(loaded);
    disposeModel(model);
  });

  it('a reset-after GRU computes something else than a reset-before one', () => {
    const ids = tensor([1, 2, 3, 4], [1, 4], 'int32');
    const logits = (cellOptions?: { resetAfter: boolean }) => {
      const m = new LanguageModel({
        vocabularySize: 7,
        hiddenSize: 5,
        cell: 'gru',
        seed: 1,
        ...(cellOptions ? { cellOptions } : {}),
      });
      // Same weights where both have them; a nonzero b_a so the variants must differ.
      for (const p of Object.values(m.parameters()))
        p.assign(
          tidy(() =>
            tensor(
              Array.from(p.value.data(), (_, i) => 0.3 * Math.sin(i + 1)),
              p.shape,
            ),
          ),
        );
      const out = tidy(() => Array.from(m.forward(ids).logits.value.data()));
      disposeModel(m);
      return out;
    };
    const before = logits();
    const after = logits({ resetAfter: true });
    expect(after).not.toEqual(before);
    ids.dispose();
  });

  const refusals: [string, () => unknown, RegExp][] = [
    [
      'an unknown key',
      () =>
        new LanguageModel({
          vocabularySize: 5,
          hiddenSize: 3,
          cell: 'gru',
          cellOptions: { resetBefore: true } as never,
        }),
      /LanguageModel\.cellOptions.*resetBefore/,
    ],
    [
      'resetAfter on an LSTM',
      () =>
        new LanguageModel({
          vocabularySize: 5,
          hiddenSize: 3,
          cell: 'lstm',
          cellOptions: { resetAfter: true },
        }),
      /LanguageModel\.cellOptions: resetAfter is not an option of a 'lstm' cell \(it takes recurrentActivation\)/,
    ],
    [
      'recurrentActivation on an RNN',
      () =>
        new SequenceClassifier({
          input: { kind: 'features', size: 2 },
          hiddenSize: 3,
          outputSize: 2,
          cell: 'rnn',
          cellOptions: { recurrentActivation: 'sigmoid' },
        }),
      /SequenceClassifier\.cellOptions: recurrentActivation is not an option of a 'rnn' cell \(it takes none\)/,
    ],
    [
      'an unknown activation',
      () =>
        new LanguageModel({
          vocabularySize: 5,
          hiddenSize: 3,
          cell: 'gru',
          cellOptions: { recurrentActivation: 'relu' as never },
        }),
      /LanguageModel\.cellOptions: recurrentActivation is "relu"; expected sigmoid, hardSigmoid/,
    ],
    [
      'a resetAfter that is not a boolean',
      () =>
        new LanguageModel({
          vocabularySize: 5,
          hiddenSize: 3,
          cell: 'gru',
          cellOptions: { resetAfter: 1 as never },
        }),
      /LanguageModel\.cellOptions: resetAfter must be true or false, got 1/,
    ],
  ];
  for (const [what, run, pattern] of refusals) {
    it(`refuses ${what} with ARGUMENT, leaving no tensor`, () => {
      const before = memory().numTensors;
      let caught: unknown;
      try {
        run();
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(RecurError);
      expect((caught as RecurError).code).toBe('ARGUMENT');
      expect((caught as RecurError).message).toMatch(pattern);
      expect(memory().numTensors).toBe(before);
    });
  }
});

describe('GRU models and PyTorch names', () => {
  it('a reset-after GRU is saved in PyTorch naming and imports as nn.GRU, bit for bit', () => {
    const model = perturb(makers[1]![1]());
    const bytes = saveModel(model);
    const imported = modelFromPyTorch(withoutMetadata(bytes), {
      architecture: 'SequenceClassifier',
      input: { kind: 'features', size: 3 },
      seed: 2,
    });
    expect(imported.config).toEqual(model.config);
    expect(valuesOf(imported)).toEqual(valuesOf(model));
    disposeModel(imported);
    disposeModel(model);
  });

  it('a reset-before GRU config is refused with a message naming resetAfter', () => {
    const model = perturb(makers[0]![1]());
    const stateDict = withoutMetadata(saveModel(model));
    const before = memory().numTensors;
    const config = { ...model.config, cellOptions: { resetAfter: false } };
    expect(() => modelFromPyTorch(stateDict, config)).toThrow(
      /"reset before".*cellOptions: \{ resetAfter: true \}/,
    );
    expect(memory().numTensors).toBe(before);
    disposeModel(model);
  });

  it('inferPyTorchConfig reads a 3-gate nn.GRU as a reset-after GRU, keeping given options', () => {
    const weights = [
      { name: 'rnn.weight_ih_l0', shape: [15, 4], dtype: 'float32' as const },
      { name: 'rnn.weight_hh_l0', shape: [15, 5], dtype: 'float32' as const },
      { name: 'output.weight', shape: [7, 5], dtype: 'float32' as const },
    ];
    const lm = inferPyTorchConfig({ architecture: 'LanguageModel' }, weights, 'f');
    expect(lm.cell).toBe('gru');
    expect(lm.cellOptions).toEqual({ resetAfter: true });
    const given = inferPyTorchConfig(
      { architecture: 'LanguageModel', cellOptions: { recurrentActivation: 'sigmoid' } },
      weights,
      'f',
    );
    expect(given.cellOptions).toEqual({ recurrentActivation: 'sigmoid', resetAfter: true });
    const explicit = inferPyTorchConfig(
      { architecture: 'LanguageModel', cellOptions: { resetAfter: false } },
      weights,
      'f',
    );
    expect(explicit.cellOptions).toEqual({ resetAfter: false });
  });
});
