/** Pure helpers for the forecast plot (no DOM). */
import type { ForecastPlot } from '../protocol.js';

/** A line of the forecast plot: (seconds from the last reading read, value) pairs. */
export type PlotLine = [number, number][];

/**
 * The three lines of a {@link ForecastPlot} on one time axis, in seconds from the last step the
 * model read (0): the history at −(T−1)·Δ … 0; the actual values and the forecast at Δ … n·Δ,
 * each starting from the last value read so the lines join it.
 */
export function forecastLines(plot: ForecastPlot): {
  history: PlotLine;
  actual: PlotLine;
  forecast: PlotLine;
} {
  const dt = plot.secondsPerStep;
  const T = plot.history.length;
  const history: PlotLine = plot.history.map((v, t) => [(t - (T - 1)) * dt, v]);
  const start: [number, number] = [0, plot.history[T - 1]!];
  const ahead = (values: readonly number[]): PlotLine => [
    start,
    ...values.map((v, h): [number, number] => [(h + 1) * dt, v]),
  ];
  return { history, actual: ahead(plot.actual), forecast: ahead(plot.forecast) };
}
