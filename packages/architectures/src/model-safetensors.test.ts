import { CharTokenizer } from '@recur/datasets';
import { memory, RecurError, tensor } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { Captioner } from './captioner.js';
import { LanguageModel } from './language-model.js';
import {
  disposeModel,
  loadModel,
  loadModelWithExtras,
  type Model,
  modelFromPyTorch,
  saveModel,
  saveRecurModel,
} from './model-io.js';
import { readSafetensors } from './safetensors.js';
import { Seq2Seq } from './seq2seq.js';
import { SequenceClassifier } from './sequence-classifier.js';
import {
  craftSafetensors,
  splitSafetensors,
  withoutMetadata,
} from './testing/safetensors-files.js';

function expectFormat(run: () => unknown, pattern: RegExp): void {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(RecurError);
  expect((caught as RecurError).code).toBe('FORMAT');
  expect((caught as RecurError).message).toMatch(pattern);
}

/** Every weight moved off its seeded value, one bias element made -0. */
function perturb(model: Model): Model {
  for (const [name, p] of Object.entries(model.parameters())) {
    const v = p.value.data() as Float32Array;
    for (let i = 0; i < v.length; i++) v[i] = v[i]! + 0.01 * Math.sin(i + name.length);
    if (/\.b(_h)?$/.test(name)) v[0] = -0;
    p.assign(tensor(v, p.shape));
  }
  return model;
}

const bitsOf = (m: Model): Record<string, number[]> =>
  Object.fromEntries(
    Object.entries(m.parameters()).map(([n, p]) => [
      n,
      Array.from(new Uint32Array((p.value.data() as Float32Array).slice().buffer)),
    ]),
  );

const lm = (cell: 'rnn' | 'irnn' | 'lstm' | 'gru') =>
  new LanguageModel({ vocabularySize: 7, hiddenSize: 5, numLayers: 2, cell, seed: 1 });
const classifier = (cell: 'rnn' | 'lstm') =>
  new SequenceClassifier({
    input: { kind: 'embedding', vocabularySize: 6, size: 3 },
    hiddenSize: 4,
    numLayers: 2,
    bidirectional: true,
    outputSize: 3,
    cell,
    seed: 2,
  });
const seq2seq = (attention: 'dot' | 'general' | 'additive' | null) =>
  new Seq2Seq({
    sourceVocabularySize: 6,
    targetVocabularySize: 5,
    hiddenSize: 4,
    numLayers: 2,
    cell: 'lstm',
    attention,
    targetInput: { kind: 'onehot' },
    startToken: 0,
    stopToken: 1,
    seed: 3,
  });
const captioner = (injection: 'state' | 'input', cell: 'lstm' | 'gru' | 'irnn') =>
  new Captioner({
    featureSize: 5,
    encoderSizes: [4, 3],
    vocabularySize: 6,
    hiddenSize: 4,
    numLayers: 2,
    cell,
    injection,
    startToken: 0,
    stopToken: 1,
    seed: 4,
  });

const models: [string, () => Model][] = [
  ['LanguageModel rnn', () => lm('rnn')],
  ['LanguageModel irnn', () => lm('irnn')],
  ['LanguageModel lstm', () => lm('lstm')],
  ['LanguageModel gru (recur names)', () => lm('gru')],
  ['SequenceClassifier bidirectional lstm', () => classifier('lstm')],
  ['SequenceClassifier bidirectional rnn', () => classifier('rnn')],
  ['Seq2Seq', () => seq2seq(null)],
  ['Seq2Seq dot attention', () => seq2seq('dot')],
  ['Seq2Seq general attention', () => seq2seq('general')],
  ['Seq2Seq additive attention', () => seq2seq('additive')],
  ['Captioner state injection', () => captioner('state', 'lstm')],
  ['Captioner input injection irnn', () => captioner('input', 'irnn')],
  ['Captioner gru', () => captioner('state', 'gru')],
];

describe('saveModel / loadModel as safetensors', () => {
  for (const [name, make] of models) {
    it(`${name}: bit-identical round trip, through modelFromPyTorch too`, () => {
      const model = perturb(make());
      const bytes = saveModel(model);
      const before = memory().numTensors;
      const loaded = loadModel(bytes);
      expect(loaded.constructor).toBe(model.constructor);
      expect(loaded.config).toEqual(model.config);
      expect(bitsOf(loaded)).toEqual(bitsOf(model));
      disposeModel(loaded);
      expect(memory().numTensors).toBe(before);
      const file = readSafetensors(bytes);
      expect(file.checksummed).toBe(true);
      const naming = file.metadata['recur.naming'];
      expect(naming).toBe(model.config.cell === 'gru' ? 'recur' : 'pytorch');
      if (naming === 'pytorch') {
        // As a PyTorch tool writes it: no metadata, name order; a config given instead.
        const config = model.config as unknown as Record<string, unknown>;
        const imported = modelFromPyTorch(withoutMetadata(bytes), config);
        expect(bitsOf(imported)).toEqual(bitsOf(model));
        disposeModel(imported);
      }
      disposeModel(model);
    });
  }

  it('names and lays out tensors as PyTorch modules do', () => {
    const model = classifier('lstm');
    const { header } = splitSafetensors(saveModel(model));
    const shapes = Object.fromEntries(
      Object.entries(header)
        .filter(([k]) => k !== '__metadata__')
        .map(([k, v]) => [k, (v as { shape: number[] }).shape]),
    );
    expect(shapes).toEqual({
      'embedding.weight': [6, 3],
      'rnn.weight_ih_l0': [16, 3],
      'rnn.weight_hh_l0': [16, 4],
      'rnn.bias_ih_l0': [16],
      'rnn.bias_hh_l0': [16],
      'rnn.weight_ih_l0_reverse': [16, 3],
      'rnn.weight_hh_l0_reverse': [16, 4],
      'rnn.bias_ih_l0_reverse': [16],
      'rnn.bias_hh_l0_reverse': [16],
      'rnn.weight_ih_l1': [16, 8],
      'rnn.weight_hh_l1': [16, 4],
      'rnn.bias_ih_l1': [16],
      'rnn.bias_hh_l1': [16],
      'rnn.weight_ih_l1_reverse': [16, 8],
      'rnn.weight_hh_l1_reverse': [16, 4],
      'rnn.bias_ih_l1_reverse': [16],
      'rnn.bias_hh_l1_reverse': [16],
      'output.weight': [3, 8],
      'output.bias': [3],
    });
    const file = readSafetensors(saveModel(model));
    const entry = (n: string) => file.entries.find((e) => e.name === n)!;
    const values = (n: string) =>
      new Float32Array(file.data.slice(entry(n).begin, entry(n).end).buffer);
    // weight_ih is W_x transposed; bias_ih is b, bias_hh zeros.
    const W = model.parameters()['rnn.layer1.backward.W_x']!.value.data();
    const ih = values('rnn.weight_ih_l1_reverse');
    expect(ih[2 * 8 + 5]).toBe(W[5 * 16 + 2]);
    expect(Array.from(values('rnn.bias_ih_l0'))).toEqual(
      Array.from(model.parameters()['rnn.layer0.forward.b']!.value.data()),
    );
    expect(values('rnn.bias_hh_l0').every((v) => v === 0)).toBe(true);
    disposeModel(model);
  });

  it('saves a vocabulary and a tokenizer beside the model and returns them', () => {
    const tokenizer = CharTokenizer.fromText('hello world');
    const model = lm('lstm');
    const bytes = saveModel(model, { tokenizer, vocabulary: tokenizer.vocabulary });
    const { model: loaded, tokenizer: t, vocabulary: v } = loadModelWithExtras(bytes);
    expect(t).toEqual(JSON.parse(JSON.stringify(tokenizer.toJSON())));
    expect(v).toEqual(JSON.parse(JSON.stringify(tokenizer.vocabulary.toJSON())));
    const legacy = loadModelWithExtras(saveRecurModel(model));
    expect(legacy.tokenizer).toBeUndefined();
    expect(() => saveModel(model, { vocab: 1 } as never)).toThrow(/unknown option|vocab/);
    expect(() => saveModel(model, { vocabulary: 10n })).toThrow(/not JSON-serialisable/);
    for (const m of [model, loaded, legacy.model]) disposeModel(m);
  });
});

describe('hostile model files and state dicts', () => {
  const model = perturb(lm('lstm'));
  const bytes = saveModel(model);
  const { header, data } = splitSafetensors(bytes);
  const meta = header.__metadata__ as Record<string, string>;
  /** The same file with other metadata (no checksum: the checks behind it are reached). */
  const withMeta = (patch: Record<string, string | undefined>) => {
    const { 'recur.crc32': _, ...rest } = { ...meta, ...patch };
    const m = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
    return craftSafetensors({ ...header, __metadata__: m }, data);
  };
  const config = JSON.parse(meta['recur.config']!);
  const gru = lm('gru');
  const gruBytes = saveModel(gru);
  disposeModel(gru);
  const stateDict = withoutMetadata(bytes);
  const renamed = (from: string, to: string) => {
    const h = splitSafetensors(stateDict);
    h.header[to] = h.header[from];
    delete h.header[from];
    return craftSafetensors(h.header, h.data);
  };

  const cases: [string, () => unknown, RegExp][] = [
    [
      'a file without recur.config',
      () => loadModel(stateDict),
      /no recur.config: not a model saved by recur \(for a PyTorch state dict, use modelFromPyTorch/,
    ],
    [
      'an unknown recur. key',
      () => loadModel(withMeta({ 'recur.extra': '1' })),
      /unknown __metadata__ key recur.extra/,
    ],
    [
      'a bad naming',
      () => loadModel(withMeta({ 'recur.naming': 'tf' })),
      /recur.naming is "tf"; expected pytorch or recur/,
    ],
    [
      'config that is not JSON',
      () => loadModel(withMeta({ 'recur.config': '{' })),
      /recur.config is not valid JSON/,
    ],
    [
      'hiddenSize 3000 beside a few KB of weights',
      () =>
        loadModel(withMeta({ 'recur.config': JSON.stringify({ ...config, hiddenSize: 3000 }) })),
      /weight rnn.weight_ih_l0 is float32 \[20,32\]; config \(LanguageModel, PyTorch names\) implies float32 \[12000,32\]/,
    ],
    [
      'an unknown architecture',
      () => loadModel(withMeta({ 'recur.config': '{"architecture":"Evil"}' })),
      /config.architecture is "Evil"/,
    ],
    [
      'a missing tensor',
      () => modelFromPyTorch(renamed('rnn.bias_hh_l1', 'rnn.bias_hh_l9'), config),
      /missing rnn.bias_hh_l1; unexpected rnn.bias_hh_l9/,
    ],
    [
      'a reset-before GRU config',
      () =>
        modelFromPyTorch(stateDict, { ...config, cell: 'gru', cellOptions: { resetAfter: false } }),
      /nn.GRU computes "reset after".*"reset before"/,
    ],
    ['a state dict without a config', () => modelFromPyTorch(stateDict), /no recur.config/],
    [
      'a recur-named (GRU) file without a config',
      () => modelFromPyTorch(gruBytes),
      /not in PyTorch naming/,
    ],
  ];
  for (const [what, run, pattern] of cases) {
    it(`refuses ${what} with FORMAT, leaving no tensor`, () => {
      const before = memory().numTensors;
      expectFormat(run, pattern);
      expect(memory().numTensors).toBe(before);
    });
  }

  it('a config asking for far more than the file holds is refused in milliseconds', () => {
    const started = performance.now();
    expectFormat(
      () =>
        loadModel(withMeta({ 'recur.config': JSON.stringify({ ...config, hiddenSize: 3000 }) })),
      /implies/,
    );
    expect(performance.now() - started).toBeLessThan(200);
  });

  it('loading many times keeps the tensor count flat', () => {
    const first = loadModel(bytes);
    disposeModel(first);
    const before = memory().numTensors;
    for (let i = 0; i < 20; i++) disposeModel(loadModel(bytes));
    expect(memory().numTensors).toBe(before);
  });
});

describe('loading from a Node Buffer', () => {
  it('reads the bytes the Buffer views, not the pool behind it (safetensors and .recur)', () => {
    const model = perturb(lm('lstm'));
    for (const bytes of [saveModel(model), saveRecurModel(model)]) {
      // A Buffer at an offset inside a larger ArrayBuffer, as fs.readFileSync returns small files.
      const pooled = Buffer.concat([Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]), Buffer.from(bytes)]);
      const view = pooled.subarray(8);
      const loaded = loadModel(view);
      expect(bitsOf(loaded)).toEqual(bitsOf(model));
      disposeModel(loaded);
    }
    disposeModel(model);
  });
});

describe('modelFromPyTorch infers what the shapes say', () => {
  const cases: [string, () => Model, Record<string, unknown>][] = [
    [
      'an LSTM language model from its architecture alone',
      () => lm('lstm'),
      { architecture: 'LanguageModel' },
    ],
    [
      'a one-hot RNN language model given its cell',
      () =>
        new LanguageModel({
          vocabularySize: 5,
          hiddenSize: 3,
          input: { kind: 'onehot' },
          cell: 'rnn',
          seed: 5,
        }),
      { architecture: 'LanguageModel', cell: 'rnn' },
    ],
    [
      'a bidirectional RNN classifier given its cell',
      () => classifier('rnn'),
      { architecture: 'SequenceClassifier', cell: 'rnn' },
    ],
    [
      'a features classifier given its input',
      () =>
        new SequenceClassifier({
          input: { kind: 'features', size: 3 },
          hiddenSize: 4,
          numLayers: 3,
          outputSize: 2,
          seed: 6,
        }),
      { architecture: 'SequenceClassifier', input: { kind: 'features', size: 3 } },
    ],
  ];
  for (const [what, make, partial] of cases) {
    it(what, () => {
      const model = perturb(make());
      const imported = modelFromPyTorch(withoutMetadata(saveModel(model)), partial);
      // Everything but the seed of the initial weights, which a state dict does not record.
      expect({ ...imported.config, seed: model.config.seed }).toEqual(model.config);
      expect(bitsOf(imported)).toEqual(bitsOf(model));
      for (const m of [model, imported]) disposeModel(m);
    });
  }

  it('refuses to guess, naming the field: tanh or relu, features or one-hot', () => {
    const rnn = lm('rnn');
    const bytes = withoutMetadata(saveModel(rnn));
    expectFormat(
      () => modelFromPyTorch(bytes, { architecture: 'LanguageModel' }),
      /config.cell is not given and nn.RNN weights do not say tanh \(cell rnn\) or relu \(cell irnn\)/,
    );
    const features = new SequenceClassifier({
      input: { kind: 'features', size: 3 },
      hiddenSize: 4,
      outputSize: 2,
    });
    const f = withoutMetadata(saveModel(features));
    expectFormat(
      () => modelFromPyTorch(f, { architecture: 'SequenceClassifier' }),
      /config.input is not given and without embedding.weight the input may be features or one-hot/,
    );
    // A given size that disagrees with the file is refused by the directory check.
    expectFormat(
      () => modelFromPyTorch(bytes, { architecture: 'LanguageModel', cell: 'rnn', hiddenSize: 6 }),
      /implies float32/,
    );
    for (const m of [rnn, features]) disposeModel(m);
  });
});
