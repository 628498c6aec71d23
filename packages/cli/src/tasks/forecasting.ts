import { Forecaster } from '@recur/architectures';
import {
  fitAutoregression,
  lastValueForecast,
  meanSquaredError,
  Standardizer,
  type StandardizerJSON,
  seasonalNaiveForecast,
  slidingWindows,
  splitSeries,
  type TimeSeries,
  type Windows,
  windowBatch,
} from '@recur/datasets';
import { readNumericCsv, sensorNetworkSplit } from '@recur/datasets/node';
import { type Rng, tensor } from '@recur/tensor';
import { UsageError } from '../errors.js';
import { count, round } from '../format.js';
import { println } from '../io.js';
import { batchCount, orderedBatches, shuffledBatches } from './examples.js';
import type { Report, ReportContext, RunOptions, SeriesOptions, Task, TaskSetup } from './task.js';

/** What a forecast checkpoint keeps as its vocabulary: the z-scores of the columns it reads. */
export interface ForecastVocabulary {
  normalization: StandardizerJSON;
}

/** The share of a CSV's rows (the last ones) that validates. */
export const FILE_VALIDATION = 0.15;

/** Most lags of the linear baselines (their normal equations grow with lags × columns, squared). */
const MAX_LINEAR_LAGS = 24;

/**
 * The series of a forecast run, split by time: `--dataset sensors` is mote 3 of the single-hop
 * sensor network with its documented split (70 / 15 / 15 %; the test part is not used here);
 * `--file` is a CSV's chosen columns, the first 85 % training and the last 15 % validating.
 */
export async function forecastSeries(
  options: RunOptions,
): Promise<{ train: TimeSeries; validation: TimeSeries; description: string }> {
  const columns = options.series?.columns ?? [];
  if (options.file !== null) {
    const table = await readNumericCsv(options.file, columns.length ? { columns } : {});
    const { train, validation } = splitSeries(table, {
      train: 1 - FILE_VALIDATION,
      validation: FILE_VALIDATION,
    });
    return {
      train,
      validation,
      description: `${options.file}: ${table.columns.join(', ')}; ${count(train.steps)} steps train, the last ${count(validation.steps)} validate`,
    };
  }
  const { train, validation } = sensorNetworkSplit({ columns });
  return {
    train,
    validation,
    description: `single-hop sensor network (mote 3, one reading every 5 s): ${train.columns.join(', ')}; ${count(train.steps)} steps train, the next ${count(validation.steps)} validate`,
  };
}

/** The series options with the columns and targets resolved against the data's columns. */
function resolvedSeries(series: SeriesOptions, columns: readonly string[]): SeriesOptions {
  return {
    ...series,
    columns: [...columns],
    target: series.target.length > 0 ? [...series.target] : [...columns],
  };
}

/** The forecaster of a run: differenced, `'last'` mode (the next `horizon` steps at once). */
function forecaster(options: RunOptions, series: SeriesOptions): Forecaster {
  return new Forecaster({
    inputSize: series.columns.length,
    targetFeatures: series.target.map((name) => series.columns.indexOf(name)),
    mode: 'last',
    horizon: series.horizon,
    differenced: true,
    cell: options.cell,
    ...(options.cellOptions ? { cellOptions: options.cellOptions } : {}),
    hiddenSize: options.hidden,
    numLayers: options.layers,
    dropout: options.dropout,
    seed: options.seed,
  });
}

/**
 * `recur train --arch forecast`: a numeric time series (a CSV's columns, or the sensor network)
 * in z-scores fitted on the training part, cut into windows of `--window` steps whose next
 * `--horizon` steps of the `--target` columns are forecast by a differenced {@link Forecaster};
 * reported as the validation MSE beside the last-value, seasonal-naive and linear baselines. The
 * z-scores are saved in the checkpoint (its vocabulary), so `recur forecast` reads raw values.
 */
export const forecastingTask: Task = {
  arch: 'forecast',

  async setup(given: RunOptions): Promise<TaskSetup> {
    const data = await forecastSeries(given);
    const series = resolvedSeries(given.series!, data.train.columns);
    const options: RunOptions = { ...given, series };
    const z = Standardizer.fit(data.train);
    const cut = (part: TimeSeries, what: string) => {
      if (part.steps < series.window + series.horizon) {
        throw new UsageError(
          `the ${what} part has ${part.steps} steps; a window of ${series.window} and a horizon of ${series.horizon} need ${series.window + series.horizon} (lower --window or --horizon, or use more rows)`,
        );
      }
      return slidingWindows(z.transform(part), {
        inputSteps: series.window,
        horizon: series.horizon,
        targetColumns: series.target,
      });
    };
    const train = cut(data.train, 'training');
    const validation = cut(data.validation, 'validation');
    const model = forecaster(options, series);
    const toBatch = (windows: Windows) => (indices: number[]) => {
      const b = windowBatch(windows, indices);
      return { inputs: tensor(b.inputs, b.inputShape), targets: tensor(b.targets, b.targetShape) };
    };
    const indices = (windows: Windows) =>
      Array.from({ length: windows.inputShape[0] }, (_, i) => i);
    const vocabulary: ForecastVocabulary = { normalization: z.toJSON() };
    return {
      model,
      options,
      data: (epoch: number, rng: Rng) =>
        shuffledBatches(indices(train), options.batch, toBatch(train))(epoch, rng),
      batchesPerEpoch: batchCount(train.inputShape[0], options.batch),
      validation: orderedBatches(indices(validation), options.batch, toBatch(validation)),
      validationDescription: `MSE (z-scores) of the next ${series.horizon} steps after ${count(validation.inputShape[0])} held-out windows`,
      unit: 'values',
      vocabulary,
      description: data.description,
      report: (context) => report(context, model, z, train, validation, series),
    };
  },
};

/** The validation MSE of the forecaster and of each baseline, in z-scores. */
function validationErrors(
  model: Forecaster,
  train: Windows,
  validation: Windows,
  series: SeriesOptions,
): { errors: Record<string, number>; forecast: Float32Array; period: number } {
  const inputs = tensor(validation.inputs, validation.inputShape);
  let forecast: Float32Array;
  try {
    forecast = model.forecast(inputs, series.horizon);
  } finally {
    inputs.dispose();
  }
  const period = Math.min(series.horizon, series.window);
  const lags = Math.min(series.window, MAX_LINEAR_LAGS);
  const errors: Record<string, number> = {
    forecaster: meanSquaredError(forecast, validation.targets),
    lastValue: meanSquaredError(lastValueForecast(validation), validation.targets),
    seasonalNaive: meanSquaredError(seasonalNaiveForecast(validation, period), validation.targets),
    linear: meanSquaredError(
      fitAutoregression(train, { lags }).predict(validation),
      validation.targets,
    ),
  };
  if (series.window >= 3) {
    const differenced = fitAutoregression(train, { differenced: true, lags: 2 });
    errors.linearDifferenced = meanSquaredError(
      differenced.predict(validation),
      validation.targets,
    );
  }
  return { errors, forecast, period };
}

/** Root mean squared error of one target column of `forecast`, in its own units. */
function columnRmse(
  forecast: Float32Array,
  targets: Float32Array,
  k: number,
  K: number,
  variance: number,
): number {
  let sum = 0;
  let n = 0;
  for (let i = k; i < targets.length; i += K) {
    sum += (forecast[i]! - targets[i]!) ** 2;
    n++;
  }
  return Math.sqrt((sum / n) * variance);
}

async function report(
  context: ReportContext,
  model: Forecaster,
  z: Standardizer,
  train: Windows,
  validation: Windows,
  series: SeriesOptions,
): Promise<Report> {
  const { io, human } = context;
  const { errors, forecast, period } = validationErrors(model, train, validation, series);
  const K = series.target.length;
  const variance = z.variance(series.target);
  const rmse = Object.fromEntries(
    series.target.map((name, k) => [
      name,
      columnRmse(forecast, validation.targets, k, K, variance[k]!),
    ]),
  );
  const best = Object.entries(errors)
    .filter(([name]) => name !== 'forecaster')
    .reduce((a, b) => (b[1] < a[1] ? b : a));
  if (human) {
    const names: Record<string, string> = {
      forecaster: 'forecaster',
      lastValue: 'last value',
      seasonalNaive: `seasonal naive (period ${period})`,
      linear: `linear (AR on the last ${Math.min(series.window, MAX_LINEAR_LAGS)} steps)`,
      linearDifferenced: 'linear on changes (AR(2) of differences)',
    };
    println(
      io.stdout,
      `\nValidation: ${count(validation.inputShape[0])} windows of ${series.window} steps → the next ${series.horizon} of ${series.target.join(', ')}; MSE in z-scores (lower is better)`,
    );
    for (const [name, value] of Object.entries(errors)) {
      println(io.stdout, `  ${names[name]!.padEnd(42)} ${value.toFixed(5)}`);
    }
    const ratio = errors.forecaster! / best[1];
    println(
      io.stdout,
      `The forecaster's error is ${ratio.toFixed(2)}× the best baseline's (${names[best[0]]}); in the data's units its RMSE is ${Object.entries(
        rmse,
      )
        .map(([name, value]) => `${name} ${value.toPrecision(3)}`)
        .join(', ')}`,
    );
  }
  return {
    validation: {
      windows: validation.inputShape[0],
      mse: Object.fromEntries(Object.entries(errors).map(([k, v]) => [k, round(v, 6)])),
      bestBaseline: best[0],
      rmse: Object.fromEntries(Object.entries(rmse).map(([k, v]) => [k, round(v, 6)])),
    },
  };
}
