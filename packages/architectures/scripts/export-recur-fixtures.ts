/**
 * Step 1 of the PyTorch fixtures (run by hand, not in CI; see the README, "PyTorch fixtures"):
 * writes seeded recur models as safetensors into `fixtures/pytorch/recur-*.safetensors`, for
 * `make-pytorch-fixtures.py` to load into PyTorch modules and record their logits.
 *
 *     pnpm --filter @recur/architectures exec tsx scripts/export-recur-fixtures.ts
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tensor } from '@recur/tensor';
import { LanguageModel, type Model, Seq2Seq, SequenceClassifier, saveModel } from '../src/index.js';

const directory = fileURLToPath(new URL('../fixtures/pytorch/', import.meta.url));

/** Moves every weight off its initial value (biases included), deterministically. */
function perturb(model: Model): Model {
  for (const [name, p] of Object.entries(model.parameters())) {
    const v = p.value.data() as Float32Array;
    for (let i = 0; i < v.length; i++) v[i] = v[i]! + 0.1 * Math.sin(1 + i + 3 * name.length);
    p.assign(tensor(v, p.shape));
  }
  return model;
}

const models: Record<string, Model> = {
  'lstm-lm': new LanguageModel({
    vocabularySize: 11,
    input: { kind: 'embedding', size: 4 },
    cell: 'lstm',
    hiddenSize: 6,
    numLayers: 2,
    seed: 11,
  }),
  'irnn-onehot-lm': new LanguageModel({
    vocabularySize: 9,
    input: { kind: 'onehot' },
    cell: 'irnn',
    hiddenSize: 5,
    seed: 12,
  }),
  'lstm-bidirectional-classifier': new SequenceClassifier({
    input: { kind: 'features', size: 4 },
    cell: 'lstm',
    hiddenSize: 6,
    numLayers: 2,
    bidirectional: true,
    outputSize: 3,
    seed: 13,
  }),
  'rnn-bidirectional-classifier': new SequenceClassifier({
    input: { kind: 'embedding', vocabularySize: 10, size: 4 },
    cell: 'rnn',
    hiddenSize: 5,
    bidirectional: true,
    outputSize: 2,
    seed: 14,
  }),
  'gru-lm': new LanguageModel({
    vocabularySize: 10,
    input: { kind: 'embedding', size: 4 },
    cell: 'gru',
    cellOptions: { resetAfter: true },
    hiddenSize: 5,
    numLayers: 2,
    seed: 16,
  }),
  'gru-bidirectional-classifier': new SequenceClassifier({
    input: { kind: 'features', size: 3 },
    cell: 'gru',
    cellOptions: { resetAfter: true },
    hiddenSize: 4,
    bidirectional: true,
    outputSize: 3,
    seed: 17,
  }),
  'lstm-general-attention-seq2seq': new Seq2Seq({
    sourceVocabularySize: 8,
    targetVocabularySize: 7,
    sourceInput: { kind: 'embedding', size: 4 },
    targetInput: { kind: 'embedding', size: 3 },
    cell: 'lstm',
    hiddenSize: 5,
    numLayers: 2,
    attention: 'general',
    startToken: 0,
    stopToken: 1,
    seed: 15,
  }),
};

for (const [name, model] of Object.entries(models)) {
  const bytes = saveModel(perturb(model));
  writeFileSync(`${directory}recur-${name}.safetensors`, bytes);
  console.info(`recur-${name}.safetensors: ${bytes.length} bytes`);
}
