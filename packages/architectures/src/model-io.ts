import type { Variable } from '@recur/autograd';
import {
  checkOptions,
  dispose,
  formatShape,
  RecurError,
  shapesEqual,
  type Tensor,
} from '@recur/tensor';
import type { Captioner } from './captioner.js';
import {
  ARCHITECTURES,
  type Architecture,
  checkWeightsForConfig,
  describeConfig,
  type ModelConfig,
} from './check-weights.js';
import type { Forecaster } from './forecaster.js';
import { inferPyTorchConfig } from './infer-config.js';
import { withPlaceholderWeights } from './initialization.js';
import type { LanguageModel } from './language-model.js';
import {
  encodeModelSafetensors,
  type ModelExtras,
  readModelMetadata,
  type SaveModelOptions,
  weightsFromSafetensors,
} from './model-safetensors.js';
import type { TensorNaming } from './pytorch-names.js';
import { readSafetensors, type SafetensorsFile } from './safetensors.js';
import type { Seq2Seq } from './seq2seq.js';
import type { SequenceClassifier } from './sequence-classifier.js';
import {
  decodeModelFile,
  decodeModelFiles,
  decodeWeights,
  encodeModelFile,
  encodeModelFiles,
  type ModelFiles,
} from './serialization.js';

/** Any of the designs. */
export type Model = LanguageModel | Seq2Seq | SequenceClassifier | Captioner | Forecaster;

export type { Architecture };

function build(config: ModelConfig): Model {
  const Class = ARCHITECTURES[config.architecture] as new (config: ModelConfig) => Model;
  return new Class(config);
}

/**
 * A new model of the kind and shape `config` describes (fresh weights from its seed). The
 * config is checked first (`FORMAT` naming the field for a bad one), nothing allocated before.
 */
export function modelFromConfig(config: Record<string, unknown>): Model {
  return build(describeConfig(config, 'modelFromConfig').config);
}

/** Frees every parameter (value and gradient) of a model. */
export function disposeModel(model: Model): void {
  for (const p of Object.values(model.parameters())) p.dispose();
}

/**
 * A model of the kind `config` describes holding `weights` (taken over: the model owns them
 * afterwards; on an error they are left to the caller). The weight directory is checked against
 * the config with {@link checkWeightsForConfig} before anything is allocated, and the model is
 * built with cheap placeholder weights (no orthogonal initialisation), so the cost is
 * proportional to the weights given. How a checkpoint loader should rebuild a model.
 */
export function modelFromWeights(
  config: unknown,
  weights: Record<string, Tensor>,
  source: string,
): Model {
  const directory = Object.entries(weights).map(([name, t]) => ({
    name,
    shape: t.shape,
    dtype: t.dtype,
  }));
  const plan = checkWeightsForConfig(config, directory, source);
  const model = withPlaceholderWeights(() => build(plan.config));
  try {
    loadWeights(model.parameters(), weights);
  } catch (error) {
    disposeModel(model);
    throw error;
  }
  return model;
}

function weightsOf(model: Model): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const [name, p] of Object.entries(model.parameters())) out[name] = p.value;
  return out;
}

/**
 * The model as one safetensors file: its tensors under PyTorch's names and layouts (GRU models:
 * recur's own; see the package README), its config and the optional `vocabulary` / `tokenizer`
 * (JSON) in `__metadata__`, and a CRC-32 that {@link loadModel} verifies. Format in
 * `safetensors.ts` and `model-safetensors.ts`.
 */
export function saveModel(model: Model, options: SaveModelOptions = {}): Uint8Array {
  return encodeModelSafetensors(model, options);
}

/** The model as one legacy `.recur` file (format version 2, `serialization.ts`). */
export function saveRecurModel(model: Model): Uint8Array {
  return encodeModelFile(model.config as unknown as Record<string, unknown>, weightsOf(model));
}

/** The model as a pair: `model.json` text and `model.bin` bytes. */
export function saveModelFiles(model: Model): ModelFiles {
  return encodeModelFiles(model.config as unknown as Record<string, unknown>, weightsOf(model));
}

/** Options of {@link loadModel}. */
export interface LoadModelOptions {
  /** What to call the source in error messages, e.g. its path (default `model file` / `model.json`). */
  name?: string;
}

/**
 * Rebuilds a model saved by {@link saveModel} (safetensors), {@link saveRecurModel} (a legacy
 * `.recur` file, told apart by its first 8 bytes, `RECURMDL`) or {@link saveModelFiles} (a
 * pair). Reads data only, and checks everything before it allocates: the format (layout,
 * checksum), then the config against the weight directory ({@link checkWeightsForConfig});
 * only then is the model built and the weights copied in. Any problem is a `RecurError`
 * `FORMAT` naming the source and the field, nothing is left allocated, and time and memory
 * stay proportional to the file's size. The loaded model computes exactly what the saved one
 * did.
 */
export function loadModel(source: Uint8Array | ModelFiles, options: LoadModelOptions = {}): Model {
  return loadModelWithExtras(source, options).model;
}

/**
 * {@link loadModel}, and the vocabulary and tokenizer saved beside the model (parsed JSON,
 * undefined when none was saved or for a legacy file; check them with `Vocabulary.fromJSON` /
 * `tokenizerFromJSON` from `@recur/datasets`).
 */
export function loadModelWithExtras(
  source: Uint8Array | ModelFiles,
  options: LoadModelOptions = {},
): { model: Model } & ModelExtras {
  checkOptions('loadModel', options, ['name']);
  const single = source instanceof Uint8Array;
  const name = options.name ?? (single ? 'model file' : 'model.json');
  const fn = `loadModel (${name})`;
  if (single && !isLegacyFile(source)) {
    const file = readSafetensors(source, fn);
    const { config, naming, extras } = readModelMetadata(file, fn);
    return { model: modelFromSafetensors(file, config, naming, fn), ...extras };
  }
  const { manifest, data } = single ? decodeModelFile(source, fn) : decodeModelFiles(source, fn);
  const plan = checkWeightsForConfig(manifest.config, manifest.weights, fn);
  const model = withPlaceholderWeights(() => build(plan.config));
  try {
    const weights = decodeWeights(manifest.weights, data);
    try {
      loadWeights(model.parameters(), weights);
    } catch (error) {
      dispose(Object.values(weights));
      throw error;
    }
  } catch (error) {
    disposeModel(model);
    throw error;
  }
  return { model, vocabulary: undefined, tokenizer: undefined, start: undefined };
}

const isLegacyFile = (bytes: Uint8Array): boolean =>
  bytes.length >= 8 && String.fromCharCode(...bytes.subarray(0, 8)) === 'RECURMDL';

/** Options of {@link modelFromPyTorch}. */
export interface ModelFromPyTorchOptions {
  /** What to call the source in error messages (default `state dict`). */
  name?: string;
}

/**
 * A recur model from a PyTorch state dict saved as safetensors (e.g.
 * `safetensors.torch.save_file(module.state_dict(), path)`), named as the PyTorch mirror of
 * the model names its parameters (the table in the package README: `embedding.weight`,
 * `rnn.weight_ih_l0`, `rnn.weight_hh_l0_reverse`, `output.weight`, …). `config` says which
 * model and its sizes (as for the model's constructor, `architecture` included); for a
 * `LanguageModel` or `SequenceClassifier` the sizes the tensors show may be left out
 * ({@link inferPyTorchConfig}: e.g. `{ architecture: 'LanguageModel' }` for an LSTM). It may be
 * left out entirely for a file that records one (`recur.config`, as {@link saveModel} writes). Multi-layer
 * and bidirectional `nn.RNN` / `nn.LSTM` are read; `nn.RNN(nonlinearity='relu')` is
 * `cell: 'irnn'`. Every tensor the config implies must be there with its shape, and no other
 * (a `FORMAT` error names the missing and unexpected ones) — checked before anything is
 * allocated. `nn.GRU` is a GRU with `cellOptions: { resetAfter: true }` (inferred when the config
 * does not say); a "reset before" GRU config is refused, as no PyTorch module computes it.
 */
export function modelFromPyTorch(
  source: Uint8Array,
  config?: Record<string, unknown>,
  options: ModelFromPyTorchOptions = {},
): Model {
  checkOptions('modelFromPyTorch', options, ['name']);
  const fn = `modelFromPyTorch (${options.name ?? 'state dict'})`;
  const file = readSafetensors(source, fn);
  const recorded =
    config === undefined
      ? readModelMetadata(file, fn).config
      : inferPyTorchConfig(config, file.entries, fn);
  if (config === undefined && file.metadata['recur.naming'] !== 'pytorch') {
    throw new RecurError(
      'FORMAT',
      `${fn}: the file's tensors are not in PyTorch naming (recur.naming ${String(file.metadata['recur.naming'])}); use loadModel`,
    );
  }
  return modelFromSafetensors(file, recorded, 'pytorch', fn);
}

function modelFromSafetensors(
  file: SafetensorsFile,
  config: unknown,
  naming: TensorNaming,
  source: string,
): Model {
  const { plan, weights } = weightsFromSafetensors(file, config, naming, source);
  try {
    return modelFromWeights(plan.config, weights, source);
  } catch (error) {
    dispose(Object.values(weights));
    throw error;
  }
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
