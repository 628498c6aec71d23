import { disposeModel, type LanguageModel, type SequenceClassifier } from '@recur/architectures';
import { softmax, type Tensor, tensor, tidy } from '@recur/tensor';
import * as tf from '@tensorflow/tfjs';
import type { TfjsModel } from '../export-tfjs.js';

export { tf };

/** What TF.js's `model.save` hands a save handler: the artifacts, weights as one buffer. */
export interface SavedArtifacts {
  modelTopology: object;
  weightSpecs: { name: string; shape: number[]; dtype: string }[];
  weightData: ArrayBuffer;
}

/** Saves a TF.js model through `tf.io.withSaveHandler` and returns what it wrote. */
export async function saveFromTfjs(model: tf.LayersModel): Promise<SavedArtifacts> {
  let saved: SavedArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts as unknown as SavedArtifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return saved!;
}

/** Loads what `toTfjs` wrote with `tf.loadLayersModel`, from memory. */
export async function loadInTfjs({ modelJson, weightData }: TfjsModel): Promise<tf.LayersModel> {
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: modelJson.modelTopology,
      weightSpecs: modelJson.weightsManifest[0]!.weights,
      weightData: weightData.slice().buffer,
    }),
  );
}

/** TF.js's prediction for `[B, T]` token ids or `[B, T, F]` features. */
export function tfjsPredict(
  model: tf.LayersModel,
  values: number[],
  shape: number[],
): Float32Array {
  return tf.tidy(() => {
    const out = model.predict(tf.tensor(values, shape)) as tf.Tensor;
    return Float32Array.from(out.dataSync());
  });
}

/** recur's prediction for the same inputs: softmax of the logits (LM), `predict` (classifier). */
export function recurPredict(
  model: LanguageModel | SequenceClassifier,
  values: number[],
  shape: number[],
): Float32Array {
  const inputs: () => Tensor = () =>
    shape.length === 2 ? tensor(Int32Array.from(values), shape, 'int32') : tensor(values, shape);
  if (model.config.architecture === 'SequenceClassifier') {
    return tidy(() => Float32Array.from((model as SequenceClassifier).predict(inputs())));
  }
  return tidy(() =>
    Float32Array.from(softmax((model as LanguageModel).forward(inputs()).logits.value, -1).data()),
  );
}

export function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Random token ids `[B, T]` below `V` (deterministic). */
export function ids(B: number, T: number, V: number, seed = 1): number[] {
  let s = seed;
  return Array.from({ length: B * T }, () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s % V;
  });
}

/** Deterministic features in [-1, 1]. */
export function features(n: number, seed = 1): number[] {
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return (s / 2 ** 31) * 2 - 1;
  });
}

export { disposeModel };

/**
 * Gives every weight of a TF.js model values uniform in [-1, 1] (deterministic). TF.js's
 * initial weights are small (embeddings ±0.05), so outputs sit near uniform and a wrong gate
 * or a swapped block would move them by less than the tolerance; these make every part count.
 */
export function scrambleTfjs(model: tf.LayersModel, seed = 1): tf.LayersModel {
  const values = model.getWeights().map((w, i) => tf.tensor(features(w.size, seed + i), w.shape));
  model.setWeights(values);
  tf.dispose(values);
  return model;
}

/** The same for a recur model's parameters. */
export function scrambleRecur<M extends LanguageModel | SequenceClassifier>(model: M, seed = 1): M {
  Object.values(model.parameters()).forEach((p, i) => {
    p.assign(tensor(features(p.value.size, seed + i), [...p.shape]));
  });
  return model;
}
