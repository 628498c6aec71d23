import { RecurError } from '@recur/tensor';
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
}

/**
 * Checks a {@link SchedulerState}: only `step` (a non-negative safe integer) and `baseLr` (a
 * learning rate the optimizers accept). Whether the schedule gives a valid rate there is
 * {@link LrScheduler.checkState}'s to say.
 */
export function checkSchedulerState(op: string, state: unknown): SchedulerState {
  const { step, baseLr } = checkKeys(op, 'the scheduler state', state, ['step', 'baseLr']);
  return { step: checkCount(op, 'step', step), baseLr: checkNumber(op, 'baseLr', baseLr, 0) };
}

/**
 * Drives an optimizer's `lr` from a {@link Schedule}: on construction `lr = baseLr·f(0)`; each
 * `step()` (call it after `optimizer.step()`, as in PyTorch) advances to `lr = baseLr·f(t)`.
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
  readonly schedule: Schedule;
  baseLr: number;
  #step = 0;

  constructor(optimizer: { lr: number }, schedule: Schedule, options: { baseLr?: number } = {}) {
    this.optimizer = optimizer;
    this.schedule = schedule;
    this.baseLr = checkNumber('LrScheduler', 'baseLr', options.baseLr ?? optimizer.lr, 0);
    this.#apply();
  }

  /** Updates scheduled so far. */
  get stepCount(): number {
    return this.#step;
  }

  /** Advances one update and sets the optimizer's learning rate. */
  step(): void {
    this.#step++;
    this.#apply();
  }

  /** The learning rate for update `step` (default: the current one). */
  lrAt(step: number = this.#step): number {
    return this.baseLr * this.schedule(step);
  }

  stateDict(): SchedulerState {
    return { step: this.#step, baseLr: this.baseLr };
  }

  /**
   * Restores a saved position and sets the optimizer's learning rate for it. The state is
   * checked first ({@link checkState}); a bad one throws and changes nothing.
   */
  loadStateDict(state: SchedulerState): void {
    const lr = this.checkState(state);
    this.#step = state.step;
    this.baseLr = state.baseLr;
    this.optimizer.lr = lr;
  }

  /**
   * Checks a state for {@link loadStateDict} without loading it: `step` a non-negative safe
   * integer, `baseLr` a learning rate the optimizers accept, and the schedule's learning rate at
   * that step valid. Returns that learning rate; throws `RecurError` otherwise.
   */
  checkState(state: SchedulerState): number {
    const { step, baseLr } = checkSchedulerState('LrScheduler.loadStateDict', state);
    return this.#checkLr(baseLr * this.schedule(step), step);
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
