import { RecurError } from '@recur/tensor';

/** One step as {@link GradientMonitor.record} takes it: a clipping result or `gradientNorms()`. */
export interface GradientObservation {
  /** The norm of all gradients together (before clipping). */
  totalNorm: number;
  /** Whether the step was clipped (default false). */
  clipped?: boolean;
  /** The factor the gradients were scaled by (default 1). */
  coefficient?: number;
  /** Per-parameter norms before clipping. */
  parameters?: readonly { name: string; norm: number }[];
}

/** One recorded step in the monitor's history. */
export interface GradientRecord {
  step: number;
  totalNorm: number;
  clipped: boolean;
  coefficient: number;
  /** Per-parameter norms, by name. */
  norms: Record<string, number>;
}

/** Running statistics of one series (over every recorded step, not only the history). */
export interface SeriesStats {
  last: number;
  mean: number;
  max: number;
  min: number;
}

/** What {@link GradientMonitor.summary} reports. */
export interface GradientSummary {
  steps: number;
  clippedSteps: number;
  /** clippedSteps / steps (0 before any step). */
  clippedFraction: number;
  /** Steps whose total norm was NaN or ±Inf. */
  nonFiniteSteps: number;
  /** Statistics of the total norm over finite steps. */
  totalNorm: SeriesStats;
  /** Statistics of each parameter's norm over finite values. */
  parameters: Record<string, SeriesStats>;
}

class Running {
  last = Number.NaN;
  sum = 0;
  count = 0;
  max = Number.NEGATIVE_INFINITY;
  min = Number.POSITIVE_INFINITY;

  add(value: number): void {
    this.last = value;
    if (!Number.isFinite(value)) return;
    this.sum += value;
    this.count++;
    if (value > this.max) this.max = value;
    if (value < this.min) this.min = value;
  }

  stats(): SeriesStats {
    const empty = this.count === 0;
    return {
      last: this.last,
      mean: empty ? Number.NaN : this.sum / this.count,
      max: empty ? Number.NaN : this.max,
      min: empty ? Number.NaN : this.min,
    };
  }
}

/**
 * Gradient telemetry cheap enough to leave on: it only stores the numbers that
 * `clipGradNorm`, `clipGradValue` or `gradientNorms` already read back (P + 1 numbers a step),
 * keeps running statistics over all steps and the last `capacity` steps in a ring buffer.
 *
 * @example
 * ```ts
 * const monitor = new GradientMonitor({ capacity: 500 });
 * monitor.record(clipGradNorm(params, 1));
 * monitor.summary().clippedFraction;
 * JSON.stringify(monitor); // summary + history, for plots
 * ```
 */
export class GradientMonitor {
  readonly capacity: number;
  readonly #buffer: GradientRecord[] = [];
  #next = 0;
  #steps = 0;
  #clipped = 0;
  #nonFinite = 0;
  #total = new Running();
  #parameters = new Map<string, Running>();

  /** @param options.capacity How many recent steps {@link history} keeps (default 1000). */
  constructor(options: { capacity?: number } = {}) {
    const capacity = options.capacity ?? 1000;
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RecurError(
        'ARGUMENT',
        `GradientMonitor: capacity must be a positive integer, got ${capacity}`,
      );
    }
    this.capacity = capacity;
  }

  /** Records one step; `step` defaults to the number of steps recorded so far. */
  record(observation: GradientObservation, step: number = this.#steps): GradientRecord {
    const norms: Record<string, number> = {};
    for (const { name, norm } of observation.parameters ?? []) {
      norms[name] = norm;
      let series = this.#parameters.get(name);
      if (!series) {
        series = new Running();
        this.#parameters.set(name, series);
      }
      series.add(norm);
    }
    const record: GradientRecord = {
      step,
      totalNorm: observation.totalNorm,
      clipped: observation.clipped ?? false,
      coefficient: observation.coefficient ?? 1,
      norms,
    };
    this.#steps++;
    if (record.clipped) this.#clipped++;
    if (!Number.isFinite(record.totalNorm)) this.#nonFinite++;
    this.#total.add(record.totalNorm);
    if (this.#buffer.length < this.capacity) this.#buffer.push(record);
    else this.#buffer[this.#next] = record;
    this.#next = (this.#next + 1) % this.capacity;
    return record;
  }

  /** Steps recorded since construction or {@link reset}. */
  get steps(): number {
    return this.#steps;
  }

  /** The fraction of recorded steps that were clipped. */
  get clippedFraction(): number {
    return this.#steps === 0 ? 0 : this.#clipped / this.#steps;
  }

  /** The last `capacity` records, oldest first. */
  history(): GradientRecord[] {
    if (this.#buffer.length < this.capacity) return [...this.#buffer];
    return [...this.#buffer.slice(this.#next), ...this.#buffer.slice(0, this.#next)];
  }

  /** The most recent record. */
  last(): GradientRecord | undefined {
    if (this.#buffer.length === 0) return undefined;
    return this.#buffer[(this.#next - 1 + this.capacity) % this.capacity];
  }

  /** Running statistics over every recorded step. */
  summary(): GradientSummary {
    const parameters: Record<string, SeriesStats> = {};
    for (const [name, series] of this.#parameters) parameters[name] = series.stats();
    return {
      steps: this.#steps,
      clippedSteps: this.#clipped,
      clippedFraction: this.clippedFraction,
      nonFiniteSteps: this.#nonFinite,
      totalNorm: this.#total.stats(),
      parameters,
    };
  }

  /** Forgets everything recorded. */
  reset(): void {
    this.#buffer.length = 0;
    this.#next = 0;
    this.#steps = 0;
    this.#clipped = 0;
    this.#nonFinite = 0;
    this.#total = new Running();
    this.#parameters = new Map();
  }

  /** `{ capacity, summary, history }` — what `JSON.stringify(monitor)` writes. */
  toJSON(): { capacity: number; summary: GradientSummary; history: GradientRecord[] } {
    return { capacity: this.capacity, summary: this.summary(), history: this.history() };
  }
}
