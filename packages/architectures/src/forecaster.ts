import {
  abs,
  add,
  concat,
  gather,
  mean,
  mse,
  noGrad,
  reshape,
  slice,
  sub,
  type Variable,
} from '@recur/autograd';
import { type CellKind, RecurrentLayer } from '@recur/cells';
import {
  checkOptions,
  formatShape,
  RecurError,
  Rng,
  type Tensor,
  tensor,
  tidy,
} from '@recur/tensor';
import type { TrainingContext } from '@recur/train';
import { checkConfigSizes } from './config.js';
import { Dense } from './layers.js';
import type { RecurrentState } from './states.js';

/**
 * What a {@link Forecaster} predicts from a window of T steps:
 *
 * - `'last'` — many-to-one: after reading the window, the next H steps at once (one linear head
 *   on the final state, `[B, H, K]`).
 * - `'every-step'` — many-to-many: after each step t, step t + 1 (`[B, T, K]`; H is 1).
 * - `'feedback'` — one-to-many after the window: predict one step, feed the prediction back as
 *   the next input, H times (`[B, H, K]`). Trained through the feedback, so the model learns to
 *   read its own forecasts; needs every input feature to be a target.
 */
export type ForecastMode = 'last' | 'every-step' | 'feedback';

/** The loss of a {@link Forecaster}: mean squared error or mean absolute error. */
export type ForecastLoss = 'mse' | 'mae';

/** The configuration of a {@link Forecaster}: plain JSON, saved with the weights. */
export interface ForecasterConfig {
  architecture: 'Forecaster';
  /** Features per input step (F). */
  inputSize: number;
  /** Which input features are forecast (indices, K of them). Default: all, in order. */
  targetFeatures: number[];
  mode: ForecastMode;
  /** Steps forecast per window (H) for `'last'` and `'feedback'`; 1 for `'every-step'`. */
  horizon: number;
  /**
   * Work in step-to-step changes: the network reads `x⟨t⟩ − x⟨t−1⟩` (0 at the first step) and
   * its head predicts the change from the last known value, `ŷ⟨t+h⟩ = x⟨t⟩ + head(a⟨t⟩)` — the
   * ARI(p, 1) idea. The model then never sees levels, so it forecasts a series that drifts
   * past its training range (sensor readings, prices) as well as one that stays inside it.
   * Default false (read and predict values).
   */
  differenced: boolean;
  cell: CellKind;
  hiddenSize: number;
  numLayers: number;
  /** Dropout between stacked layers while training. */
  dropout: number;
  loss: ForecastLoss;
  /** Seed of the initial weights and the dropout masks. */
  seed: number;
}

/** Options of the {@link Forecaster} constructor: the config with defaults. */
export type ForecasterOptions = Partial<Omit<ForecasterConfig, 'architecture'>> &
  Pick<ForecasterConfig, 'inputSize' | 'hiddenSize'>;

const OPTIONS = [
  'architecture',
  'inputSize',
  'targetFeatures',
  'mode',
  'horizon',
  'differenced',
  'cell',
  'hiddenSize',
  'numLayers',
  'dropout',
  'loss',
  'seed',
];

/** A batch for {@link Forecaster.loss}. */
export interface ForecastBatch {
  /** `[B, T, F]` float32 windows. */
  inputs: Tensor;
  /** float32 `[B, H, K]` (`'last'`, `'feedback'`) or `[B, T, K]` (`'every-step'`). */
  targets: Tensor;
}

/**
 * Forecasting a multivariate time series (sensor readings, prices, audio features): a window
 * `[B, T, F]` goes through a (stacked) recurrent layer of any cell kind, and a linear head reads
 * its state — the article's many-to-one, many-to-many and, with predictions fed back as inputs,
 * one-to-many designs. Trained with MSE (or MAE) on z-scored data (`Standardizer` of
 * `@recur/datasets`); {@link Forecaster.forecast} rolls out any number of steps autoregressively.
 *
 * ```ts
 * const model = new Forecaster({ inputSize: 2, hiddenSize: 32, mode: 'feedback', horizon: 12, differenced: true });
 * const { loss } = model.loss({ inputs, targets }); // [B, T, 2] → [B, 12, 2]
 * const next60 = model.forecast(window, 60);          // Float32Array [B, 60, 2]
 * ```
 */
export class Forecaster {
  readonly config: ForecasterConfig;
  readonly rnn: RecurrentLayer;
  readonly output: Dense;
  /** Whether the targets are exactly the inputs, so predictions can be fed back. */
  readonly canFeedBack: boolean;

  constructor(options: ForecasterOptions) {
    const owner = 'Forecaster';
    checkOptions(owner, options, OPTIONS);
    const architecture = (options as { architecture?: unknown }).architecture;
    if (architecture !== undefined && architecture !== 'Forecaster') {
      throw new RecurError(
        'ARGUMENT',
        `${owner}: architecture is ${JSON.stringify(architecture)}; expected 'Forecaster'`,
      );
    }
    const mode = options.mode ?? 'last';
    const inputSize = options.inputSize;
    this.config = {
      architecture: 'Forecaster',
      inputSize,
      targetFeatures: options.targetFeatures
        ? [...options.targetFeatures]
        : Array.from(
            { length: Number.isInteger(inputSize) && inputSize > 0 ? inputSize : 0 },
            (_, i) => i,
          ),
      mode,
      horizon: options.horizon ?? 1,
      differenced: options.differenced ?? false,
      cell: options.cell ?? 'lstm',
      hiddenSize: options.hiddenSize,
      numLayers: options.numLayers ?? 1,
      dropout: options.dropout ?? 0,
      loss: options.loss ?? 'mse',
      seed: options.seed ?? 0,
    };
    const c = this.config;
    checkConfigSizes(owner, c, ['inputSize', 'hiddenSize', 'numLayers', 'horizon']);
    if (!['last', 'every-step', 'feedback'].includes(c.mode)) {
      throw new RecurError(
        'ARGUMENT',
        `${owner}: mode is ${JSON.stringify(c.mode)}; expected 'last', 'every-step' or 'feedback'`,
      );
    }
    if (c.loss !== 'mse' && c.loss !== 'mae') {
      throw new RecurError(
        'ARGUMENT',
        `${owner}: loss is ${JSON.stringify(c.loss)}; expected 'mse' or 'mae'`,
      );
    }
    if (typeof c.differenced !== 'boolean') {
      throw new RecurError(
        'ARGUMENT',
        `${owner}: differenced must be a boolean, got ${String(c.differenced)}`,
      );
    }
    const t = c.targetFeatures;
    if (
      !Array.isArray(t) ||
      t.length === 0 ||
      t.some((f) => !Number.isInteger(f) || f < 0 || f >= c.inputSize) ||
      new Set(t).size !== t.length
    ) {
      throw new RecurError(
        'ARGUMENT',
        `${owner}: targetFeatures must be distinct feature indices in [0, ${c.inputSize}); got ${JSON.stringify(t)}`,
      );
    }
    if (c.mode === 'every-step' && c.horizon !== 1) {
      throw new RecurError(
        'ARGUMENT',
        `${owner}: mode 'every-step' predicts one step ahead at every step; horizon must be 1, got ${c.horizon}`,
      );
    }
    this.canFeedBack = t.length === c.inputSize && t.every((f, i) => f === i);
    if (c.mode === 'feedback' && !this.canFeedBack) {
      throw new RecurError(
        'ARGUMENT',
        `${owner}: mode 'feedback' feeds predictions back as inputs, so targetFeatures must be every input feature in order [0 … ${c.inputSize - 1}]; got ${JSON.stringify(t)}`,
      );
    }
    const rng = new Rng(c.seed);
    this.rnn = new RecurrentLayer({
      cell: c.cell,
      inputSize: c.inputSize,
      hiddenSize: c.hiddenSize,
      numLayers: c.numLayers,
      dropout: c.dropout,
      rng,
    });
    this.output = new Dense({
      inputSize: c.hiddenSize,
      outputSize: this.#chunk * t.length,
      rng,
      names: ['W_ao', 'b_o'],
    });
  }

  /** Steps one head call predicts: H for `'last'`, else 1. */
  get #chunk(): number {
    return this.config.mode === 'last' ? this.config.horizon : 1;
  }

  /** Every parameter: `rnn.layer0.forward.W_x`, …, `W_ao`, `b_o`. */
  parameters(): Record<string, Variable> {
    const out: Record<string, Variable> = {};
    for (const [name, p] of Object.entries(this.rnn.parameters())) out[`rnn.${name}`] = p;
    return Object.assign(out, this.output.parameters());
  }

  /** Predictions of the mode's target shape: `[B, H, K]`, or `[B, T, K]` for `'every-step'`. */
  forward(inputs: Tensor, training = false): Variable {
    const [B, T] = this.#checkInputs('Forecaster.forward', inputs);
    if (this.config.mode !== 'every-step')
      return this.#rollout(inputs, this.config.horizon, training);
    const { differenced } = this.config;
    const x = differenced ? changes(inputs, slice(inputs, [0, 0, 0], [B, 1, -1])) : inputs;
    const { outputs } = this.rnn.forward(x, { training });
    const K = this.config.targetFeatures.length;
    const y = reshape(this.output.apply(outputs), [B, T, K]);
    return differenced ? add(y, this.#targetsOf(inputs)) : y;
  }

  /** MSE (or MAE) of {@link forward} against `targets` — the `@recur/train` model interface. */
  loss(
    batch: ForecastBatch,
    _state?: unknown,
    context?: Pick<TrainingContext, 'training'>,
  ): { loss: Variable; tokens: number } {
    const fn = 'Forecaster.loss';
    const [B, T] = this.#checkInputs(fn, batch.inputs);
    const { mode, horizon, targetFeatures } = this.config;
    const expected = [B, mode === 'every-step' ? T : horizon, targetFeatures.length];
    const targets = batch.targets;
    if (
      targets?.dtype !== 'float32' ||
      targets.rank !== 3 ||
      targets.shape.some((d, i) => d !== expected[i])
    ) {
      throw new RecurError(
        'SHAPE',
        `${fn}: targets must be float32 ${formatShape(expected)} for mode '${mode}' (batch, ${mode === 'every-step' ? 'steps' : 'horizon'}, targets); got ${targets?.dtype} ${targets ? formatShape(targets.shape) : String(targets)}`,
      );
    }
    const prediction = this.forward(batch.inputs, context?.training ?? true);
    const loss =
      this.config.loss === 'mse' ? mse(prediction, targets) : mean(abs(sub(prediction, targets)));
    return { loss, tokens: B * expected[1]! };
  }

  /** {@link forward} without gradients, as a row-major Float32Array. */
  predict(inputs: Tensor): Float32Array {
    return noGrad(() => tidy(() => Float32Array.from(this.forward(inputs).value.data())));
  }

  /**
   * Forecasts `steps` steps after each window, `[B, steps, K]` row-major, feeding predictions
   * back as inputs whenever the head has not predicted far enough yet: one step at a time
   * (`'every-step'`, `'feedback'`) or H at a time (`'last'`). Beyond one head call the targets
   * must be every input feature (the fed-back step needs all of them).
   */
  forecast(inputs: Tensor, steps: number): Float32Array {
    const fn = 'Forecaster.forecast';
    this.#checkInputs(fn, inputs);
    if (!Number.isInteger(steps) || steps < 1) {
      throw new RecurError('ARGUMENT', `${fn}: steps must be a positive integer, got ${steps}`);
    }
    if (steps > this.#chunk && !this.canFeedBack) {
      throw new RecurError(
        'ARGUMENT',
        `${fn}: ${steps} steps need predictions fed back as inputs, but the model forecasts features ${JSON.stringify(this.config.targetFeatures)} of ${this.config.inputSize}; forecast at most ${this.#chunk} steps`,
      );
    }
    return noGrad(() =>
      tidy(() => Float32Array.from(this.#rollout(inputs, steps, false).value.data())),
    );
  }

  /** The target features of `x` (`[B, T, F]` → `[B, T, K]`); the index is freed with the enclosing `tidy`. */
  #targetsOf(x: Variable | Tensor): Variable | Tensor {
    if (this.canFeedBack) return x;
    const t = this.config.targetFeatures;
    return gather(x, tensor(Int32Array.from(t), [t.length], 'int32'), 2);
  }

  /**
   * Reads the window, then predicts `steps` steps chunk by chunk, feeding each predicted chunk
   * back through the recurrent layer from the state it reached. Differentiable end to end.
   */
  #rollout(inputs: Tensor, steps: number, training: boolean): Variable {
    const [B, T, F] = inputs.shape as [number, number, number];
    const chunk = this.#chunk;
    const K = this.config.targetFeatures.length;
    const { differenced } = this.config;
    const x = differenced ? changes(inputs, slice(inputs, [0, 0, 0], [B, 1, F])) : inputs;
    let { states } = this.rnn.forward(x, { training }) as { states: RecurrentState };
    let last: Variable | Tensor = slice(inputs, [0, T - 1, 0], [B, 1, F]);
    const pieces: Variable[] = [];
    for (let done = 0; done < steps; done += chunk) {
      const a = states[states.length - 1]!.forward.a;
      let y = reshape(this.output.apply(a), [B, chunk, K]);
      if (differenced) y = add(y, this.#targetsOf(last));
      pieces.push(y);
      if (done + chunk >= steps) break;
      // Only reached when the targets are every input feature (canFeedBack): y is a next input.
      const fed = differenced ? changes(y, last) : y;
      ({ states } = this.rnn.forward(fed, { training, initialState: states }) as {
        states: RecurrentState;
      });
      last = chunk === 1 ? y : slice(y, [0, chunk - 1, 0], [B, 1, K]);
    }
    const all = pieces.length === 1 ? pieces[0]! : concat(pieces, 1);
    return all.shape[1] === steps ? all : slice(all, [0, 0, 0], [B, steps, K]);
  }

  #checkInputs(fn: string, inputs: Tensor): [number, number, number] {
    const F = this.config.inputSize;
    if (
      inputs?.dtype !== 'float32' ||
      inputs.rank !== 3 ||
      inputs.shape[2] !== F ||
      inputs.shape[1]! < 1
    ) {
      throw new RecurError(
        'SHAPE',
        `${fn}: inputs must be float32 [batch, steps, ${F}], got ${inputs?.dtype} ${inputs ? formatShape(inputs.shape) : String(inputs)}`,
      );
    }
    return inputs.shape as [number, number, number];
  }
}

/** Step-to-step changes of `x` `[B, T, F]`, the first taken from `before` `[B, 1, F]`. */
function changes(x: Variable | Tensor, before: Variable | Tensor): Variable {
  const T = x.shape[1]!;
  const previous = T === 1 ? before : concat([before, slice(x, [0, 0, 0], [-1, T - 1, -1])], 1);
  return sub(x, previous);
}
