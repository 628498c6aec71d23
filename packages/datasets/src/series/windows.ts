import { batchIndices } from '../bucketing.js';
import { checkInteger, DatasetError } from '../errors.js';
import type { RandomOptions } from '../random.js';
import { columnIndices, type TimeSeries } from './time-series.js';

/** Options of {@link slidingWindows}. */
export interface WindowOptions {
  /** Steps each input window holds (T). */
  inputSteps: number;
  /** Steps to forecast after each window (H). Default 1. Ignored by `targets: 'every-step'`. */
  horizon?: number;
  /** Steps between the starts of consecutive windows. Default 1. */
  stride?: number;
  /** Features the model reads, by name or index. Default: all. */
  inputColumns?: readonly (string | number)[];
  /** Features to forecast, by name or index. Default: all. */
  targetColumns?: readonly (string | number)[];
  /**
   * `'horizon'` (default): the H steps after the window, `[N, H, K]` (many-to-one, or a
   * feedback forecast). `'every-step'`: at each step t of the window, step t + 1, `[N, T, K]`
   * (many-to-many: the inputs shifted by one).
   */
  targets?: 'horizon' | 'every-step';
}

/** Input windows and their targets, batch-first. */
export interface Windows {
  /** `[N, T, F]`, step-major within each window. */
  inputs: Float32Array;
  /** `[N, H, K]` (`'horizon'`) or `[N, T, K]` (`'every-step'`). */
  targets: Float32Array;
  /** The series step each window starts at. */
  starts: Int32Array;
  inputShape: [number, number, number];
  targetShape: [number, number, number];
  inputColumns: string[];
  targetColumns: string[];
  /** Which targets these are (see {@link WindowOptions.targets}). */
  targetKind: 'horizon' | 'every-step';
}

/**
 * Cuts a series into (input window, target) pairs: window i covers steps
 * `s = i·stride … s + T − 1`, its targets the next H steps (or, `'every-step'`, steps
 * `s + 1 … s + T`). Every window and its targets lie inside `series`, so windows cut from the
 * parts of {@link splitSeries} never cross a split. Throws `EMPTY` when not one window fits.
 */
export function slidingWindows(series: TimeSeries, options: WindowOptions): Windows {
  const fn = 'slidingWindows';
  const { inputSteps: T, stride = 1, targets = 'horizon' } = options;
  checkInteger(fn, 'inputSteps', T, 1);
  checkInteger(fn, 'stride', stride, 1);
  if (targets !== 'horizon' && targets !== 'every-step') {
    throw new DatasetError(
      'ARGUMENT',
      `${fn}: targets must be 'horizon' or 'every-step'; got ${JSON.stringify(targets)}`,
    );
  }
  const H = targets === 'every-step' ? T : (options.horizon ?? 1);
  checkInteger(fn, 'horizon', H, 1);
  const inputIndex = columnIndices(fn, 'inputColumns', series.columns, options.inputColumns);
  const targetIndex = columnIndices(fn, 'targetColumns', series.columns, options.targetColumns);
  const span = targets === 'every-step' ? T + 1 : T + H;
  if (series.steps < span) {
    throw new DatasetError(
      'EMPTY',
      `${fn}: a series of ${series.steps} steps holds no window of ${T} input steps and ${targets === 'every-step' ? '1 step ahead' : `${H} target steps`} (needs ${span})`,
    );
  }
  const N = Math.floor((series.steps - span) / stride) + 1;
  const F = inputIndex.length;
  const K = targetIndex.length;
  const shift = targets === 'every-step' ? 1 : T;
  const inputs = new Float32Array(N * T * F);
  const out = new Float32Array(N * H * K);
  const starts = new Int32Array(N);
  const width = series.features;
  const v = series.values;
  for (let i = 0; i < N; i++) {
    const s = i * stride;
    starts[i] = s;
    for (let t = 0; t < T; t++) {
      for (let f = 0; f < F; f++)
        inputs[(i * T + t) * F + f] = v[(s + t) * width + inputIndex[f]!]!;
    }
    for (let h = 0; h < H; h++) {
      for (let k = 0; k < K; k++) {
        out[(i * H + h) * K + k] = v[(s + shift + h) * width + targetIndex[k]!]!;
      }
    }
  }
  return {
    inputs,
    targets: out,
    starts,
    inputShape: [N, T, F],
    targetShape: [N, H, K],
    inputColumns: inputIndex.map((i) => series.columns[i]!),
    targetColumns: targetIndex.map((i) => series.columns[i]!),
    targetKind: targets,
  };
}

/** A batch of windows: `inputs` `[B, T, F]`, `targets` `[B, H, K]` (or `[B, T, K]`). */
export interface WindowBatch {
  inputs: Float32Array;
  targets: Float32Array;
  inputShape: [number, number, number];
  targetShape: [number, number, number];
}

/** The windows at `indices` (in that order) as one batch. */
export function windowBatch(windows: Windows, indices: readonly number[]): WindowBatch {
  const [N, T, F] = windows.inputShape;
  const [, H, K] = windows.targetShape;
  const B = indices.length;
  const inputs = new Float32Array(B * T * F);
  const targets = new Float32Array(B * H * K);
  indices.forEach((n, b) => {
    if (!Number.isInteger(n) || n < 0 || n >= N) {
      throw new DatasetError('RANGE', `windowBatch: index ${n} is outside [0, ${N})`);
    }
    inputs.set(windows.inputs.subarray(n * T * F, (n + 1) * T * F), b * T * F);
    targets.set(windows.targets.subarray(n * H * K, (n + 1) * H * K), b * H * K);
  });
  return { inputs, targets, inputShape: [B, T, F], targetShape: [B, H, K] };
}

/** Options of {@link windowBatches}. */
export interface WindowBatchesOptions extends RandomOptions {
  batchSize: number;
  /** Seeded shuffle of the window order (windows stay whole). Default false. */
  shuffle?: boolean;
  /** Drop a last, smaller batch. Default false. */
  dropLast?: boolean;
}

/** One pass over the windows in batches (shuffled when asked, seeded). */
export function* windowBatches(
  windows: Windows,
  options: WindowBatchesOptions,
): Generator<WindowBatch> {
  for (const indices of batchIndices(windows.inputShape[0], options)) {
    yield windowBatch(windows, indices);
  }
}
