import { RecurError } from '@recur/tensor';

/**
 * A learning-rate schedule over a training budget: the factor of the base learning rate as a
 * function of the fraction of the budget used — 0 at the start, 1 when the run's steps or time
 * are spent. The {@link Trainer} measures the fraction as it runs (updates over `steps`, or
 * seconds over `timeLimit`), so one schedule fits a run of any length: a run given ten minutes
 * anneals over ten minutes, where a step-indexed schedule tuned for one minute would sit at its
 * noise floor for the other nine.
 */
export interface BudgetSchedule {
  readonly kind: 'budget';
  /** A short name for logs and reports, e.g. `warmup-cosine`. */
  readonly name: string;
  /** The factor at `fraction` ∈ [0, 1]. */
  factor(fraction: number): number;
}

/** Whether `schedule` is a {@link BudgetSchedule} (not a step-indexed `Schedule`). */
export function isBudgetSchedule(schedule: unknown): schedule is BudgetSchedule {
  return (
    typeof schedule === 'object' &&
    schedule !== null &&
    (schedule as { kind?: unknown }).kind === 'budget'
  );
}

/** Options of {@link warmupCosine} and {@link warmupLinear}. */
export interface AnnealOptions {
  /** Fraction of the budget spent warming up linearly from `startFactor` to 1 (default 0.02). */
  warmup?: number;
  /** Factor at the start of the warm-up (default 0.1). */
  startFactor?: number;
  /** Factor at the end of the budget (default 0.05). */
  minFactor?: number;
}

function fractionIn(op: string, name: string, value: number, high: number): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= high)) {
    throw new RecurError('RANGE', `${op}: ${name} must be in [0, ${high}], got ${String(value)}`);
  }
  return value;
}

function anneal(
  op: string,
  name: string,
  options: AnnealOptions,
  decay: (progress: number) => number,
): BudgetSchedule {
  const warmup = fractionIn(op, 'warmup', options.warmup ?? 0.02, 0.5);
  const start = fractionIn(op, 'startFactor', options.startFactor ?? 0.1, 1);
  const minFactor = fractionIn(op, 'minFactor', options.minFactor ?? 0.05, 1);
  return {
    kind: 'budget',
    name,
    factor(fraction) {
      const f = Math.min(1, Math.max(0, fraction));
      if (f < warmup) return start + ((1 - start) * f) / warmup;
      const progress = warmup === 1 ? 1 : (f - warmup) / (1 - warmup);
      return minFactor + (1 - minFactor) * decay(progress);
    },
  };
}

/**
 * Linear warm-up over the first `warmup` of the budget, then cosine annealing down to
 * `minFactor` at its end: `minFactor + (1 − minFactor)·(1 + cos(π·p))/2`, `p` the fraction of the
 * budget after the warm-up. The default of `recur train`.
 *
 * @example
 * ```ts
 * // ten minutes of training, whatever the machine's speed: the rate anneals over all ten
 * new Trainer({ model, optimizer, data, timeLimit: 600, schedule: warmupCosine() });
 * ```
 */
export function warmupCosine(options: AnnealOptions = {}): BudgetSchedule {
  return anneal('warmupCosine', 'warmup-cosine', options, (p) => (1 + Math.cos(Math.PI * p)) / 2);
}

/** Linear warm-up, then linear decay to `minFactor` at the end of the budget. */
export function warmupLinear(options: AnnealOptions = {}): BudgetSchedule {
  return anneal('warmupLinear', 'warmup-linear', options, (p) => 1 - p);
}
