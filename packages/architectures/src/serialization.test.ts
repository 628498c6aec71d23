import { memory, RecurError, tensor, tidy } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { Captioner } from './captioner.js';
import { LanguageModel } from './language-model.js';
import { loadModel, type Model, saveModel, saveModelFiles, saveRecurModel } from './model-io.js';
import { Seq2Seq } from './seq2seq.js';
import { SequenceClassifier } from './sequence-classifier.js';
import { decodeModelFile, decodeWeights, encodeModelFile, encodeWeights } from './serialization.js';
import { signedPair } from './testing/model-files.js';

function perturb(model: Model): void {
  // Move every weight away from its seeded initial value, so loading cannot pass by re-seeding.
  for (const p of Object.values(model.parameters())) {
    const v = p.value.data() as Float32Array;
    for (let i = 0; i < v.length; i++) v[i] = v[i]! + 0.01 * Math.sin(i + 1);
    p.assign(tensor(v, p.shape));
  }
}

const ids = tensor([3, 1, 4, 1, 5, 2], [2, 3], 'int32');

const cases: [string, () => Model, (m: Model) => Float32Array][] = [
  [
    'LanguageModel',
    () =>
      new LanguageModel({ vocabularySize: 7, hiddenSize: 8, numLayers: 2, cell: 'gru', seed: 1 }),
    (m) => tidy(() => (m as LanguageModel).forward(ids).logits.value.data() as Float32Array),
  ],
  [
    'Seq2Seq',
    () =>
      new Seq2Seq({
        sourceVocabularySize: 7,
        targetVocabularySize: 6,
        hiddenSize: 8,
        startToken: 0,
        stopToken: 1,
        attention: 'additive',
        seed: 2,
      }),
    (m) =>
      tidy(
        () =>
          (m as Seq2Seq)
            .forward({
              source: ids,
              decoderInput: tensor([0, 2, 3, 0, 4, 5], [2, 3], 'int32'),
              decoderTarget: ids,
            })
            .value.data() as Float32Array,
      ),
  ],
  [
    'SequenceClassifier',
    () =>
      new SequenceClassifier({
        input: { kind: 'onehot', vocabularySize: 7 },
        hiddenSize: 8,
        outputSize: 3,
        bidirectional: true,
        readout: 'max',
        seed: 3,
      }),
    (m) => (m as SequenceClassifier).predict(ids, tensor([1, 1, 0, 1, 1, 1], [2, 3])),
  ],
  [
    'Captioner',
    () =>
      new Captioner({
        featureSize: 5,
        encoderSizes: [6],
        vocabularySize: 7,
        hiddenSize: 8,
        startToken: 0,
        stopToken: 1,
        injection: 'input',
        seed: 4,
      }),
    (m) =>
      tidy(
        () =>
          (m as Captioner)
            .forward({
              images: tensor([0.1, 0.2, 0.3, 0.4, 0.5, 1, 0, 1, 0, 1], [2, 5]),
              decoderInput: ids,
              decoderTarget: ids,
            })
            .value.data() as Float32Array,
      ),
  ],
];

describe('saveModel / loadModel', () => {
  for (const [name, make, run] of cases) {
    it(`${name}: a loaded model gives identical outputs, as safetensors, .recur and a pair`, () => {
      const model = make();
      perturb(model);
      const expected = run(model);
      const saved = [saveModel(model), saveRecurModel(model), saveModelFiles(model)];
      for (const loaded of saved.map((s) => loadModel(s))) {
        expect(loaded.constructor).toBe(model.constructor);
        expect(loaded.config).toEqual(model.config);
        expect(Array.from(run(loaded))).toEqual(Array.from(expected));
      }
    });
  }

  it('rejects corrupt .recur files with FORMAT errors', () => {
    const model = new LanguageModel({ vocabularySize: 5, hiddenSize: 4, seed: 1 });
    const bytes = saveRecurModel(model);
    expect(() => loadModel(bytes.slice(0, 10))).toThrow(/not a recur model/);
    const wrongMagic = bytes.slice();
    wrongMagic[0] = 0;
    expect(() => loadModel(wrongMagic)).toThrow(RecurError);
    expect(() => loadModel(bytes.slice(0, bytes.length - 12))).toThrow(/checksum/);
    const files = saveModelFiles(model);
    const json = JSON.parse(files.json);
    json.config.architecture = 'Evil';
    expect(() => loadModel(signedPair(json, files.weights))).toThrow(/architecture/);
    const renamed = JSON.parse(files.json);
    renamed.weights[0].name = 'other';
    expect(() => loadModel(signedPair(renamed, files.weights))).toThrow(/missing/);
    const reshaped = JSON.parse(files.json);
    reshaped.weights[0].shape = [1, 2, 3];
    expect(() => loadModel(signedPair(reshaped, files.weights))).toThrow(/byteLength/);
  });

  it('packs tensors at 8-byte offsets and reads them back exactly, int32 included', () => {
    const weights = {
      a: tensor([1.5, -2, 3], [3]),
      b: tensor([7, -8], [2], 'int32'),
      c: tensor([[0.25]], [1, 1]),
    };
    const { entries, data } = encodeWeights(weights);
    expect(entries.map((e) => e.offset)).toEqual([0, 16, 24]);
    const back = decodeWeights(entries, data);
    expect(Array.from(back.a!.data())).toEqual([1.5, -2, 3]);
    expect(back.b!.dtype).toBe('int32');
    expect(Array.from(back.b!.data())).toEqual([7, -8]);
    const { manifest } = decodeModelFile(encodeModelFile({ architecture: 'x', n: 1 }, weights));
    expect(manifest.config).toEqual({ architecture: 'x', n: 1 });
  });

  it('loading frees what it replaces', () => {
    const model = new SequenceClassifier({
      input: { kind: 'features', size: 3 },
      hiddenSize: 4,
      outputSize: 2,
      seed: 1,
    });
    const bytes = saveModel(model);
    loadModel(bytes);
    const before = memory().numTensors;
    loadModel(bytes);
    const perModel = memory().numTensors - before;
    expect(perModel).toBe(Object.keys(model.parameters()).length);
  });
});
