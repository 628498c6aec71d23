import type { Forecaster } from '@recur/architectures';
import { Standardizer, type TimeSeries } from '@recur/datasets';
import { readNumericCsv, sensorNetworkSeries } from '@recur/datasets/node';
import { tensor } from '@recur/tensor';
import { defaultCheckpointPath } from '../checkpoint.js';
import type { FlagSpecs } from '../flags.js';
import { round, table } from '../format.js';
import { type Command, println } from '../io.js';
import type { ForecastVocabulary } from '../tasks/forecasting.js';
import { inferenceCommand, inferenceFlags } from './common.js';

const specs: FlagSpecs = {
  ...inferenceFlags(defaultCheckpointPath('forecast')),
  file: {
    type: 'string',
    short: 'f',
    kind: 'file',
    value: '<path>',
    help: 'CSV with the columns the model reads; the forecast starts after its last row (default for a model of --dataset sensors: the end of that series)',
  },
  steps: {
    type: 'string',
    short: 's',
    kind: 'int',
    min: 1,
    max: 10_000,
    value: '<n>',
    help: "steps to forecast (default: the model's horizon); beyond it, forecasts are fed back as inputs",
  },
};

/** `recur forecast`. */
export const forecastCommand: Command = inferenceCommand({
  name: 'forecast',
  arch: 'forecast',
  summary: 'forecast the next steps of a numeric series (CSV) with a forecaster checkpoint',
  usage: 'recur forecast [--file data.csv] [--steps <n>] [options]',
  notes:
    'The checkpoint comes from recur train --arch forecast (checkpoints/forecast.ckpt by default); it\nholds the z-scores fitted on the training data, so the CSV holds raw values and the forecast is\nin the same units. The model reads the last --window rows it was trained with. Forecasting past\nthe horizon feeds predictions back as inputs, which needs every column to be a target.',
  specs,
  body: async ({ flags, path, trained, io }) => {
    const model = trained.model as Forecaster;
    const series = trained.metadata.options.series!;
    const z = Standardizer.fromJSON((trained.vocabulary as ForecastVocabulary).normalization);
    if (z.columns.join(',') !== series.columns.join(',')) {
      throw flags.error(
        `${path} holds z-scores of columns ${z.columns.join(',')} but a model of ${series.columns.join(',')}`,
      );
    }
    const file = flags.string('file');
    let data: TimeSeries;
    let source: string;
    if (file !== undefined) {
      data = await readNumericCsv(file, { columns: series.columns });
      source = file;
    } else if (trained.metadata.options.dataset === 'sensors') {
      data = sensorNetworkSeries({ columns: series.columns });
      source = 'the single-hop sensor network (mote 3)';
    } else {
      throw flags.error(
        `the model in ${path} was trained on a file; name a CSV with its columns (${series.columns.join(',')}) with --file <path>`,
      );
    }
    const { window } = series;
    const F = series.columns.length;
    if (data.steps < window) {
      throw flags.error(
        `${source} has ${data.steps} rows; the model reads the last ${window} (its --window)`,
      );
    }
    const steps = flags.numberOr('steps', series.horizon);
    const last = z.transformValues(data.values.subarray((data.steps - window) * F));
    const inputs = tensor(last, [1, window, F]);
    let forecast: Float32Array;
    try {
      forecast = z.inverseValues(model.forecast(inputs, steps), series.target);
    } finally {
      inputs.dispose();
    }
    const K = series.target.length;
    const rows = Array.from({ length: steps }, (_, h) =>
      Array.from({ length: K }, (_, k) => forecast[h * K + k]!),
    );
    if (flags.bool('json')) {
      println(
        io.stdout,
        JSON.stringify({
          command: 'forecast',
          checkpoint: path,
          step: trained.step,
          source,
          after: data.steps,
          window,
          columns: series.target,
          forecast: rows.map((row) => row.map((v) => round(v, 6))),
        }),
      );
      return;
    }
    println(
      io.stdout,
      `Forecast of ${series.target.join(', ')} for the ${steps} steps after row ${data.steps} of ${source} (from its last ${window}):`,
    );
    const lastRow = series.target.map(
      (name) => data.values[(data.steps - 1) * F + series.columns.indexOf(name)]!,
    );
    println(
      io.stdout,
      table([
        ['step', ...series.target],
        ['last', ...lastRow.map((v) => v.toPrecision(5))],
        ...rows.map((row, h) => [`+${h + 1}`, ...row.map((v) => v.toPrecision(5))]),
      ]),
    );
  },
});
