import { DatasetError } from '../errors.js';

/**
 * A multivariate time series: `steps` readings of `features` numbers each, step-major
 * (`values[t * features + f]` is feature f at step t), with a name per feature.
 */
export interface TimeSeries {
  values: Float32Array;
  steps: number;
  features: number;
  /** One name per feature (`'x0'`, `'x1'`, … when none were given). */
  columns: string[];
}

/** Options of {@link timeSeries}. */
export interface TimeSeriesOptions {
  /** Names of the features. Default `x0`, `x1`, …. */
  columns?: readonly string[];
  /** Features per step of a flat `Float32Array` / `number[]`. Default 1 (univariate). */
  features?: number;
}

/**
 * A {@link TimeSeries} from plain arrays: a flat array (univariate, or step-major with
 * `features`), or one array of numbers per step. Every value must be a finite number; a bad one
 * throws `FORMAT` naming its step and feature.
 */
export function timeSeries(
  data: ArrayLike<number> | readonly (readonly number[])[],
  options: TimeSeriesOptions = {},
): TimeSeries {
  const fn = 'timeSeries';
  const rows = data as ArrayLike<unknown>;
  const nested = rows.length > 0 && Array.isArray(rows[0]);
  let features: number;
  let values: Float32Array;
  if (nested) {
    const list = data as readonly (readonly number[])[];
    features = list[0]!.length;
    if (options.features !== undefined && options.features !== features) {
      throw new DatasetError(
        'ARGUMENT',
        `${fn}: features is ${options.features} but step 0 has ${features} values`,
      );
    }
    values = new Float32Array(list.length * features);
    list.forEach((row, t) => {
      if (!Array.isArray(row) || row.length !== features) {
        throw new DatasetError(
          'FORMAT',
          `${fn}: step ${t} has ${Array.isArray(row) ? row.length : typeof row} values; expected ${features} like step 0`,
        );
      }
      for (let f = 0; f < features; f++) values[t * features + f] = checkValue(fn, row[f], t, f);
    });
  } else {
    features = options.features ?? 1;
    if (!Number.isInteger(features) || features < 1) {
      throw new DatasetError('ARGUMENT', `${fn}: features must be an integer ≥ 1; got ${features}`);
    }
    if (rows.length % features !== 0) {
      throw new DatasetError(
        'ARGUMENT',
        `${fn}: ${rows.length} values do not divide into steps of ${features} features`,
      );
    }
    values = new Float32Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      values[i] = checkValue(fn, rows[i], Math.floor(i / features), i % features);
    }
  }
  const steps = features === 0 ? 0 : values.length / features;
  if (steps === 0 || features === 0) {
    throw new DatasetError('EMPTY', `${fn}: the series has no steps or no features`);
  }
  const columns = options.columns
    ? [...options.columns]
    : Array.from({ length: features }, (_, f) => `x${f}`);
  if (columns.length !== features || new Set(columns).size !== features) {
    throw new DatasetError(
      'ARGUMENT',
      `${fn}: columns must be ${features} distinct names; got [${columns.join(', ')}]`,
    );
  }
  return { values, steps, features, columns };
}

function checkValue(fn: string, value: unknown, step: number, feature: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new DatasetError(
      'FORMAT',
      `${fn}: step ${step}, feature ${feature} is ${typeof value === 'number' ? value : JSON.stringify(value)}; expected a finite number`,
    );
  }
  return value;
}

/**
 * The index of each of `columns` (names or indices) in `names`, in the order given; all of them
 * when `columns` is undefined. Unknown names and out-of-range indices throw `ARGUMENT`.
 */
export function columnIndices(
  fn: string,
  what: string,
  names: readonly string[],
  columns: readonly (string | number)[] | undefined,
): number[] {
  if (columns === undefined) return names.map((_, i) => i);
  if (!Array.isArray(columns) || columns.length === 0) {
    throw new DatasetError(
      'ARGUMENT',
      `${fn}: ${what} must be a non-empty array of column names or indices`,
    );
  }
  const out = columns.map((c) => {
    const index = typeof c === 'number' ? c : names.indexOf(c);
    if (!Number.isInteger(index) || index < 0 || index >= names.length) {
      throw new DatasetError(
        'ARGUMENT',
        `${fn}: ${what} names ${JSON.stringify(c)}, which is not a column of [${names.join(', ')}]`,
      );
    }
    return index;
  });
  if (new Set(out).size !== out.length) {
    throw new DatasetError(
      'ARGUMENT',
      `${fn}: ${what} names a column twice: [${columns.join(', ')}]`,
    );
  }
  return out;
}

/** The columns `columns` of `series` (by name or index), as a new series. */
export function selectColumns(
  series: TimeSeries,
  columns: readonly (string | number)[],
): TimeSeries {
  const picked = columnIndices('selectColumns', 'columns', series.columns, columns);
  const K = picked.length;
  const values = new Float32Array(series.steps * K);
  for (let t = 0; t < series.steps; t++) {
    for (let k = 0; k < K; k++)
      values[t * K + k] = series.values[t * series.features + picked[k]!]!;
  }
  return {
    values,
    steps: series.steps,
    features: K,
    columns: picked.map((i) => series.columns[i]!),
  };
}
