import { checkOptions, dispose, RecurError, type Rng } from '@recur/tensor';
import { Adam, type StepRecord, type TrainableModel, Trainer, warmupCosine } from '@recur/train';

/**
 * How long and how a start's `fit` trains. Give `minutes`, `epochs` and/or `steps` (training stops
 * at the first reached; none given: one minute). The learning rate warms up and then follows a
 * cosine to 5 % of itself over whichever budget is further along (`warmupCosine` of
 * `@recur/train`), so one minute and ten minutes both end annealed. A run bounded by `epochs` or
 * `steps` is deterministic for the start's `seed`; one bounded by `minutes` depends on the
 * machine's speed.
 */
export interface FitOptions {
  /** Wall-clock minutes to train (checked between batches). */
  minutes?: number;
  /** Passes over the training data. */
  epochs?: number;
  /** Updates (batches). */
  steps?: number;
  /**
   * Fraction of the data held out to measure the validation loss (in [0, 0.5]; default 0): the
   * end of a text or a series (by time), the last examples of a seeded shuffle otherwise.
   */
  validation?: number;
  /** Adam's learning rate before the schedule (each start has its own default). */
  learningRate?: number;
  /** Examples (streams, for text) per batch (each start has its own default). */
  batchSize?: number;
  /** Called after every update; return `'stop'` to end training there. */
  // biome-ignore lint/suspicious/noConfusingVoidType: a callback usually returns nothing
  onProgress?(progress: FitProgress): void | 'stop';
}

/** What `onProgress` receives after each update. */
export interface FitProgress {
  /** Updates so far. */
  step: number;
  /** Epochs completed. */
  epoch: number;
  /** This update's training loss (the model's loss: nats per token, or squared error). */
  loss: number;
  /** Share of the budget used, 0 → 1 (steps, epochs or minutes: whichever is furthest). */
  fraction: number;
  seconds: number;
  /** The latest validation loss (null before the first, or without validation). */
  validationLoss: number | null;
}

/** What `fit` resolves to. */
export interface FitReport {
  steps: number;
  epochs: number;
  /** Mean training loss of the last (up to) 50 updates. */
  loss: number;
  /** Validation loss at the end (null without validation). */
  validationLoss: number | null;
  seconds: number;
  stopReason: 'epochs' | 'steps' | 'time' | 'callback';
}

const FIT_KEYS = [
  'minutes',
  'epochs',
  'steps',
  'validation',
  'learningRate',
  'batchSize',
  'onProgress',
];

/** Checks `options` of `owner`'s `fit` (unknown names, types, ranges), naming the bad one. */
export function checkFitOptions(owner: string, options: FitOptions): FitOptions {
  checkOptions(owner, options, FIT_KEYS);
  const positive = (key: 'minutes' | 'learningRate') => {
    const v = options[key];
    if (v !== undefined && !(typeof v === 'number' && v > 0 && Number.isFinite(v))) {
      throw new RecurError(
        'RANGE',
        `${owner}: ${key} must be a finite number > 0, got ${String(v)}`,
      );
    }
  };
  positive('minutes');
  positive('learningRate');
  for (const key of ['epochs', 'steps', 'batchSize'] as const) {
    const v = options[key];
    if (v !== undefined && !(Number.isSafeInteger(v) && v >= 1)) {
      throw new RecurError('RANGE', `${owner}: ${key} must be an integer >= 1, got ${String(v)}`);
    }
  }
  const v = options.validation;
  if (v !== undefined && !(typeof v === 'number' && v >= 0 && v <= 0.5)) {
    throw new RecurError(
      'RANGE',
      `${owner}: validation must be a fraction in [0, 0.5], got ${String(v)}`,
    );
  }
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') {
    throw new RecurError(
      'ARGUMENT',
      `${owner}: onProgress must be a function, got ${typeof options.onProgress}`,
    );
  }
  return options;
}

/** What a start hands {@link runTraining}. */
export interface TrainingPlan<Batch> {
  model: TrainableModel<Batch>;
  /**
   * Batches of one epoch: fixed (reused every epoch), or made lazily per epoch from the trainer's
   * rng (each freed after its update).
   */
  train: Batch[] | ((epoch: number, rng: Rng) => Iterable<Batch>);
  batchesPerEpoch: number;
  validation: Batch[] | null;
  /** Carry the state from batch to batch (a text read as parallel streams). */
  carryState?: boolean;
  seed: number;
  learningRate: number;
  clipNorm: number;
}

/**
 * Trains `plan.model` with `@recur/train`'s `Trainer` (Adam, `warmupCosine` over the budget,
 * clipping by global norm) for the budget of `options`, reporting each update to `onProgress`.
 * Takes the batches over: frees them (given, or made per epoch as training goes) before it
 * returns or throws.
 */
export async function runTraining<Batch>(
  plan: TrainingPlan<Batch>,
  options: FitOptions,
): Promise<FitReport> {
  const { minutes, epochs, onProgress } = options;
  const byEpochs = epochs === undefined ? undefined : epochs * plan.batchesPerEpoch;
  const bounds = [options.steps, byEpochs].filter((n): n is number => n !== undefined);
  const steps = bounds.length > 0 ? Math.min(...bounds) : undefined;
  const timeLimit = minutes !== undefined ? minutes * 60 : steps === undefined ? 60 : undefined;
  const train = Array.isArray(plan.train)
    ? plan.train
    : (epoch: number, rng: Rng) =>
        owned((plan.train as (e: number, r: Rng) => Iterable<Batch>)(epoch, rng));
  let validationLoss: number | null = null;
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  let trainer: Trainer<Batch> | undefined;
  try {
    trainer = new Trainer<Batch>({
      model: plan.model,
      optimizer: new Adam(plan.model.parameters(), {
        lr: options.learningRate ?? plan.learningRate,
      }),
      schedule: warmupCosine(),
      data: train,
      ...(steps !== undefined ? { steps } : {}),
      ...(timeLimit !== undefined ? { timeLimit } : {}),
      seed: plan.seed,
      clip: { norm: plan.clipNorm },
      carryState: plan.carryState ?? false,
      ...(plan.validation ? { validation: { data: plan.validation, atEnd: true } } : {}),
      progress: false,
      callbacks: {
        onValidation: (record) => {
          validationLoss = record.loss;
        },
        onStep: (record: StepRecord) => {
          if (!onProgress) return;
          const fraction = Math.min(
            1,
            Math.max(steps ? record.step / steps : 0, timeLimit ? seconds() / timeLimit : 0),
          );
          const reply = onProgress({
            step: record.step,
            epoch: Math.floor(record.step / plan.batchesPerEpoch),
            loss: record.loss,
            fraction,
            seconds: seconds(),
            validationLoss,
          });
          return reply === 'stop' ? 'stop' : undefined;
        },
      },
    });
    const result = await trainer.fit();
    const recent = result.history.slice(-50).filter((r) => !r.skipped);
    return {
      steps: result.step,
      epochs: Math.floor(result.step / plan.batchesPerEpoch),
      loss: recent.reduce((a, r) => a + r.loss, 0) / Math.max(1, recent.length),
      validationLoss,
      seconds: seconds(),
      stopReason: result.stopReason === 'early-stopping' ? 'callback' : result.stopReason,
    };
  } finally {
    trainer?.dispose(); // Adam's moments and the carried state: each fit starts afresh
    if (Array.isArray(plan.train)) dispose(plan.train);
    dispose(plan.validation);
  }
}

/** The batches of `batches`, each freed once the next is asked for (the last when the loop ends). */
function* owned<Batch>(batches: Iterable<Batch>): Generator<Batch> {
  let previous: Batch | undefined;
  try {
    for (const batch of batches) {
      dispose(previous);
      previous = batch;
      yield batch;
    }
  } finally {
    dispose(previous);
  }
}
