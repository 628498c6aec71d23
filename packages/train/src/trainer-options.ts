import type { GradientMonitor } from '@recur/clipping';
import { RecurError } from '@recur/tensor';
import type { BudgetSchedule } from './budget-schedule.js';
import type { Checkpoint } from './checkpoint.js';
import type { DataSource } from './data.js';
import type { EarlyStoppingOptions } from './early-stopping.js';
import type { TrainableModel } from './model.js';
import type { Optimizer } from './optimizers/optimizer.js';
import type { ProgressStream } from './progress.js';
import type { Schedule } from './schedules.js';
import type { TbpttOptions } from './tbptt.js';

/** One update (or skipped update) as the trainer reports it. */
export interface StepRecord {
  /** Updates taken after this one (a skipped update does not count). */
  step: number;
  /** Epochs completed before this step. */
  epoch: number;
  /** The loss of the batch (or TBPTT window). */
  loss: number;
  /** The norm of all gradients before clipping (NaN when the loss was not finite). */
  gradNorm: number;
  /** Whether clipping changed the gradients. */
  clipped: boolean;
  /** The learning rate this update used. */
  lr: number;
  /** Tokens in the batch (or window). */
  tokens: number;
  /**
   * True when the loss, a gradient or a weight the update would have produced was NaN/±Inf, and
   * the update was skipped (not applied: weights and optimizer state are as before it).
   */
  skipped: boolean;
  /** What was non-finite, for skipped steps. */
  problem?: string;
}

/** One validation pass. */
export interface ValidationRecord {
  step: number;
  epoch: number;
  loss: number;
  improved: boolean;
}

/** One completed epoch. */
export interface EpochRecord {
  /** Epochs completed, including this one. */
  epoch: number;
  step: number;
  /** Mean training loss of the epoch's updates. */
  loss: number;
  tokens: number;
  validationLoss?: number;
}

/** A callback may return `'stop'` to end training after the current batch. */
// biome-ignore lint/suspicious/noConfusingVoidType: a callback usually returns nothing
export type CallbackResult = void | 'stop' | Promise<void | 'stop'>;

/** Hooks called during {@link Trainer.fit}. */
export interface TrainerCallbacks {
  onStep?(record: StepRecord): CallbackResult;
  onEpoch?(record: EpochRecord): CallbackResult;
  onValidation?(record: ValidationRecord): CallbackResult;
  onCheckpoint?(step: number): CallbackResult;
}

/** Where JSON-lines log records go: a function, or anything with `write(line)`. */
export type LogSink =
  | ((record: Record<string, unknown>) => void)
  | { write(line: string): unknown };

/** Options of the {@link Trainer}. */
export interface TrainerOptions<Batch, State = unknown> {
  model: TrainableModel<Batch, State>;
  optimizer: Optimizer;
  /** Batches; see {@link DataSource}. */
  data: DataSource<Batch>;
  /** Epochs to train (default 1 when neither `steps` nor `timeLimit` is given, else no limit). */
  epochs?: number;
  /** Stop after this many updates (checked between batches). */
  steps?: number;
  /**
   * Stop after this many seconds of this `fit` call (checked between batches, so a run ends
   * within one batch of it); `stopReason` is then `'time'`.
   */
  timeLimit?: number;
  /**
   * Let the event loop run at least every this many milliseconds (between batches; default 50,
   * 0 never): training does no I/O of its own, and without this a signal handler, a timer or a
   * worker message calling {@link Trainer.stop} could not run until `fit` returns.
   */
  yieldEvery?: number;
  /** Seed of the model's generator and of every epoch's data generator (default 0). */
  seed?: number;
  /**
   * Learning-rate schedule (a factor of the optimizer's initial `lr`): indexed by update
   * (`cosineDecay`…), or over the budget (`warmupCosine`, `warmupLinear`): then the factor
   * follows the fraction of the budget used — updates over `steps` (or over the epochs' batches
   * when the data's length is known), seconds over `timeLimit`, whichever is further along. A
   * `fit` bounded by time anneals over its own `timeLimit`; after a resume it goes on from the
   * saved fraction when that budget was not used up (an interrupted run), else from 0.
   */
  schedule?: Schedule | BudgetSchedule;
  /**
   * Validation data, evaluated every `every` updates, every `everySeconds` seconds (checked
   * after each update), or, when neither is given, after each epoch; `atEnd` evaluates once more
   * at the end of `fit` unless the last update was just evaluated (default: true when
   * `restoreBest` is set).
   */
  validation?: { data: DataSource<Batch>; every?: number; everySeconds?: number; atEnd?: boolean };
  /**
   * Keep a copy of the weights with the lowest validation loss seen, and put them back at the
   * end of `fit` when the final weights are worse (after the end checkpoint, which keeps the
   * last weights for resuming). {@link FitResult.restoredBest} says which were kept.
   */
  restoreBest?: boolean;
  /** Truncated BPTT: cut each batch in time (see {@link TbpttOptions}). */
  tbptt?: TbpttOptions<Batch>;
  /**
   * Carry the (detached) state from one batch to the next, for streams whose batch i+1
   * continues batch i (reset at each epoch). A function returns true to reset before a batch.
   */
  carryState?: boolean | ((batch: Batch) => boolean);
  /** Gradient clipping: by global norm (`norm`, with `normType`) or element-wise (`value`). */
  clip?: { norm?: number; normType?: number; value?: number };
  /**
   * What to do when the loss, a gradient, or a weight after the optimizer's update is NaN/±Inf
   * (checked every update; an update that would make a weight non-finite is never applied, so
   * the weights and the optimizer state stay as they were): `'stop'` (default) throws
   * `RecurError('NONFINITE')` naming the step and the parameters; `'skip'` drops the update (and
   * the rest of the batch, and the carried state) and goes on, up to `maxSkips` in a row.
   */
  nonFinite?: 'skip' | 'stop';
  /** Consecutive skipped updates before stopping anyway (default 10). */
  maxSkips?: number;
  /** Stop when validation (or training) loss stops improving. */
  earlyStopping?: EarlyStoppingOptions;
  callbacks?: TrainerCallbacks;
  /**
   * Progress: `true` (default) writes a bar to `process.stderr` on a terminal, or a plain line
   * every 10 s elsewhere; `false` writes nothing; or give a stream.
   */
  progress?: boolean | { stream: ProgressStream; lineMs?: number };
  /** JSON-lines records (`step`, `validation`, `epoch`, `checkpoint`, `skip`, `end`). */
  log?: LogSink;
  /** Save a checkpoint every `every` updates (at the next batch boundary) and at the end. */
  checkpoint?: {
    every: number;
    save(checkpoint: Checkpoint): void | Promise<void>;
    atEnd?: boolean;
    /**
     * Called with a checkpoint each time the validation loss reaches a new best: a resumable
     * checkpoint of the best weights, to keep beside the last one.
     */
    saveBest?(checkpoint: Checkpoint): void | Promise<void>;
  };
  /**
   * Dispose the tensors of each batch (found in arrays and plain objects) once it is done — for
   * data functions that create fresh tensors every epoch. Leave false for arrays of batches that
   * are reused. Default false.
   */
  disposeBatches?: boolean;
  /** Tokens of a batch, when the model's loss does not report them (for tokens/s). */
  tokens?: (batch: Batch) => number;
  /** Telemetry of every update's gradient norms. */
  monitor?: GradientMonitor;
  /** Saved in checkpoints: the model's configuration and vocabulary, and anything else. */
  config?: unknown;
  vocabulary?: unknown;
  metadata?: Record<string, unknown>;
  /** The clock in milliseconds (default `performance.now`). */
  now?: () => number;
}

/** What {@link Trainer.fit} resolves to. */
export interface FitResult {
  /** Updates taken in total (including those before a resume). */
  step: number;
  /** Epochs completed. */
  epoch: number;
  stopReason: 'epochs' | 'steps' | 'time' | 'early-stopping' | 'callback';
  /** This run's step records. */
  history: StepRecord[];
  validations: ValidationRecord[];
  epochs: EpochRecord[];
  /** The best watched loss, with early stopping. */
  best: number | null;
  /** The lowest validation loss seen (over every `fit` of this trainer) and its step. */
  bestValidation: { step: number; loss: number } | null;
  /**
   * True when `fit` put back the best weights (`restoreBest`, or early stopping's): the model
   * now holds `bestValidation`'s weights, not the last.
   */
  restoredBest: boolean;
}

/** Checks the options a {@link Trainer} is given, naming the one that is wrong. */
export function checkTrainerOptions<Batch, State>(options: TrainerOptions<Batch, State>): void {
  const { clip } = options;
  if (clip?.norm !== undefined && clip.value !== undefined) {
    throw new RecurError('ARGUMENT', 'Trainer: clip by norm or by value, not both');
  }
  for (const [name, n] of [
    ['epochs', options.epochs],
    ['steps', options.steps],
    ['checkpoint.every', options.checkpoint?.every],
    ['validation.every', options.validation?.every],
  ] as const) {
    if (
      n !== undefined &&
      (!Number.isInteger(n) || n < (name === 'epochs' || name === 'steps' ? 0 : 1))
    ) {
      throw new RecurError(
        'ARGUMENT',
        `Trainer: ${name} must be a ${name.includes('.') ? 'positive' : 'non-negative'} integer, got ${n}`,
      );
    }
  }
  for (const [name, n] of [
    ['timeLimit', options.timeLimit],
    ['yieldEvery', options.yieldEvery],
    ['validation.everySeconds', options.validation?.everySeconds],
  ] as const) {
    if (n !== undefined && !(n >= 0 && Number.isFinite(n))) {
      throw new RecurError(
        'ARGUMENT',
        `Trainer: ${name} must be a non-negative finite number, got ${n}`,
      );
    }
  }
  if ((options.restoreBest || options.checkpoint?.saveBest) && !options.validation) {
    throw new RecurError(
      'ARGUMENT',
      `Trainer: ${options.restoreBest ? 'restoreBest' : 'checkpoint.saveBest'} keeps the weights of the best validation loss; give validation data too`,
    );
  }
}
