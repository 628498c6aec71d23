import type { CellKind } from '@recur/cells';
import {
  batchIndices,
  Standardizer,
  type StandardizerJSON,
  slidingWindows,
  splitSeries,
  type TimeSeries,
  timeSeries,
  type Windows,
  windowBatch,
} from '@recur/datasets';
import { checkOptions, RecurError, tensor } from '@recur/tensor';
import {
  CELL_KINDS,
  checkBoolean,
  checkChoice,
  checkSeed,
  checkSize,
  orDefault,
} from '../config.js';
import { type ForecastBatch, Forecaster } from '../forecaster.js';
import { disposeModel } from '../model-io.js';
import { asFormat, fail, loadStart, saveStart } from './start-file.js';
import { checkFitOptions, type FitOptions, type FitReport, runTraining } from './training-run.js';

/** Options of a {@link TimeSeriesForecaster} (all optional). */
export interface TimeSeriesForecasterOptions {
  /** Steps the model reads before it forecasts (default 24). */
  window?: number;
  /** Steps it is trained to forecast, feeding each prediction back (default 12). */
  horizon?: number;
  /** `'lstm'` (default), `'gru'`, `'rnn'` or `'irnn'`. */
  cell?: CellKind;
  /** Units per layer (default 64). */
  hiddenSize?: number;
  /** Stacked layers (default 1). */
  numLayers?: number;
  /**
   * Read step-to-step changes and forecast changes from the last value (default false): for
   * series that drift past the range they were trained on (see `Forecaster`'s `differenced`).
   */
  differenced?: boolean;
  /** Seed of the weights and of training (default 0). */
  seed?: number;
}

/**
 * A series: numbers (one feature), one row of numbers per step, or a `TimeSeries` of
 * `@recur/datasets` (e.g. what `parseNumericCsv` / `readNumericCsv` return, columns chosen).
 */
export type SeriesInput =
  | readonly number[]
  | Float32Array
  | readonly (readonly number[])[]
  | TimeSeries;

/** Options of {@link TimeSeriesForecaster.fit}: the training budget, and the window's shape. */
export interface ForecastFitOptions extends FitOptions {
  window?: number;
  horizon?: number;
}

type Settings = Required<TimeSeriesForecasterOptions>;
const KIND = 'TimeSeriesForecaster';
const OPTION_KEYS = ['window', 'horizon', 'cell', 'hiddenSize', 'numLayers', 'differenced', 'seed'];

/**
 * Forecasting numbers in three lines — the article's one-to-many design with its output fed
 * back as the next input:
 *
 * ```ts
 * const model = new TimeSeriesForecaster();
 * await model.fit(readings, { window: 24, horizon: 12, minutes: 1 });
 * model.forecast(48); // the 48 steps after the last reading
 * ```
 *
 * `fit` z-scores every feature with a `Standardizer` fitted on the training part (kept inside
 * the model and its file), cuts the series into windows (`slidingWindows`: `window` steps in,
 * the next `horizon` out), and trains a {@link Forecaster} in `'feedback'` mode: it predicts one
 * step, reads its own prediction, and so on, so it learns to forecast from its own outputs.
 * `forecast(steps)` rolls out any number of steps after the last `window` readings it saw (or
 * after `from`), in the series' own units. With `validation`, the end of the series is held out
 * (split by time).
 */
export class TimeSeriesForecaster {
  readonly settings: Readonly<Settings>;
  #model: Forecaster | null = null;
  #standardizer: Standardizer | null = null;
  /** The last `window` steps of the series `fit` saw, in its units, step-major. */
  #history: Float32Array | null = null;

  constructor(options: TimeSeriesForecasterOptions = {}) {
    this.settings = checkSettings(KIND, options);
  }

  /** The underlying {@link Forecaster} (after {@link fit} or {@link TimeSeriesForecaster.load}). */
  get model(): Forecaster {
    if (!this.#model) throw notTrained('model');
    return this.#model;
  }

  /** The z-scores `fit` learned from the training part (saved with the model). */
  get standardizer(): Standardizer {
    if (!this.#standardizer) throw notTrained('standardizer');
    return this.#standardizer;
  }

  /**
   * Trains on `series` for the budget of `options` (default one minute; see {@link FitOptions}):
   * Adam (learning rate 0.01 by default), 32 windows per batch reshuffled every epoch (seeded),
   * clipping at norm 1; the loss is the mean squared error in z-scores. `window` and `horizon`
   * may be given here instead of to the constructor (before the first fit).
   */
  async fit(series: SeriesInput, options: ForecastFitOptions = {}): Promise<FitReport> {
    const owner = `${KIND}.fit`;
    const { window, horizon, ...budget } = options;
    checkFitOptions(owner, budget);
    if (window !== undefined || horizon !== undefined) {
      const next = checkSettings(owner, {
        ...this.settings,
        ...(window !== undefined ? { window } : {}),
        ...(horizon !== undefined ? { horizon } : {}),
      });
      if (
        this.#model &&
        (next.window !== this.settings.window || next.horizon !== this.settings.horizon)
      ) {
        throw new RecurError(
          'ARGUMENT',
          `${owner}: the model was built for window ${this.settings.window} and horizon ${this.settings.horizon}; make a new ${KIND} for others`,
        );
      }
      (this as { settings: Readonly<Settings> }).settings = next;
    }
    const data = asSeries(owner, series);
    const v = budget.validation ?? 0;
    const parts =
      v > 0
        ? splitSeries(data, { train: 1 - v, validation: v })
        : { train: data, validation: null };
    if (!this.#model) this.#build(parts.train);
    const windows = (part: TimeSeries, what: string) => {
      const { window: T, horizon: H } = this.settings;
      if (part.steps < T + H) {
        throw new RecurError(
          'ARGUMENT',
          `${owner}: the ${what} part has ${part.steps} steps; a window of ${T} and a horizon of ${H} need ${T + H}`,
        );
      }
      return slidingWindows(this.standardizer.transform(part), { inputSteps: T, horizon: H });
    };
    const train = windows(parts.train, 'training');
    const validation = parts.validation ? windows(parts.validation, 'validation') : null;
    this.#history = lastSteps(data, this.settings.window);
    const batchSize = budget.batchSize ?? 32;
    const count = Math.ceil(train.inputShape[0] / batchSize);
    return runTraining<ForecastBatch>(
      {
        model: this.model,
        train: (_epoch, rng) =>
          batchesOf(train, batchIndices(train.inputShape[0], { batchSize, shuffle: true, rng })),
        batchesPerEpoch: count,
        validation: validation
          ? [...batchesOf(validation, batchIndices(validation.inputShape[0], { batchSize }))]
          : null,
        seed: this.settings.seed,
        learningRate: 0.01,
        clipNorm: 1,
      },
      budget,
    );
  }

  /**
   * The `steps` steps after the last `window` steps of `from` (default: of the series given to
   * `fit`), each prediction fed back as the next input: numbers for one feature, else one row
   * per step.
   */
  forecast(steps: number, options: { from?: SeriesInput } = {}): number[] | number[][] {
    const owner = `${KIND}.forecast`;
    checkOptions(owner, options, ['from']);
    if (!Number.isSafeInteger(steps) || steps < 1) {
      throw new RecurError(
        'RANGE',
        `${owner}: steps must be an integer >= 1, got ${String(steps)}`,
      );
    }
    const T = this.settings.window;
    let recent = this.#history;
    if (options.from !== undefined) {
      const from = asSeries(owner, options.from);
      if (from.steps < T || from.features !== this.standardizer.columns.length) {
        throw new RecurError(
          'ARGUMENT',
          `${owner}: from has ${from.steps} steps of ${from.features} features; expected at least ${T} steps of ${this.standardizer.columns.length}`,
        );
      }
      recent = lastSteps(from, T);
    }
    if (!recent) throw notTrained('series');
    const F = this.standardizer.columns.length;
    const input = tensor(this.standardizer.transformValues(recent), [1, T, F]);
    try {
      const z = this.model.forecast(input, steps);
      const values = Array.from(this.standardizer.inverseValues(z));
      if (F === 1) return values;
      return Array.from({ length: steps }, (_, t) => values.slice(t * F, (t + 1) * F));
    } finally {
      input.dispose();
    }
  }

  /** Layers, output shapes and parameter counts (see `Forecaster.summary`). */
  summary(): string {
    return `${KIND}: window ${this.settings.window}, horizon ${this.settings.horizon}, z-scored ${this.standardizer.columns.join(', ')} → ${this.model.summary()}`;
  }

  /** How many numbers the model's parameters hold. */
  get parameterCount(): number {
    return this.model.parameterCount;
  }

  /** One safetensors file: the weights, the settings, the `Standardizer` and the last window. */
  save(): Uint8Array {
    if (!this.#history) throw notTrained('series');
    return saveStart(KIND, this.model, undefined, {
      settings: this.settings,
      standardizer: this.standardizer.toJSON(),
      history: Array.from(this.#history),
    });
  }

  /**
   * The forecaster {@link save} wrote, checked as hostile: the file (see `loadModel`), the
   * settings (as the constructor checks them), the standardizer (`Standardizer.fromJSON`), the
   * last window (finite numbers, `window` steps of every feature) and their agreement with the
   * model; anything wrong is a `FORMAT` error and nothing stays allocated.
   */
  static load(bytes: Uint8Array): TimeSeriesForecaster {
    const owner = `${KIND}.load`;
    return loadStart<Forecaster, TimeSeriesForecaster>(
      KIND,
      bytes,
      'Forecaster',
      ['settings', 'standardizer', 'history'],
      ({ model, fields }) => {
        const out = new TimeSeriesForecaster(fields.settings as TimeSeriesForecasterOptions);
        const standardizer = Standardizer.fromJSON(fields.standardizer as StandardizerJSON);
        const s = out.settings;
        const F = standardizer.columns.length;
        const expected = {
          inputSize: F,
          mode: 'feedback',
          horizon: s.horizon,
          differenced: s.differenced,
          cell: s.cell,
          hiddenSize: s.hiddenSize,
          numLayers: s.numLayers,
        };
        const c = model.config;
        for (const [key, value] of Object.entries(expected)) {
          const got = c[key as keyof typeof c];
          if (got !== value)
            fail(
              owner,
              `the model's ${key} is ${JSON.stringify(got)}; the settings and standardizer imply ${JSON.stringify(value)}`,
            );
        }
        const history = fields.history;
        if (!Array.isArray(history) || history.length !== s.window * F) {
          fail(
            owner,
            `history must hold the last ${s.window} steps of ${F} features (${s.window * F} numbers)`,
          );
        }
        const values = asFormat(owner, () => timeSeries(history as number[]).values);
        out.#model = model;
        out.#standardizer = standardizer;
        out.#history = values;
        return out;
      },
    );
  }

  /** Frees the model's tensors; the forecaster cannot be used afterwards. */
  dispose(): void {
    if (this.#model) disposeModel(this.#model);
    this.#model = null;
  }

  #build(train: TimeSeries): void {
    const s = this.settings;
    this.#standardizer = Standardizer.fit(train);
    this.#model = new Forecaster({
      inputSize: train.features,
      hiddenSize: s.hiddenSize,
      numLayers: s.numLayers,
      cell: s.cell,
      mode: 'feedback',
      horizon: s.horizon,
      differenced: s.differenced,
      seed: s.seed,
    });
  }
}

function checkSettings(owner: string, options: TimeSeriesForecasterOptions): Readonly<Settings> {
  checkOptions(owner, options, OPTION_KEYS);
  const o = options;
  return Object.freeze({
    window: checkSize(owner, 'window', orDefault(o.window, 24)),
    horizon: checkSize(owner, 'horizon', orDefault(o.horizon, 12)),
    cell: checkChoice(owner, 'cell', orDefault(o.cell, 'lstm'), CELL_KINDS),
    hiddenSize: checkSize(owner, 'hiddenSize', orDefault(o.hiddenSize, 64)),
    numLayers: checkSize(owner, 'numLayers', orDefault(o.numLayers, 1)),
    differenced: checkBoolean(owner, 'differenced', orDefault(o.differenced, false)),
    seed: checkSeed(owner, 'seed', orDefault(o.seed, 0)),
  });
}

/** `input` as a checked `TimeSeries` (finite numbers, rows of one width). */
function asSeries(owner: string, input: SeriesInput): TimeSeries {
  try {
    if (input !== null && typeof input === 'object' && 'values' in input && 'columns' in input) {
      const { values, features, columns } = input as TimeSeries;
      return timeSeries(values, { features, columns });
    }
    return timeSeries(input as readonly number[]);
  } catch (error) {
    throw new RecurError('ARGUMENT', `${owner}: series: ${(error as Error).message}`);
  }
}

/** The last `T` steps of `series`, step-major. */
function lastSteps(series: TimeSeries, T: number): Float32Array {
  return series.values.slice((series.steps - T) * series.features);
}

/** Tensor batches of `windows`, one per index list, made as they are asked for. */
function* batchesOf(windows: Windows, indices: number[][]): Generator<ForecastBatch> {
  for (const rows of indices) {
    const b = windowBatch(windows, rows);
    yield { inputs: tensor(b.inputs, b.inputShape), targets: tensor(b.targets, b.targetShape) };
  }
}

function notTrained(what: string): RecurError {
  return new RecurError(
    'ARGUMENT',
    `${KIND}: no ${what} yet; call fit(series) or ${KIND}.load(bytes) first`,
  );
}
