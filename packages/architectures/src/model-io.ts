import type { Variable } from '@recur/autograd';
import { dispose, formatShape, RecurError, shapesEqual, type Tensor } from '@recur/tensor';
import { Captioner, type CaptionerOptions } from './captioner.js';
import { LanguageModel, type LanguageModelOptions } from './language-model.js';
import { Seq2Seq, type Seq2SeqOptions } from './seq2seq.js';
import { SequenceClassifier, type SequenceClassifierOptions } from './sequence-classifier.js';
import {
  decodeModelFile,
  decodeModelFiles,
  decodeWeights,
  encodeModelFile,
  encodeModelFiles,
  type ModelFiles,
  type ModelManifest,
} from './serialization.js';

/** Any of the four designs. */
export type Model = LanguageModel | Seq2Seq | SequenceClassifier | Captioner;

/** The name in `config.architecture` for each design. */
export type Architecture = Model['config']['architecture'];

const builders: Record<Architecture, (config: Record<string, unknown>) => Model> = {
  LanguageModel: (c) => new LanguageModel(c as unknown as LanguageModelOptions),
  Seq2Seq: (c) => new Seq2Seq(c as unknown as Seq2SeqOptions),
  SequenceClassifier: (c) => new SequenceClassifier(c as unknown as SequenceClassifierOptions),
  Captioner: (c) => new Captioner(c as unknown as CaptionerOptions),
};

/** A new model of the kind and shape `config` describes (fresh weights from its seed). */
export function modelFromConfig(config: Record<string, unknown>): Model {
  const kind = config.architecture;
  const build =
    typeof kind === 'string' && Object.hasOwn(builders, kind)
      ? builders[kind as Architecture]
      : undefined;
  if (!build) {
    throw new RecurError(
      'FORMAT',
      `modelFromConfig: config.architecture is ${JSON.stringify(kind)}; expected one of ${Object.keys(builders).join(', ')}`,
    );
  }
  return build(config);
}

function weightsOf(model: Model): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const [name, p] of Object.entries(model.parameters())) out[name] = p.value;
  return out;
}

/** The model as one `.recur` file (config JSON + weights; format in `serialization.ts`). */
export function saveModel(model: Model): Uint8Array {
  return encodeModelFile(model.config as unknown as Record<string, unknown>, weightsOf(model));
}

/** The model as a pair: `model.json` text and `model.bin` bytes. */
export function saveModelFiles(model: Model): ModelFiles {
  return encodeModelFiles(model.config as unknown as Record<string, unknown>, weightsOf(model));
}

/**
 * Rebuilds a model saved by {@link saveModel} (bytes) or {@link saveModelFiles} (a pair). Reads
 * data only: the config is parsed JSON checked by the model's constructor, the weights are
 * copied into tensors after their names, shapes and byte ranges are checked. The loaded model
 * computes exactly what the saved one did.
 */
export function loadModel(source: Uint8Array | ModelFiles): Model {
  const { manifest, data } =
    source instanceof Uint8Array ? decodeModelFile(source) : decodeModelFiles(source);
  return fromManifest(manifest, data);
}

function fromManifest(manifest: ModelManifest, data: Uint8Array): Model {
  const model = modelFromConfig(manifest.config);
  const weights = decodeWeights(manifest.weights, data);
  try {
    loadWeights(model.parameters(), weights);
  } catch (error) {
    dispose(weights);
    throw error;
  }
  return model;
}

/**
 * Replaces each parameter's value with the tensor of the same name (taking it over). Every
 * parameter needs exactly one tensor of its shape, and no tensor may be left over.
 */
export function loadWeights(
  parameters: Record<string, Variable>,
  weights: Record<string, Tensor>,
): void {
  const fn = 'loadWeights';
  const missing = Object.keys(parameters).filter((n) => !Object.hasOwn(weights, n));
  const extra = Object.keys(weights).filter((n) => !Object.hasOwn(parameters, n));
  if (missing.length > 0 || extra.length > 0) {
    throw new RecurError(
      'FORMAT',
      `${fn}: the weights do not match the model: missing ${missing.join(', ') || 'none'}; unexpected ${extra.join(', ') || 'none'}`,
    );
  }
  for (const [name, p] of Object.entries(parameters)) {
    const w = weights[name]!;
    if (!shapesEqual(w.shape, p.shape) || w.dtype !== p.value.dtype) {
      throw new RecurError(
        'FORMAT',
        `${fn}: ${name} is ${w.dtype} ${formatShape(w.shape)}; the model expects ${p.value.dtype} ${formatShape(p.shape)}`,
      );
    }
  }
  for (const [name, p] of Object.entries(parameters)) p.assign(weights[name]!);
}
