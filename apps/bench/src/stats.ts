import { RecurError } from '@recur/tensor';

/** Summary of repeated timings (seconds) or of any positive measurements. */
export interface Summary {
  /** Number of samples. */
  n: number;
  median: number;
  min: number;
  max: number;
  mean: number;
  /** Sample standard deviation (0 for a single sample). */
  stdev: number;
}

/**
 * Median, min, max, mean and standard deviation of `samples`.
 *
 * @throws RecurError `ARGUMENT` when `samples` is empty or holds a non-finite value.
 */
export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) {
    throw new RecurError('ARGUMENT', 'summarize: samples is empty; expected at least one value');
  }
  for (const [i, v] of samples.entries()) {
    if (!Number.isFinite(v)) {
      throw new RecurError(
        'ARGUMENT',
        `summarize: samples[${i}] is ${v}; expected a finite number`,
      );
    }
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const n = sorted.length;
  const mid = n >> 1;
  const median = n % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  const mean = sorted.reduce((s, v) => s + v, 0) / n;
  const variance = n > 1 ? sorted.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1) : 0;
  return { n, median, min: sorted[0]!, max: sorted[n - 1]!, mean, stdev: Math.sqrt(variance) };
}

/** A rate (work per second) from timings: the median rate and its range. */
export interface Rate {
  median: number;
  /** The rate of the slowest sample. */
  min: number;
  /** The rate of the fastest sample. */
  max: number;
}

/**
 * Turns a timing summary (seconds per call) into a rate of `work` units per second: the median
 * rate comes from the median time, the min rate from the max time and vice versa.
 */
export function rateOf(work: number, seconds: Summary): Rate {
  return { median: work / seconds.median, min: work / seconds.max, max: work / seconds.min };
}
