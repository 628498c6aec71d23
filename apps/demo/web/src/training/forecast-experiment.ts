import { Forecaster } from '@recur/architectures';
import { mse, type Variable } from '@recur/autograd';
import type { GradientFlowReport } from '@recur/clipping';
import {
  fitAutoregression,
  lastValueForecast,
  meanSquaredError,
  SeededRng,
  Standardizer,
  seasonalNaiveForecast,
  slidingWindows,
  splitSeries,
  type TimeSeries,
  timeSeries,
  type Windows,
  windowBatch,
} from '@recur/datasets';
import { tensor, tidy } from '@recur/tensor';
import type { ForecastPlot, RunConfig } from '../protocol.js';
import type { Baseline } from './data.js';
import { randomRows } from './data.js';
import type { Experiment } from './experiment.js';
import { FLOW_BATCH, firstCell, scaleRecurrentWeights } from './experiment-support.js';
import { stepwiseGradientFlow } from './stepwise-flow.js';

/** Steps forecast at once: 12 readings, one minute. */
export const HORIZON = 12;
/** Seconds between two readings of the sensor network. */
const SECONDS_PER_STEP = 5;
/** Steps the plot forecasts (three horizons: beyond the first, forecasts are fed back). */
export const PLOT_STEPS = 36;
/** The column the plot shows, and its unit. */
const PLOTTED = { column: 'temperature', label: 'temperature (°C)' };

/** A numeric series as the page embeds it: column names and step-major values. */
export interface SensorReadings {
  columns: readonly string[];
  values: ArrayLike<number>;
}

/**
 * Forecasting the single-hop sensor network's readings (mote 3: humidity and temperature every
 * 5 s), as `recur train --arch forecast` does: split by time (70 % train, 15 % validation),
 * z-scores fitted on the training part, windows of T steps → the next 12, a differenced
 * {@link Forecaster}; its validation MSE beside the last-value, seasonal-naive and linear
 * baselines, and a plot of its forecast against what happened.
 */
export class ForecastExperiment implements Experiment {
  readonly description: string;
  readonly baselines: Baseline[];
  readonly #config: RunConfig;
  readonly #model: Forecaster;
  readonly #z: Standardizer;
  readonly #train: Windows;
  readonly #validation: Windows;
  /** The validation part in z-scores, for the plot's longer forecast. */
  readonly #validationSeries: TimeSeries;
  readonly #rng: SeededRng;

  constructor(config: RunConfig, readings: SensorReadings) {
    this.#config = config;
    const series = timeSeries(Float32Array.from(readings.values), {
      features: readings.columns.length,
      columns: readings.columns,
    });
    const { train, validation } = splitSeries(series, { train: 0.7, validation: 0.15, test: 0.15 });
    this.#z = Standardizer.fit(train);
    const T = config.sequenceLength;
    const cut = (part: TimeSeries) =>
      slidingWindows(this.#z.transform(part), { inputSteps: T, horizon: HORIZON });
    this.#train = cut(train);
    this.#validation = cut(validation);
    this.#validationSeries = this.#z.transform(validation);
    this.#model = new Forecaster({
      inputSize: series.features,
      hiddenSize: config.hiddenSize,
      cell: config.cell,
      mode: 'last',
      horizon: HORIZON,
      differenced: true,
      seed: config.seed,
    });
    scaleRecurrentWeights(this.#model.parameters(), config.cell, config.recurrentGain);
    this.#rng = new SeededRng(config.seed + 1);
    this.description = `Sensor readings (mote 3 of a wireless sensor network, one every ${SECONDS_PER_STEP} s; ${series.columns.join(' and ')}): the last ${T} steps → the next ${HORIZON} (one minute), split by time (70 % train, 15 % validation); loss = mean squared error of z-scores. Dashed: baselines on the validation windows.`;
    this.baselines = this.#baselineErrors();
  }

  #baselineErrors(): Baseline[] {
    const v = this.#validation;
    const T = this.#config.sequenceLength;
    const out: Baseline[] = [
      { name: 'last value', value: meanSquaredError(lastValueForecast(v), v.targets) },
    ];
    if (T >= HORIZON) {
      out.push({
        name: `seasonal naive (${HORIZON})`,
        value: meanSquaredError(seasonalNaiveForecast(v, HORIZON), v.targets),
      });
    }
    if (T >= 3) {
      const linear = fitAutoregression(this.#train, { differenced: true, lags: 2 });
      out.push({
        name: 'linear on changes',
        value: meanSquaredError(linear.predict(v), v.targets),
      });
    }
    return out;
  }

  parameters(): Record<string, Variable> {
    return this.#model.parameters();
  }

  trainingLoss(): Variable {
    const rows = randomRows(this.#train.inputShape[0], this.#config.batchSize, this.#rng);
    const b = windowBatch(this.#train, rows);
    return this.#model.loss({
      inputs: tensor(b.inputs, b.inputShape),
      targets: tensor(b.targets, b.targetShape),
    }).loss;
  }

  /**
   * ‖∂L/∂a⟨t⟩‖ on the first validation windows, the loss being the head's error at the last
   * step: the network reads step-to-step changes and predicts the changes from the last value.
   */
  gradientFlow(): GradientFlowReport {
    const rows = Array.from({ length: FLOW_BATCH }, (_, i) => i);
    const b = windowBatch(this.#validation, rows);
    const [B, T, F] = b.inputShape;
    const [, H, K] = b.targetShape;
    const changes = new Float32Array(B * T * F);
    const ahead = new Float32Array(B * H * K);
    for (let n = 0; n < B; n++) {
      for (let t = 1; t < T; t++) {
        for (let f = 0; f < F; f++) {
          const i = (n * T + t) * F + f;
          changes[i] = b.inputs[i]! - b.inputs[i - F]!;
        }
      }
      for (let h = 0; h < H; h++) {
        for (let k = 0; k < K; k++) {
          ahead[(n * H + h) * K + k] =
            b.targets[(n * H + h) * K + k]! - b.inputs[(n * T + T - 1) * F + k]!;
        }
      }
    }
    return stepwiseGradientFlow(
      firstCell(this.#model.rnn),
      tensor(changes, [B, T, F]),
      undefined,
      (last) => mse(this.#model.output.apply(last), tensor(ahead, [B, H * K])),
    );
  }

  sample(): { text: string; metric: { name: string; value: number }; plot: ForecastPlot } {
    const v = this.#validation;
    const forecast = tidy(() => this.#model.forecast(tensor(v.inputs, v.inputShape), HORIZON));
    const error = meanSquaredError(forecast, v.targets);
    const k = this.#z.columns.indexOf(PLOTTED.column);
    const K = this.#z.columns.length;
    let squared = 0;
    for (let i = k; i < forecast.length; i += K) squared += (forecast[i]! - v.targets[i]!) ** 2;
    const rmse = Math.sqrt(
      (squared / (forecast.length / K)) * this.#z.variance([PLOTTED.column])[0]!,
    );
    const baselines = this.baselines.map((b) => `${b.name} ${b.value.toFixed(5)}`).join(' · ');
    return {
      text: `validation MSE (z-scores): forecaster ${error.toFixed(5)} · ${baselines}\n${PLOTTED.column} one minute ahead: RMSE ${rmse.toFixed(3)} °C over ${v.inputShape[0]} windows`,
      metric: { name: 'validation MSE', value: error },
      plot: this.#plot(k),
    };
  }

  /** The last stretch of the validation part: T steps read, then 36 forecast beside the actual. */
  #plot(k: number): ForecastPlot {
    const T = this.#config.sequenceLength;
    const s = this.#validationSeries;
    const F = s.features;
    const start = s.steps - T - PLOT_STEPS;
    const window = s.values.slice(start * F, (start + T) * F);
    const forecast = tidy(() => this.#model.forecast(tensor(window, [1, T, F]), PLOT_STEPS));
    const column = (
      values: Float32Array,
      from: number,
      steps: number,
      width: number,
      index: number,
    ) => {
      const picked = Array.from({ length: steps }, (_, t) => values[(from + t) * width + index]!);
      return Array.from(this.#z.inverseValues(picked, [index]));
    };
    return {
      label: PLOTTED.label,
      secondsPerStep: SECONDS_PER_STEP,
      history: column(s.values, start, T, F, k),
      actual: column(s.values, start + T, PLOT_STEPS, F, k),
      forecast: column(forecast, 0, PLOT_STEPS, F, k),
    };
  }
}
