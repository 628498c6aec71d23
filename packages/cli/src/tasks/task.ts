import type { Model, ModelCellOptions } from '@recur/architectures';
import { CELL_KINDS, type CellKind } from '@recur/cells';
import { type DataSource, OPTIMIZER_NAMES, type OptimizerName } from '@recur/train';
import type { CommandIO } from '../io.js';

/** The designs `recur train --arch` knows: the article's four, and numeric forecasting. */
export const ARCHITECTURES = ['lm', 'seq2seq', 'classify', 'caption', 'forecast'] as const;
/** An architecture name. */
export type Arch = (typeof ARCHITECTURES)[number];

/** The recurrent cells of `@recur/cells`: every kind in its registry. */
export const CELLS: readonly CellKind[] = CELL_KINDS;
/** The optimizers of `@recur/train` (the names its `createOptimizer` knows). */
export const OPTIMIZERS = OPTIMIZER_NAMES;
export type { OptimizerName };
/** Seq2seq attention: none, or a score of `@recur/architectures`. */
export const ATTENTIONS = ['none', 'dot', 'general', 'additive'] as const;
/** An attention choice. */
export type AttentionName = (typeof ATTENTIONS)[number];

/**
 * Everything that defines a training run's model and data (saved in the checkpoint, so that
 * `--resume` and the inference commands rebuild the same model and data).
 */
export interface RunOptions {
  arch: Arch;
  /** A dataset name of the architecture, or `file`. */
  dataset: string;
  /** The data file (absolute path) when `dataset` is `file`. */
  file: string | null;
  cell: CellKind;
  /**
   * The cell's variant (`--reset-after`, `--recurrent-activation`), as the model configs take it;
   * absent when neither flag is given, so checkpoints saved before these flags load unchanged.
   */
  cellOptions?: ModelCellOptions;
  hidden: number;
  layers: number;
  /** Embedding size of token inputs; 0 = one-hot rows. */
  embedding: number;
  dropout: number;
  optimizer: OptimizerName;
  lr: number;
  clipNorm: number | null;
  clipValue: number | null;
  batch: number;
  /** lm: steps per truncated-BPTT chunk; text classifiers: tokens kept per text. */
  seqLen: number;
  /** Synthetic datasets: training examples generated. */
  examples: number;
  /** seq2seq: attention over the encoder outputs. */
  attention: AttentionName;
  seed: number;
  /** forecast only: which columns, which targets, and the window and horizon. */
  series?: SeriesOptions;
}

/** The numeric time series of a forecast run (`--columns`, `--target`, `--window`, `--horizon`). */
export interface SeriesOptions {
  /** The columns the model reads, in order (the CSV's or the dataset's names). */
  columns: string[];
  /** The columns it forecasts: some or all of {@link columns}. */
  target: string[];
  /** Steps each input window holds. */
  window: number;
  /** Steps forecast at once after each window. */
  horizon: number;
}

/** The per-architecture defaults of the options a user may leave out. */
export type TaskDefaults = Pick<
  RunOptions,
  'dataset' | 'hidden' | 'embedding' | 'batch' | 'seqLen' | 'lr' | 'examples'
>;

/** What a task reports after training, for people (printed) and scripts (`--json`). */
export type Report = Record<string, unknown>;

/** What the train command hands a task's report. */
export interface ReportContext {
  io: CommandIO;
  /** Print human-readable text (false with `--json`). */
  human: boolean;
  /** The trainer's evaluation (mean loss per token, without gradients). */
  evaluate(data: DataSource<unknown>): Promise<number>;
  /**
   * The kept model's loss on the task's `validation` slice, when training measured it (the
   * report need not evaluate it again).
   */
  validationLoss?: number;
  /** Report flags of the train command (prompt, temperature, length, val-chars…). */
  flags: {
    prompt: string | undefined;
    temperature: number;
    length: number;
    valChars: number;
    show: number;
  };
}

/** A task's model and data, ready for the trainer. */
export interface TaskSetup {
  model: Model;
  /** Training batches (a function of epoch and seeded generator: reshuffled, resumable). */
  data: DataSource<unknown>;
  /**
   * A fixed held-out slice (the same batches every time), evaluated during training to keep the
   * best model.
   */
  validation: DataSource<unknown>;
  /** What {@link validation} is, e.g. `the first 20,000 characters of the validation split`. */
  validationDescription: string;
  /** Batches per epoch, for the progress bar with `--epochs`. */
  batchesPerEpoch: number;
  /** What the model reads or writes per step, for the speed line: characters, tokens, words. */
  unit: string;
  /** The tokens of a batch when the model's loss does not report them (classifiers). */
  tokens?: (batch: unknown) => number;
  /** Carry the detached state from batch to batch; true = reset before this batch. */
  carryState?: (batch: unknown) => boolean;
  /** Saved as the checkpoint's vocabulary (JSON). */
  vocabulary: unknown;
  /** One line about the data, e.g. `Moby Dick, train split: 1,071,285 characters, 83 symbols`. */
  description: string;
  /** Evaluates and shows what the trained model does; returns the `--json` fields. */
  report(context: ReportContext): Promise<Report>;
  /**
   * The run options with what the data decided (a forecast CSV's columns when --columns was left
   * out): saved in the checkpoint instead of the ones given. Default: the options given.
   */
  options?: RunOptions;
  /** Releases what the data holds open (a file), however the run ends. */
  close?(): void;
}

/** One architecture of `recur train` (its datasets and defaults are in `catalog.ts`). */
export interface Task {
  arch: Arch;
  /** Loads the data and builds a fresh model (seeded) for `options`. */
  setup(options: RunOptions, io: CommandIO, settings?: SetupSettings): Promise<TaskSetup>;
}

/** Settings of a run that shape its data but not its model. */
export interface SetupSettings {
  /** lm: validation characters scored (from the start of the split; default 20,000). */
  valChars?: number;
}
