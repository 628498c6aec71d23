/** Pure helpers for what the panels plot (no DOM). */
import type { RunConfig } from '../protocol.js';

/**
 * A trailing moving average over `window` points (non-finite losses are kept as they are and
 * left out of the averages), so the curve reads through batch-to-batch noise.
 */
export function movingAverage(
  points: ReadonlyArray<readonly [number, number]>,
  window: number,
): [number, number][] {
  const recent: number[] = [];
  let sum = 0;
  return points.map(([step, loss]) => {
    if (!Number.isFinite(loss)) return [step, loss];
    recent.push(loss);
    sum += loss;
    if (recent.length > window) sum -= recent.shift()!;
    return [step, sum / recent.length];
  });
}

/** Heatmap rows a run produces: steps 1, 1 + d, 1 + 2d, … and the last step. */
export function flowRowsOf(config: Pick<RunConfig, 'trainingSteps' | 'diagnoseEvery'>): number {
  const { trainingSteps: n, diagnoseEvery: d } = config;
  return Math.ceil(n / d) + ((n - 1) % d === 0 ? 0 : 1);
}

/** The smoothing window for `n` points: about n/15, between 1 (no smoothing) and 25. */
export function smoothingWindow(n: number): number {
  return Math.max(1, Math.min(25, Math.round(n / 15)));
}
