/** What {@link BudgetClock} measures against. */
export interface BudgetClockOptions {
  /** Updates the run may take in all (including those before a resume), if bounded. */
  steps?: number;
  /** Seconds this `fit` may run, if bounded. */
  timeLimit?: number;
  /** When this `fit` started, on the `now` clock (milliseconds). */
  start: number;
  /**
   * The fraction of a time budget already used when this `fit` started (an interrupted run
   * resumed: the rest of the anneal is spread over this `fit`'s `timeLimit`); default 0.
   */
  startFraction?: number;
  now: () => number;
}

/**
 * The fraction of a training budget used, for {@link BudgetSchedule}s: the larger of
 * `step / steps` and the time fraction `f₀ + (1 − f₀)·elapsed / timeLimit`, clamped to [0, 1].
 * With only a step budget it is a pure function of the step (a resumed run gets the same rates);
 * with a time budget it is measured on the clock as the trainer runs.
 */
export class BudgetClock {
  readonly #steps: number | undefined;
  readonly #limitMs: number | undefined;
  readonly #start: number;
  readonly #startFraction: number;
  readonly #now: () => number;

  constructor(options: BudgetClockOptions) {
    this.#steps = options.steps;
    this.#limitMs = options.timeLimit === undefined ? undefined : options.timeLimit * 1000;
    this.#start = options.start;
    this.#startFraction = Math.min(1, Math.max(0, options.startFraction ?? 0));
    this.#now = options.now;
  }

  /** Whether a budget is known (steps or time). */
  get bounded(): boolean {
    return this.#steps !== undefined || this.#limitMs !== undefined;
  }

  /** The fraction used after `step` updates, now. */
  fraction(step: number): number {
    let f = 0;
    if (this.#steps !== undefined) f = this.#steps === 0 ? 1 : step / this.#steps;
    if (this.#limitMs !== undefined) {
      const elapsed = this.#limitMs === 0 ? 1 : (this.#now() - this.#start) / this.#limitMs;
      f = Math.max(f, this.#startFraction + (1 - this.#startFraction) * elapsed);
    }
    return Math.min(1, Math.max(0, f));
  }
}
