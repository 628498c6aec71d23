import { type BudgetSchedule, type Checkpoint, warmupCosine, warmupLinear } from '@recur/train';
import type { Flags } from '../flags.js';
import type { Length } from './run-options.js';

/** The learning-rate schedules of `recur train --schedule`. */
export const SCHEDULES = ['cosine', 'linear', 'constant'] as const;
/** A schedule name. */
export type ScheduleName = (typeof SCHEDULES)[number];

/** A run's schedule: the library's, and how the CLI describes it. */
export interface RunSchedule {
  name: ScheduleName;
  /** Undefined for `constant`. */
  schedule: BudgetSchedule | undefined;
  /** `warm-up, cosine decay to 5 % over the budget` */
  description: string;
}

/**
 * `--schedule`: `cosine` (the default) warms up over the first 2 % of the run's budget, then
 * anneals to 5 % of `--lr` at its end; `linear` decays linearly instead; `constant` keeps `--lr`.
 * The budget is the run's: its minutes, updates or epochs. `fallback` replaces the default (a
 * resumed run's own schedule).
 */
export function scheduleFromFlags(flags: Flags, fallback?: ScheduleName): RunSchedule {
  const given = flags.has('schedule') ? flags.string('schedule') : undefined;
  const name = (given ?? fallback ?? 'cosine') as ScheduleName;
  if (name === 'constant') return { name, schedule: undefined, description: 'constant' };
  return {
    name,
    schedule: name === 'linear' ? warmupLinear() : warmupCosine(),
    description: `warm-up, ${name} decay to 5 % over the run`,
  };
}

/** `--val-every`: seconds between validations (default a tenth of `--minutes`, ≥ 5 s; else 30 s). */
export function validationSeconds(flags: Flags, length: Length): number {
  const given = flags.number('val-every');
  if (given !== undefined) return given;
  return length.kind === 'minutes' ? Math.max(5, length.minutes * 6) : 30;
}

/**
 * The schedule a checkpoint's run used (`metadata.recur.schedule`); `constant` for checkpoints
 * written before `recur train` had schedules, or holding a name it does not know.
 */
export function savedSchedule(checkpoint: Checkpoint): ScheduleName {
  const recur = checkpoint.metadata?.recur as { schedule?: unknown } | undefined;
  const name = recur?.schedule;
  return SCHEDULES.includes(name as ScheduleName) ? (name as ScheduleName) : 'constant';
}
