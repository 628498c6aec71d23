import { RecurError } from '@recur/tensor';

/** Options of {@link EarlyStopping}. */
export interface EarlyStoppingOptions {
  /** Evaluations without improvement before stopping. */
  patience: number;
  /** An improvement must lower the best value by more than this (default 0). */
  minDelta?: number;
  /**
   * What to watch: the validation loss (default when validation is configured) or the epoch's
   * mean training loss.
   */
  monitor?: 'validation' | 'train';
  /** Put back the weights of the best evaluation when stopping or finishing (default false). */
  restoreBest?: boolean;
}

/** What {@link EarlyStopping} remembers; saved in checkpoints. */
export interface EarlyStoppingState {
  best: number | null;
  bestStep: number | null;
  bad: number;
}

/**
 * Stops training when the watched loss has not improved by more than `minDelta` for
 * `patience` evaluations in a row (Keras' `EarlyStopping`). NaN never counts as an improvement.
 */
export class EarlyStopping {
  readonly patience: number;
  readonly minDelta: number;
  best: number | null = null;
  bestStep: number | null = null;
  bad = 0;

  constructor(options: EarlyStoppingOptions) {
    if (!Number.isInteger(options.patience) || options.patience < 1) {
      throw new RecurError(
        'ARGUMENT',
        `earlyStopping: patience must be a positive integer, got ${options.patience}`,
      );
    }
    this.patience = options.patience;
    this.minDelta = options.minDelta ?? 0;
  }

  /** Records one evaluation; returns whether it improved and whether to stop now. */
  observe(value: number, step: number): { improved: boolean; stop: boolean } {
    const improved =
      Number.isFinite(value) && (this.best === null || value < this.best - this.minDelta);
    if (improved) {
      this.best = value;
      this.bestStep = step;
      this.bad = 0;
    } else {
      this.bad++;
    }
    return { improved, stop: this.bad >= this.patience };
  }

  state(): EarlyStoppingState {
    return { best: this.best, bestStep: this.bestStep, bad: this.bad };
  }

  load(state: EarlyStoppingState): void {
    this.best = state.best;
    this.bestStep = state.bestStep;
    this.bad = state.bad;
  }
}
