import {
  checkWeightsForConfig,
  type LanguageModel,
  modelFromWeights,
  type SequenceClassifier,
} from '@recur/architectures';
import { checkOptions, dispose, RecurError, type Tensor, tensor, zeros } from '@recur/tensor';
import { readLayers } from './read-layers.js';
import { isRecord, layerChain } from './topology.js';
import type { WeightSlice } from './weights-manifest.js';
import {
  joinParts,
  readSlice,
  sliceWeights,
  weightParts,
  weightSpecsOf,
} from './weights-manifest.js';

/** Options of {@link modelFromTfjs}. */
export interface ModelFromTfjsOptions {
  /** What to call the source in error messages, e.g. its path (default `TF.js model`). */
  name?: string;
}

/** The weight bytes TF.js gives: one buffer, or one per shard / group, in manifest order. */
export type TfjsWeightData = Uint8Array | ArrayBuffer | readonly (Uint8Array | ArrayBuffer)[];

/**
 * A recur model from a TensorFlow.js Layers model, as `model.save` and the tensorflowjs
 * converter write it: `modelJson` is the parsed `model.json` (or its text) — `modelTopology` (a
 * Keras `Sequential` or single-chain functional `Model`) and `weightsManifest` — or in-memory
 * model artifacts with `weightSpecs` (what `tf.io.withSaveHandler` receives); `weightData` the
 * float32 little-endian weight bytes, the shards concatenated in manifest order.
 *
 * `Embedding → SimpleRNN/LSTM/GRU(return_sequences)… → Dense(V)` becomes a `LanguageModel`;
 * `[Embedding] → RNN… → [GlobalAverage/MaxPooling1D] → Dense(K, softmax | sigmoid | linear)` a
 * `SequenceClassifier` (bidirectional too); the table in the package README lists what is read
 * and what is refused. Only data is read, nothing evaluated, and everything is checked before a
 * tensor is made: each weight's shape and dtype (float32 only) against the byte length, then the
 * config the layers imply against the weights (`checkWeightsForConfig`). A file recur cannot
 * run exactly is refused by name (`RecurError` `FORMAT`); nothing is left
 * allocated then. The model computes what the TF.js model does (within float32 rounding).
 */
export function modelFromTfjs(
  modelJson: unknown,
  weightData: TfjsWeightData,
  options: ModelFromTfjsOptions = {},
): LanguageModel | SequenceClassifier {
  checkOptions('modelFromTfjs', options, ['name']);
  const source = `modelFromTfjs (${options.name ?? 'TF.js model'})`;
  let json = modelJson;
  if (typeof json === 'string') {
    try {
      json = JSON.parse(json);
    } catch (error) {
      throw new RecurError(
        'FORMAT',
        `${source}: the model JSON does not parse (${(error as Error).message})`,
      );
    }
  }
  if (!isRecord(json)) {
    throw new RecurError('FORMAT', `${source}: the model JSON must be an object`);
  }
  const specs = weightSpecsOf(json, source);
  const parts = weightParts(weightData, source);
  const slices = sliceWeights(
    specs,
    parts.reduce((n, p) => n + p.byteLength, 0),
    source,
  );
  const plan = readLayers(layerChain(json, source), specs, source);
  // Nothing is allocated until the config and the weights agree, name for name and shape for shape.
  checkWeightsForConfig(
    plan.config,
    plan.weights.map((w) => ({ name: w.name, shape: w.shape, dtype: 'float32' })),
    source,
  );
  const data = joinParts(parts);
  const weights: Record<string, Tensor> = {};
  try {
    for (const w of plan.weights) {
      weights[w.name] =
        w.from === null
          ? zeros([...w.shape])
          : tensor(readSlice(data, rowOf(slices.get(w.from)!, w.row)), [...w.shape]);
    }
    return modelFromWeights(plan.config, weights, source) as LanguageModel | SequenceClassifier;
  } catch (error) {
    dispose(Object.values(weights));
    throw error;
  }
}

/** Row `row` of a `[rows, n]` slice (the slice itself when `row` is undefined). */
function rowOf(slice: WeightSlice, row: number | undefined): WeightSlice {
  if (row === undefined) return slice;
  const n = slice.shape[1]!;
  return { ...slice, shape: [n], offset: slice.offset + 4 * row * n, size: n };
}
