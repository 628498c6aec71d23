import { DatasetError } from '../errors.js';
import { columnIndices, type TimeSeries } from './time-series.js';

/** {@link Standardizer} as plain JSON (save it beside a model: it is part of the model's input). */
export interface StandardizerJSON {
  kind: 'standardizer';
  version: 1;
  columns: string[];
  mean: number[];
  std: number[];
}

/**
 * Per-feature z-scores `z = (x − mean) / std`, fitted on the training part only (population
 * std; a constant feature gets std 1, so it maps to 0 instead of dividing by zero). Inputs,
 * targets and forecasts of any subset of the fitted columns go through {@link transformValues}
 * and back through {@link inverseValues}; `toJSON()` / {@link Standardizer.fromJSON} round-trip
 * exactly.
 */
export class Standardizer {
  readonly columns: readonly string[];
  readonly mean: readonly number[];
  readonly std: readonly number[];

  constructor(columns: readonly string[], mean: readonly number[], std: readonly number[]) {
    const fn = 'Standardizer';
    const F = columns.length;
    if (
      F === 0 ||
      new Set(columns).size !== F ||
      columns.some((c) => typeof c !== 'string') ||
      mean.length !== F ||
      std.length !== F
    ) {
      throw new DatasetError(
        'ARGUMENT',
        `${fn}: needs distinct column names and one mean and one std per column; got ${F} columns, ${mean.length} means, ${std.length} stds`,
      );
    }
    columns.forEach((c, f) => {
      if (!Number.isFinite(mean[f]) || !(Number.isFinite(std[f]) && std[f]! > 0)) {
        throw new DatasetError(
          'RANGE',
          `${fn}: column ${JSON.stringify(c)} has mean ${mean[f]} and std ${std[f]}; expected a finite mean and a finite std > 0`,
        );
      }
    });
    this.columns = Object.freeze([...columns]);
    this.mean = Object.freeze([...mean]);
    this.std = Object.freeze([...std]);
  }

  /** Mean and std of every feature of `series` (the training part). */
  static fit(series: TimeSeries): Standardizer {
    const { steps: N, features: F, values } = series;
    if (N === 0) throw new DatasetError('EMPTY', 'Standardizer.fit: the series has no steps');
    const mean = new Array<number>(F).fill(0);
    const square = new Array<number>(F).fill(0);
    for (let t = 0; t < N; t++) for (let f = 0; f < F; f++) mean[f]! += values[t * F + f]!;
    for (let f = 0; f < F; f++) mean[f]! /= N;
    for (let t = 0; t < N; t++) {
      for (let f = 0; f < F; f++) square[f]! += (values[t * F + f]! - mean[f]!) ** 2;
    }
    const std = square.map((s) => {
      const sd = Math.sqrt(s / N);
      return sd > 1e-12 ? sd : 1;
    });
    return new Standardizer(series.columns, mean, std);
  }

  /** The series in z-scores (its columns must be the fitted ones, in order). */
  transform(series: TimeSeries): TimeSeries {
    if (
      series.columns.length !== this.columns.length ||
      series.columns.some((c, i) => c !== this.columns[i])
    ) {
      throw new DatasetError(
        'ARGUMENT',
        `Standardizer.transform: the series has columns [${series.columns.join(', ')}]; this standardizer was fitted on [${this.columns.join(', ')}]`,
      );
    }
    return { ...series, columns: [...series.columns], values: this.transformValues(series.values) };
  }

  /** z-scores of step-major `values` whose last axis is `columns` (names or indices; default all). */
  transformValues(values: ArrayLike<number>, columns?: readonly (string | number)[]): Float32Array {
    return this.#map('transformValues', values, columns, (x, m, s) => (x - m) / s);
  }

  /** Back to the original units: the inverse of {@link transformValues} (forecasts, say). */
  inverseValues(values: ArrayLike<number>, columns?: readonly (string | number)[]): Float32Array {
    return this.#map('inverseValues', values, columns, (z, m, s) => z * s + m);
  }

  /** Mean squared errors in z-score units scale back by std²: the factor of each column. */
  variance(columns?: readonly (string | number)[]): number[] {
    return columnIndices('Standardizer.variance', 'columns', this.columns, columns).map(
      (i) => this.std[i]! ** 2,
    );
  }

  toJSON(): StandardizerJSON {
    return {
      kind: 'standardizer',
      version: 1,
      columns: [...this.columns],
      mean: [...this.mean],
      std: [...this.std],
    };
  }

  /** Rebuilds a standardizer from {@link toJSON}'s object or its JSON text; checks every field. */
  static fromJSON(json: string | unknown): Standardizer {
    const fn = 'Standardizer.fromJSON';
    let data: unknown = json;
    if (typeof json === 'string') {
      try {
        data = JSON.parse(json);
      } catch (error) {
        throw new DatasetError('FORMAT', `${fn}: not JSON (${(error as Error).message})`);
      }
    }
    const o = data as Partial<StandardizerJSON> | null;
    if (o === null || typeof o !== 'object' || o.kind !== 'standardizer' || o.version !== 1) {
      throw new DatasetError(
        'FORMAT',
        `${fn}: expected { kind: 'standardizer', version: 1, columns, mean, std }; got ${JSON.stringify(data)?.slice(0, 80)}`,
      );
    }
    for (const key of ['columns', 'mean', 'std'] as const) {
      if (!Array.isArray(o[key])) {
        throw new DatasetError(
          'FORMAT',
          `${fn}: ${key} must be an array; got ${JSON.stringify(o[key])}`,
        );
      }
    }
    try {
      return new Standardizer(o.columns!, o.mean!, o.std!);
    } catch (error) {
      throw new DatasetError('FORMAT', `${fn}: ${(error as Error).message}`);
    }
  }

  #map(
    fn: string,
    values: ArrayLike<number>,
    columns: readonly (string | number)[] | undefined,
    f: (x: number, mean: number, std: number) => number,
  ): Float32Array {
    const picked = columnIndices(`Standardizer.${fn}`, 'columns', this.columns, columns);
    const K = picked.length;
    if (values.length % K !== 0) {
      throw new DatasetError(
        'ARGUMENT',
        `Standardizer.${fn}: ${values.length} values are not whole rows of ${K} columns`,
      );
    }
    const out = new Float32Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const c = picked[i % K]!;
      out[i] = f(values[i]!, this.mean[c]!, this.std[c]!);
    }
    return out;
  }
}
