import { type Split, type SplitFractions, splitSizes } from '../splits.js';
import type { TimeSeries } from './time-series.js';

/**
 * Splits a series by time: the first `train` fraction of its steps, then validation, then test
 * (contiguous, never shuffled). Cut windows from each part separately
 * ({@link slidingWindows}): a window and its targets then lie inside one part, so nothing a model
 * is scored on was seen in training. Parts are copies; a fraction of 0 gives a part of 0 steps.
 */
export function splitSeries(series: TimeSeries, fractions: SplitFractions): Split<TimeSeries> {
  const sizes = splitSizes(series.steps, fractions);
  const F = series.features;
  const part = (from: number, steps: number): TimeSeries => ({
    values: series.values.slice(from * F, (from + steps) * F),
    steps,
    features: F,
    columns: [...series.columns],
  });
  return {
    train: part(0, sizes.train),
    validation: part(sizes.train, sizes.validation),
    test: part(sizes.train + sizes.validation, sizes.test),
  };
}
