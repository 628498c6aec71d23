import type { Variable } from '@recur/autograd';
import { dispose, formatShape, RecurError, shapesEqual, type Tensor } from '@recur/tensor';
import type { Captioner } from './captioner.js';
import {
  ARCHITECTURES,
  type Architecture,
  checkWeightsForConfig,
  describeConfig,
  type ModelConfig,
} from './check-weights.js';
import type { Forecaster } from './forecaster.js';
import { withPlaceholderWeights } from './initialization.js';
import type { LanguageModel } from './language-model.js';
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

/** The model as one `.recur` file (config JSON + weights; format in `serialization.ts`). */
export function saveModel(model: Model): Uint8Array {
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
 * Rebuilds a model saved by {@link saveModel} (bytes) or {@link saveModelFiles} (a pair).
 * Reads data only, and checks everything before it allocates: the format (checksums, layout;
 * see `serialization.ts`), then the config against the weight directory
 * ({@link checkWeightsForConfig}); only then is the model built and the weights copied in. Any
 * problem is a `RecurError` `FORMAT` naming the source and the field, nothing is left
 * allocated, and time and memory stay proportional to the file's size. The loaded model
 * computes exactly what the saved one did.
 */
export function loadModel(source: Uint8Array | ModelFiles, options: LoadModelOptions = {}): Model {
  const single = source instanceof Uint8Array;
  const name = options.name ?? (single ? 'model file' : 'model.json');
  const fn = `loadModel (${name})`;
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
