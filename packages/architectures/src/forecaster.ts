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
import { formatShape, RecurError, Rng, type Tensor, tensor, tidy } from '@recur/tensor';
import type { TrainingContext } from '@recur/train';
import {
  CELL_KINDS,
  CONFIG_LIMITS,
  cellOptionsField,
  checkBoolean,
  checkCellOptions,
  checkChoice,
  checkModelOptions,
  checkRate,
  checkSeed,
  checkSize,
  type ModelCellOptions,
  orDefault,
} from './config.js';
import { recurrentInit } from './initialization.js';
import { Dense } from './layers.js';
import {
  buildParameters,
  checkParameterBudget,
  denseSpecs,
  type ModelPlan,
  prefixed,
  recurrentLayerSpecs,
} from './parameter-specs.js';
import type { RecurrentState } from './states.js';
import { countParameters, summarize } from './summary.js';
import { dropoutDraws, trainingRng } from './training-rng.js';

/** How one pass runs the recurrent layer: training (dropout from `rng`) or not. */
interface LayerPass {
  training: boolean;
  rng: Rng | undefined;
}

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
  /** Cell variant (GRU reset-after, hardSigmoid gates): see {@link ModelCellOptions}; absent = defaults. */
  cellOptions?: ModelCellOptions;
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
  'inputSize',
  'targetFeatures',
  'mode',
  'horizon',
  'differenced',
  'cell',
  'cellOptions',
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
    const { config: c, parameters } = Forecaster.describe(options);
    this.config = c;
    const t = c.targetFeatures;
    this.canFeedBack = t.length === c.inputSize && t.every((f, i) => f === i);
    const parts = buildParameters(
      'Forecaster',
      parameters,
      (own) => {
        const rng = new Rng(c.seed);
        const rnn = own(
          new RecurrentLayer({
            cell: c.cell,
            inputSize: c.inputSize,
            hiddenSize: c.hiddenSize,
            numLayers: c.numLayers,
            dropout: c.dropout,
            cellOptions: recurrentInit(c.cell, c.cellOptions),
            rng,
          }),
        );
        const output = own(
          new Dense({
            inputSize: c.hiddenSize,
            outputSize: headSteps(c) * t.length,
            rng,
            names: ['W_ao', 'b_o'],
          }),
        );
        return { rnn, output };
      },
      forecasterParameters,
    );
    this.rnn = parts.rnn;
    this.output = parts.output;
  }

  /**
   * Checks `options` (unknown names, types, sizes within {@link CONFIG_LIMITS}, the mode's
   * rules) and returns the config with defaults and the parameters it implies, allocating
   * nothing.
   */
  static describe(options: ForecasterOptions): ModelPlan<ForecasterConfig> {
    const owner = 'Forecaster';
    checkModelOptions(owner, options, OPTIONS);
    const o = options;
    const inputSize = checkSize(owner, 'inputSize', o.inputSize);
    const cell = checkChoice(owner, 'cell', orDefault(o.cell, 'lstm'), CELL_KINDS);
    const c: ForecasterConfig = {
      architecture: 'Forecaster',
      inputSize,
      targetFeatures: checkTargets(
        owner,
        orDefault(
          o.targetFeatures,
          Array.from({ length: inputSize }, (_, i) => i),
        ),
        inputSize,
      ),
      mode: checkChoice(owner, 'mode', orDefault(o.mode, 'last'), [
        'last',
        'every-step',
        'feedback',
      ]),
      horizon: checkSize(owner, 'horizon', orDefault(o.horizon, 1)),
      differenced: checkBoolean(owner, 'differenced', orDefault(o.differenced, false)),
      cell,
      ...cellOptionsField(checkCellOptions(owner, cell, o.cellOptions)),
      hiddenSize: checkSize(owner, 'hiddenSize', o.hiddenSize),
      numLayers: checkSize(owner, 'numLayers', orDefault(o.numLayers, 1), CONFIG_LIMITS.numLayers),
      dropout: checkRate(owner, 'dropout', orDefault(o.dropout, 0)),
      loss: checkChoice(owner, 'loss', orDefault(o.loss, 'mse'), ['mse', 'mae']),
      seed: checkSeed(owner, 'seed', orDefault(o.seed, 0)),
    };
    if (c.mode === 'every-step' && c.horizon !== 1) {
      throw new RecurError(
        'ARGUMENT',
        `${owner}: mode 'every-step' predicts one step ahead at every step; horizon must be 1, got ${c.horizon}`,
      );
    }
    const t = c.targetFeatures;
    if (c.mode === 'feedback' && !(t.length === inputSize && t.every((f, i) => f === i))) {
      throw new RecurError(
        'ARGUMENT',
        `${owner}: mode 'feedback' feeds predictions back as inputs, so targetFeatures must be every input feature in order [0 … ${inputSize - 1}]; got ${JSON.stringify(t)}`,
      );
    }
    const parameters = [
      ...prefixed(
        'rnn.',
        recurrentLayerSpecs({
          cell: c.cell,
          cellOptions: c.cellOptions,
          inputSize,
          hiddenSize: c.hiddenSize,
          numLayers: c.numLayers,
        }),
      ),
      ...denseSpecs(c.hiddenSize, headSteps(c) * t.length, ['W_ao', 'b_o']),
    ];
    checkParameterBudget(owner, parameters);
    return { config: c, parameters };
  }

  /** Steps one head call predicts: H for `'last'`, else 1. */
  get #chunk(): number {
    return headSteps(this.config);
  }

  /** Every parameter: `rnn.layer0.forward.W_x`, …, `W_ao`, `b_o`. */
  parameters(): Record<string, Variable> {
    return forecasterParameters(this);
  }

  /** Layers, output shapes and parameter counts as a table, like Keras's `model.summary()`. */
  summary(): string {
    return summarize(this);
  }

  /** How many numbers the parameters hold, all together. */
  get parameterCount(): number {
    return countParameters(this.parameters());
  }

  /**
   * Predictions of the mode's target shape: `[B, H, K]`, or `[B, T, K]` for `'every-step'`.
   * With `training` and dropout (2+ layers), the masks are drawn from `rng`, which is then
   * required (the trainer passes its own, whose state checkpoints save).
   */
  forward(inputs: Tensor, options: { training?: boolean; rng?: Rng | undefined } = {}): Variable {
    const rng = options.training
      ? trainingRng('Forecaster', options.rng, dropoutDraws(this.config))
      : undefined;
    const pass: LayerPass = { training: options.training ?? false, rng };
    const [B, T] = this.#checkInputs('Forecaster.forward', inputs);
    if (this.config.mode !== 'every-step') return this.#rollout(inputs, this.config.horizon, pass);
    const { differenced } = this.config;
    const x = differenced ? changes(inputs, slice(inputs, [0, 0, 0], [B, 1, -1])) : inputs;
    const { outputs } = this.rnn.forward(x, pass);
    const K = this.config.targetFeatures.length;
    const y = reshape(this.output.apply(outputs), [B, T, K]);
    return differenced ? add(y, this.#targetsOf(inputs)) : y;
  }

  /** MSE (or MAE) of {@link forward} against `targets` — the `@recur/train` model interface. */
  loss(
    batch: ForecastBatch,
    _state?: unknown,
    context?: Partial<Pick<TrainingContext, 'training' | 'rng'>>,
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
    const prediction = this.forward(batch.inputs, {
      training: context?.training ?? true,
      rng: context?.rng,
    });
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
      tidy(() =>
        Float32Array.from(
          this.#rollout(inputs, steps, { training: false, rng: undefined }).value.data(),
        ),
      ),
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
  #rollout(inputs: Tensor, steps: number, pass: LayerPass): Variable {
    const [B, T, F] = inputs.shape as [number, number, number];
    const chunk = this.#chunk;
    const K = this.config.targetFeatures.length;
    const { differenced } = this.config;
    const x = differenced ? changes(inputs, slice(inputs, [0, 0, 0], [B, 1, F])) : inputs;
    let { states } = this.rnn.forward(x, pass) as { states: RecurrentState };
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
      ({ states } = this.rnn.forward(fed, { ...pass, initialState: states }) as {
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

/** Steps one head call predicts: H for `'last'`, else 1. */
function headSteps(c: ForecasterConfig): number {
  return c.mode === 'last' ? c.horizon : 1;
}

function forecasterParameters(parts: {
  rnn: RecurrentLayer;
  output: Dense;
}): Record<string, Variable> {
  const out: Record<string, Variable> = {};
  for (const [name, p] of Object.entries(parts.rnn.parameters())) out[`rnn.${name}`] = p;
  return Object.assign(out, parts.output.parameters());
}

/** Distinct feature indices in `[0, inputSize)`, at least one; throws ARGUMENT otherwise. */
function checkTargets(owner: string, value: unknown, inputSize: number): number[] {
  if (
    !Array.isArray(value) ||
    value.length === 0 ||
    value.some((f) => !Number.isInteger(f) || f < 0 || f >= inputSize) ||
    new Set(value).size !== value.length
  ) {
    throw new RecurError(
      'ARGUMENT',
      `${owner}: targetFeatures must be distinct feature indices in [0, ${inputSize}); got ${JSON.stringify(value)}`,
    );
  }
  return [...(value as number[])];
}
