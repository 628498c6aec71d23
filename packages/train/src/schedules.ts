import { RecurError } from '@recur/tensor';
import { type BudgetSchedule, isBudgetSchedule } from './budget-schedule.js';
import { checkCount, checkKeys, checkNumber, FLOAT32_MAX } from './value-checks.js';

/**
 * A learning-rate schedule: the factor by which the base learning rate is multiplied for update
 * number `step` (0 for the first update). Pure functions of the step, so a resumed run gets the
 * same rates; combine them with {@link chain} and {@link sequential}.
 */
export type Schedule = (step: number) => number;

function positiveInteger(op: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new RecurError(
      'ARGUMENT',
      `${op}: ${name} must be a positive integer, got ${String(value)}`,
    );
  }
  return value;
}

function inRange(op: string, name: string, value: unknown, low: number, high: number): number {
  if (typeof value !== 'number' || !(value >= low && value <= high)) {
    throw new RecurError(
      'RANGE',
      `${op}: ${name} must be in [${low}, ${high}], got ${String(value)}`,
    );
  }
  return value;
}

/** Factor 1 at every step (no schedule). */
export function constantSchedule(): Schedule {
  return () => 1;
}

/** `gamma^⌊step / stepSize⌋`: multiply by `gamma` every `stepSize` updates (PyTorch `StepLR`). */
export function stepDecay(options: { stepSize: number; gamma?: number }): Schedule {
  const stepSize = positiveInteger('stepDecay', 'stepSize', options.stepSize);
  const gamma = inRange('stepDecay', 'gamma', options.gamma ?? 0.1, 0, Number.POSITIVE_INFINITY);
  return (step) => gamma ** Math.floor(step / stepSize);
}

/** `gamma^step` (PyTorch `ExponentialLR`). */
export function exponentialDecay(options: { gamma: number }): Schedule {
  const gamma = inRange('exponentialDecay', 'gamma', options.gamma, 0, Number.POSITIVE_INFINITY);
  return (step) => gamma ** step;
}

/**
 * Cosine annealing from 1 down to `minFactor` over `steps` updates, then held there (PyTorch
 * `CosineAnnealingLR` for one half-period, with `eta_min = minFactor · base`):
 * `minFactor + (1 − minFactor)·(1 + cos(π·min(step, steps)/steps))/2`.
 */
export function cosineDecay(options: { steps: number; minFactor?: number }): Schedule {
  const steps = positiveInteger('cosineDecay', 'steps', options.steps);
  const minFactor = inRange('cosineDecay', 'minFactor', options.minFactor ?? 0, 0, 1);
  return (step) =>
    minFactor + ((1 - minFactor) * (1 + Math.cos((Math.PI * Math.min(step, steps)) / steps))) / 2;
}

/**
 * Linear warm-up from `startFactor` to 1 over `steps` updates, then 1 (PyTorch `LinearLR` with
 * `end_factor = 1`; default `startFactor` 1/3 as there):
 * `startFactor + (1 − startFactor)·min(step, steps)/steps`.
 */
export function linearWarmup(options: { steps: number; startFactor?: number }): Schedule {
  const steps = positiveInteger('linearWarmup', 'steps', options.steps);
  const start = inRange('linearWarmup', 'startFactor', options.startFactor ?? 1 / 3, 0, 1);
  return (step) => start + ((1 - start) * Math.min(step, steps)) / steps;
}

/** The product of several schedules at the same step (PyTorch `ChainedScheduler`). */
export function chain(...schedules: Schedule[]): Schedule {
  return (step) => schedules.reduce((factor, s) => factor * s(step), 1);
}

/**
 * Schedules one after another (PyTorch `SequentialLR`): each part runs for its `steps` updates
 * with its own step counter starting at 0; the last part needs no `steps` and runs on.
 *
 * @example
 * ```ts
 * // 100 updates of warm-up, then cosine decay over 900
 * const schedule = sequential([
 *   { schedule: linearWarmup({ steps: 100, startFactor: 0.01 }), steps: 100 },
 *   { schedule: cosineDecay({ steps: 900 }) },
 * ]);
 * ```
 */
export function sequential(parts: readonly { schedule: Schedule; steps?: number }[]): Schedule {
  if (parts.length === 0) throw new RecurError('ARGUMENT', 'sequential: give at least one part');
  parts.slice(0, -1).forEach((p, i) => {
    positiveInteger('sequential', `parts[${i}].steps`, p.steps);
  });
  return (step) => {
    let start = 0;
    for (let i = 0; i < parts.length - 1; i++) {
      const length = parts[i]!.steps!;
      if (step < start + length) return parts[i]!.schedule(step - start);
      start += length;
    }
    return parts[parts.length - 1]!.schedule(step - start);
  };
}

/** What {@link LrScheduler.stateDict} saves. */
export interface SchedulerState {
  /** Updates already scheduled. */
  step: number;
  /** The learning rate the factors multiply. */
  baseLr: number;
  /** The fraction of the budget used, for a {@link BudgetSchedule} (absent otherwise). */
  fraction?: number;
}

/**
 * Checks a {@link SchedulerState}: only `step` (a non-negative safe integer), `baseLr` (a
 * learning rate the optimizers accept) and, when present, `fraction` (in [0, 1]). Whether the
 * schedule gives a valid rate there is {@link LrScheduler.checkState}'s to say.
 */
export function checkSchedulerState(op: string, state: unknown): SchedulerState {
  const { step, baseLr, fraction } = checkKeys(op, 'the scheduler state', state, [
    'step',
    'baseLr',
    'fraction',
  ]);
  const checked: SchedulerState = {
    step: checkCount(op, 'step', step),
    baseLr: checkNumber(op, 'baseLr', baseLr, 0),
  };
  if (fraction !== undefined) checked.fraction = checkNumber(op, 'fraction', fraction, 0, 1);
  return checked;
}

/**
 * Drives an optimizer's `lr` from a {@link Schedule} or a {@link BudgetSchedule}: on construction
 * `lr = baseLr·f(0)`; each `step()` (call it after `optimizer.step()`, as in PyTorch) advances to
 * `lr = baseLr·f(t)` — for a budget schedule `step(fraction)` gives the fraction of the budget
 * used so far, and `f` is taken there.
 *
 * @example
 * ```ts
 * const scheduler = new LrScheduler(optimizer, cosineDecay({ steps: 1000 }));
 * optimizer.step();
 * scheduler.step();
 * ```
 */
export class LrScheduler {
  readonly optimizer: { lr: number };
  readonly schedule: Schedule | BudgetSchedule;
  baseLr: number;
  #step = 0;
  #fraction = 0;

  constructor(
    optimizer: { lr: number },
    schedule: Schedule | BudgetSchedule,
    options: { baseLr?: number } = {},
  ) {
    this.optimizer = optimizer;
    this.schedule = schedule;
    this.baseLr = checkNumber('LrScheduler', 'baseLr', options.baseLr ?? optimizer.lr, 0);
    this.#apply();
  }

  /** Updates scheduled so far. */
  get stepCount(): number {
    return this.#step;
  }

  /** Whether the schedule follows the fraction of a budget ({@link BudgetSchedule}). */
  get followsBudget(): boolean {
    return isBudgetSchedule(this.schedule);
  }

  /** The fraction of the budget used at the last `step(fraction)` (0 for step schedules). */
  get fraction(): number {
    return this.#fraction;
  }

  /**
   * Advances one update and sets the optimizer's learning rate. A budget schedule needs the
   * fraction of the budget used (clamped to [0, 1]); a step schedule ignores it.
   */
  step(fraction?: number): void {
    if (this.followsBudget) {
      if (typeof fraction !== 'number' || Number.isNaN(fraction)) {
        throw new RecurError(
          'ARGUMENT',
          `LrScheduler.step: a budget schedule (${(this.schedule as BudgetSchedule).name}) needs the fraction of the budget used, got ${String(fraction)}`,
        );
      }
      this.#fraction = Math.min(1, Math.max(0, fraction));
    }
    this.#step++;
    this.#apply();
  }

  /**
   * Moves a budget schedule to `fraction` of its budget (clamped to [0, 1]) without counting an
   * update, and sets the learning rate there: where a `fit` starts.
   */
  seek(fraction: number): void {
    if (!this.followsBudget || Number.isNaN(fraction)) return;
    this.#fraction = Math.min(1, Math.max(0, fraction));
    this.#apply();
  }

  /**
   * The learning rate at `position`: update number for a step schedule (default: the current
   * one), fraction of the budget for a budget schedule (default: the current one).
   */
  lrAt(position?: number): number {
    return this.baseLr * this.#factor(position);
  }

  stateDict(): SchedulerState {
    const state: SchedulerState = { step: this.#step, baseLr: this.baseLr };
    if (this.followsBudget) state.fraction = this.#fraction;
    return state;
  }

  /**
   * Restores a saved position and sets the optimizer's learning rate for it. The state is
   * checked first ({@link checkState}); a bad one throws and changes nothing.
   */
  loadStateDict(state: SchedulerState): void {
    const lr = this.checkState(state);
    this.#step = state.step;
    this.#fraction = state.fraction ?? 0;
    this.baseLr = state.baseLr;
    this.optimizer.lr = lr;
  }

  /**
   * Checks a state for {@link loadStateDict} without loading it: `step` a non-negative safe
   * integer, `baseLr` a learning rate the optimizers accept, `fraction` in [0, 1] (given exactly
   * when the schedule follows a budget), and the schedule's learning rate there valid. Returns
   * that learning rate; throws `RecurError` otherwise.
   */
  checkState(state: SchedulerState): number {
    const op = 'LrScheduler.loadStateDict';
    const { step, baseLr, fraction } = checkSchedulerState(op, state);
    if ((fraction !== undefined) !== this.followsBudget) {
      throw new RecurError(
        'ARGUMENT',
        this.followsBudget
          ? `${op}: the schedule follows a budget but the state has no fraction (it was saved by a step schedule)`
          : `${op}: the state has a fraction of a budget (fraction ${fraction}) but the schedule is indexed by step`,
      );
    }
    return this.#checkLr(baseLr * this.#factor(this.followsBudget ? fraction : step), step);
  }

  #factor(position?: number): number {
    const s = this.schedule;
    return isBudgetSchedule(s) ? s.factor(position ?? this.#fraction) : s(position ?? this.#step);
  }

  #apply(): void {
    this.optimizer.lr = this.#checkLr(this.lrAt(), this.#step);
  }

  #checkLr(lr: number, step: number): number {
    if (!(lr >= 0 && lr <= FLOAT32_MAX)) {
      throw new RecurError(
        'RANGE',
        `LrScheduler: the schedule gave learning rate ${lr} at step ${step}`,
      );
    }
    return lr;
  }
}
