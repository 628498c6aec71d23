import { checkInteger, DatasetError } from '../errors.js';
import type { Windows } from './windows.js';

/**
 * Forecasting baselines over {@link Windows} with `'horizon'` targets — what a trained
 * forecaster must beat — as plain functions. Each returns forecasts of the windows' target
 * shape `[N, H, K]`; score them with {@link meanSquaredError}.
 */

/** Where each target column sits among the input columns (a baseline reads its own history). */
function targetSources(fn: string, windows: Windows): number[] {
  return windows.targetColumns.map((name) => {
    const index = windows.inputColumns.indexOf(name);
    if (index < 0) {
      throw new DatasetError(
        'ARGUMENT',
        `${fn}: target column ${JSON.stringify(name)} is not among the input columns [${windows.inputColumns.join(', ')}]; this baseline forecasts a column from its own past`,
      );
    }
    return index;
  });
}

function checkHorizonTargets(fn: string, windows: Windows): void {
  if (windows.targetKind !== 'horizon') {
    throw new DatasetError(
      'ARGUMENT',
      `${fn}: needs windows with targets: 'horizon' (the steps after each window); got '${windows.targetKind}'`,
    );
  }
}

/** Persistence: every future step equals the last observed one, `ŷ⟨T+h⟩ = y⟨T⟩`. */
export function lastValueForecast(windows: Windows): Float32Array {
  return seasonalNaiveForecast(windows, 1, 'lastValueForecast');
}

/**
 * Seasonal naive: each future step repeats the value one period earlier,
 * `ŷ⟨T+h⟩ = y⟨T+h−period·⌈(h+1)/period⌉⟩` (h from 0), i.e. the last observed period again and
 * again. `period` must be ≤ the window length. With period 1 it is {@link lastValueForecast}.
 */
export function seasonalNaiveForecast(
  windows: Windows,
  period: number,
  fn = 'seasonalNaiveForecast',
): Float32Array {
  checkHorizonTargets(fn, windows);
  const [N, T, F] = windows.inputShape;
  const [, H, K] = windows.targetShape;
  checkInteger(fn, 'period', period, 1);
  if (period > T) {
    throw new DatasetError('RANGE', `${fn}: period ${period} is longer than the ${T}-step windows`);
  }
  const source = targetSources(fn, windows);
  const out = new Float32Array(N * H * K);
  for (let n = 0; n < N; n++) {
    for (let h = 0; h < H; h++) {
      const t = T - period + (h % period);
      for (let k = 0; k < K; k++)
        out[(n * H + h) * K + k] = windows.inputs[(n * T + t) * F + source[k]!]!;
    }
  }
  return out;
}

/** Options of {@link fitAutoregression}. */
export interface AutoregressionOptions {
  /** How many of the last steps (of every input feature) the regression reads. Default: the window length (minus one when differenced). */
  lags?: number;
  /**
   * Regress the change from the last observed value on the last `lags` step-to-step changes
   * (an ARI(p, 1) model, for series that wander, like sensor readings) instead of the levels.
   * Default false.
   */
  differenced?: boolean;
  /** Ridge penalty added to the normal equations' diagonal (not the intercept's). Default 1e-6. */
  ridge?: number;
}

/** A fitted linear autoregression: {@link Autoregression.predict} forecasts windows of the same columns. */
export interface Autoregression {
  lags: number;
  differenced: boolean;
  /** `[lags·F + 1, H·K]`: one column of weights per forecast value, the intercept in the last row. */
  weights: Float64Array;
  predict(windows: Windows): Float32Array;
}

/**
 * Linear least-squares autoregression, direct multi-step: one linear map from the last `lags`
 * steps of every input feature (plus an intercept) to all H × K future values, fitted on the
 * training windows by solving the ridge normal equations in float64 (Cholesky).
 */
export function fitAutoregression(
  train: Windows,
  options: AutoregressionOptions = {},
): Autoregression {
  const fn = 'fitAutoregression';
  checkHorizonTargets(fn, train);
  const [N, T, F] = train.inputShape;
  const [, H, K] = train.targetShape;
  const differenced = options.differenced ?? false;
  const lags = options.lags ?? (differenced ? T - 1 : T);
  const ridge = options.ridge ?? 1e-6;
  checkInteger(fn, 'lags', lags, 1);
  if (lags > (differenced ? T - 1 : T)) {
    throw new DatasetError(
      'RANGE',
      `${fn}: lags ${lags} needs ${differenced ? lags + 1 : lags} steps; the windows have ${T}`,
    );
  }
  if (!(ridge >= 0 && Number.isFinite(ridge))) {
    throw new DatasetError('ARGUMENT', `${fn}: ridge must be a finite number ≥ 0; got ${ridge}`);
  }
  const source = targetSources(fn, train);
  const D = lags * F + 1;
  const M = H * K;
  const row = new Float64Array(D);
  const xtx = new Float64Array(D * D);
  const xty = new Float64Array(D * M);
  const shape = { T, F, H, K, lags, differenced, source };
  for (let n = 0; n < N; n++) {
    features(train.inputs, n, shape, row);
    for (let i = 0; i < D; i++) {
      for (let j = 0; j <= i; j++) xtx[i * D + j]! += row[i]! * row[j]!;
      for (let m = 0; m < M; m++) xty[i * M + m]! += row[i]! * target(train, n, m, shape);
    }
  }
  for (let i = 0; i < D; i++) {
    for (let j = 0; j < i; j++) xtx[j * D + i] = xtx[i * D + j]!;
    if (i < D - 1) xtx[i * D + i]! += ridge * Math.max(N, 1);
  }
  const weights = solveSymmetric(fn, xtx, xty, D, M);
  return {
    lags,
    differenced,
    weights,
    predict(windows: Windows): Float32Array {
      const [n2, t2, f2] = windows.inputShape;
      const [, h2, k2] = windows.targetShape;
      if (t2 !== T || f2 !== F || h2 !== H || k2 !== K) {
        throw new DatasetError(
          'ARGUMENT',
          `Autoregression.predict: windows are [N, ${t2}, ${f2}] → [N, ${h2}, ${k2}]; the model was fitted on [N, ${T}, ${F}] → [N, ${H}, ${K}]`,
        );
      }
      const out = new Float32Array(n2 * M);
      for (let n = 0; n < n2; n++) {
        features(windows.inputs, n, shape, row);
        for (let m = 0; m < M; m++) {
          let y = 0;
          for (let i = 0; i < D; i++) y += row[i]! * weights[i * M + m]!;
          if (differenced) y += windows.inputs[(n * T + T - 1) * F + source[m % K]!]!;
          out[n * M + m] = y;
        }
      }
      return out;
    },
  };
}

interface Shape {
  T: number;
  F: number;
  H: number;
  K: number;
  lags: number;
  differenced: boolean;
  source: number[];
}

function features(inputs: Float32Array, n: number, s: Shape, row: Float64Array): void {
  const { T, F, lags } = s;
  for (let l = 0; l < lags; l++) {
    const t = T - lags + l;
    for (let f = 0; f < F; f++) {
      const x = inputs[(n * T + t) * F + f]!;
      row[l * F + f] = s.differenced ? x - inputs[(n * T + t - 1) * F + f]! : x;
    }
  }
  row[lags * F] = 1;
}

function target(w: Windows, n: number, m: number, s: Shape): number {
  const y = w.targets[n * s.H * s.K + m]!;
  return s.differenced ? y - w.inputs[(n * s.T + s.T - 1) * s.F + s.source[m % s.K]!]! : y;
}

/** Solves `A X = B` for symmetric positive definite `A` `[D, D]` and `B` `[D, M]` (Cholesky). */
function solveSymmetric(
  fn: string,
  a: Float64Array,
  b: Float64Array,
  D: number,
  M: number,
): Float64Array {
  const L = new Float64Array(D * D);
  for (let i = 0; i < D; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * D + j]!;
      for (let k = 0; k < j; k++) s -= L[i * D + k]! * L[j * D + k]!;
      if (i === j) {
        if (!(s > 1e-12 * Math.max(1, a[i * D + i]!))) {
          throw new DatasetError(
            'RANGE',
            `${fn}: the least-squares system is singular (too few windows, or a constant feature); raise ridge or use fewer lags`,
          );
        }
        L[i * D + i] = Math.sqrt(s);
      } else {
        L[i * D + j] = s / L[j * D + j]!;
      }
    }
  }
  const x = Float64Array.from(b);
  for (let m = 0; m < M; m++) {
    for (let i = 0; i < D; i++) {
      let s = x[i * M + m]!;
      for (let k = 0; k < i; k++) s -= L[i * D + k]! * x[k * M + m]!;
      x[i * M + m] = s / L[i * D + i]!;
    }
    for (let i = D - 1; i >= 0; i--) {
      let s = x[i * M + m]!;
      for (let k = i + 1; k < D; k++) s -= L[k * D + i]! * x[k * M + m]!;
      x[i * M + m] = s / L[i * D + i]!;
    }
  }
  return x;
}

/** Mean of `(prediction − target)²` over all values (same length required). */
export function meanSquaredError(prediction: ArrayLike<number>, target: ArrayLike<number>): number {
  return meanError('meanSquaredError', prediction, target, (d) => d * d);
}

/** Mean of `|prediction − target|` over all values (same length required). */
export function meanAbsoluteError(
  prediction: ArrayLike<number>,
  target: ArrayLike<number>,
): number {
  return meanError('meanAbsoluteError', prediction, target, Math.abs);
}

function meanError(
  fn: string,
  prediction: ArrayLike<number>,
  target: ArrayLike<number>,
  f: (d: number) => number,
): number {
  if (prediction.length !== target.length || target.length === 0) {
    throw new DatasetError(
      'ARGUMENT',
      `${fn}: prediction has ${prediction.length} values and target ${target.length}; expected the same non-zero count`,
    );
  }
  let total = 0;
  for (let i = 0; i < target.length; i++) total += f(prediction[i]! - target[i]!);
  return total / target.length;
}
