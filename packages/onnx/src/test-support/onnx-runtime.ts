import { appendFileSync } from 'node:fs';
import { loadWeights } from '@recur/architectures';
import type { Variable } from '@recur/autograd';
import { Rng, tensor } from '@recur/tensor';
import * as ort from 'onnxruntime-node';
import { expect } from 'vitest';

/** An ONNX Runtime session over the exported bytes (CPU). */
export function openSession(bytes: Uint8Array): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(bytes);
}

/** Token ids as the int64 tensor the graphs take. */
export function int64(ids: readonly number[], dims: readonly number[]): ort.Tensor {
  return new ort.Tensor(
    'int64',
    BigInt64Array.from(ids, (v) => BigInt(v)),
    dims,
  );
}

/** int32 values (lengths). */
export function int32(values: readonly number[], dims: readonly number[]): ort.Tensor {
  return new ort.Tensor('int32', Int32Array.from(values), dims);
}

/** float32 values. */
export function float32(values: ArrayLike<number>, dims: readonly number[]): ort.Tensor {
  return new ort.Tensor('float32', Float32Array.from(values), dims);
}

/** Zeros `[1, batch, H]` for every `initial_*` input of a token-decoder graph. */
export function zeroStates(
  numLayers: number,
  lstm: boolean,
  batch: number,
  H: number,
): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  for (let l = 0; l < numLayers; l++) {
    feeds[`initial_h_${l}`] = float32(new Float32Array(batch * H), [1, batch, H]);
    if (lstm) feeds[`initial_c_${l}`] = float32(new Float32Array(batch * H), [1, batch, H]);
  }
  return feeds;
}

/** The `Y_*` outputs renamed as the next call's `initial_*` inputs. */
export function carriedStates(
  outputs: ort.InferenceSession.OnnxValueMapType,
): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  for (const [name, value] of Object.entries(outputs)) {
    const m = /^Y_([hc])_(\d+)$/.exec(name);
    if (m) feeds[`initial_${m[1]}_${m[2]}`] = value as ort.Tensor;
  }
  return feeds;
}

/**
 * Largest |a − b|; Infinity when the lengths differ. With `ONNX_DIFFS=<file>` in the
 * environment, each measurement is appended to that file as `test name <tab> difference`.
 */
export function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  const report = process.env.ONNX_DIFFS;
  if (report) appendFileSync(report, `${expect.getState().currentTestName}\t${worst}\n`);
  return worst;
}

/**
 * Replaces every parameter with uniform draws in ±scale (seeded): the initial weights are too
 * tame (an IRNN starts as an identity copy, biases at zero) to show a wrong gate order or a
 * missing bias. `adjust` may then change a parameter's drawn values in place.
 */
export function randomizeWeights(
  parameters: Record<string, Variable>,
  seed: number,
  scale = 0.5,
  adjust: Record<string, (values: Float32Array) => void> = {},
) {
  const rng = new Rng(seed);
  const weights = Object.fromEntries(
    Object.entries(parameters).map(([name, p]) => {
      const values = Float32Array.from({ length: p.value.size }, () => rng.uniform(-scale, scale));
      adjust[name]?.(values);
      return [name, tensor(values, [...p.shape])];
    }),
  );
  loadWeights(parameters, weights);
}
