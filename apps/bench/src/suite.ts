import type { CliOptions, SuiteName } from './cli.js';
import { type MeasureOptions, measure, type Prepared, type Timing } from './measure.js';
import type { RecurBackends } from './recur/backends.js';
import type { BenchRow, Metric } from './results.js';
import { rateOf } from './stats.js';

/** What every suite is given. */
export interface SuiteContext {
  options: CliOptions;
  backends: RecurBackends;
  /** One progress line on stderr. */
  log(line: string): void;
  /** A run-wide remark for the report (e.g. which TF.js wasm build ran); repeats are dropped. */
  note(line: string): void;
}

/** A group of related cases. */
export interface Suite {
  name: SuiteName;
  /** Heading in the Markdown report. */
  title: string;
  /** One paragraph: what it measures and how to read it. */
  description: string;
  run(context: SuiteContext): Promise<BenchRow[]>;
}

/** The fields that name a case. */
export type RowBase = Pick<BenchRow, 'suite' | 'case' | 'lib' | 'backend' | 'params'> &
  Pick<Partial<BenchRow>, 'variant' | 'note' | 'extra'>;

/**
 * Timing options for a case: `micro` cases (single ops, well under a millisecond) are batched
 * into samples of ≥ 20 ms (2 ms in quick mode) and repeated more; `step` cases are timed call by call.
 */
export function timingOptions(options: CliOptions, kind: 'micro' | 'step'): MeasureOptions {
  return {
    warmup: options.warmup,
    repeats: kind === 'micro' && !options.quick ? Math.max(options.repeats, 10) : options.repeats,
    budgetSeconds: options.budgetSeconds,
    minSampleSeconds: kind === 'micro' ? (options.quick ? 0.002 : 0.02) : 0,
  };
}

/** Notes a caveat of how the timing was taken (budget, warm-up counted). */
export function timingNote(timing: Timing, requested: number): string | undefined {
  if (timing.warmupCounted)
    return 'one sample: the warm-up call alone exceeded the per-case budget';
  if (timing.truncated)
    return `${timing.samples.length} of ${requested} samples: the per-case budget ran out`;
  return undefined;
}

/** An `ok` row whose metric is `work / seconds` in `unit` (e.g. flops → GFLOP/s with scale 1e-9). */
export function rateRow(
  base: RowBase,
  timing: Timing,
  work: number,
  unit: string,
  requested: number,
): BenchRow {
  const rate = rateOf(work, timing.summary);
  const metric: Metric = {
    unit,
    median: rate.median,
    min: rate.min,
    max: rate.max,
    higherIsBetter: true,
  };
  const note = [base.note, timingNote(timing, requested)].filter((n) => n).join('; ');
  return { ...base, status: 'ok', timing: timing.summary, metric, ...(note ? { note } : {}) };
}

/** An `ok` row whose metric is the time itself scaled to `unit` (e.g. µs with scale 1e6). */
export function timeRow(
  base: RowBase,
  timing: Timing,
  scale: number,
  unit: string,
  requested: number,
): BenchRow {
  const s = timing.summary;
  const metric: Metric = {
    unit,
    median: s.median * scale,
    min: s.min * scale,
    max: s.max * scale,
    higherIsBetter: false,
  };
  const note = [base.note, timingNote(timing, requested)].filter((n) => n).join('; ');
  return { ...base, status: 'ok', timing: s, metric, ...(note ? { note } : {}) };
}

/** A row for a case that did not run: skipped, infeasible or failed, with the reason. */
export function statusRow(
  base: RowBase,
  status: Exclude<BenchRow['status'], 'ok'>,
  note: string,
): BenchRow {
  return { ...base, status, note: base.note ? `${note}; ${base.note}` : note };
}

/**
 * Runs `body`; an exception becomes a `failed` row carrying the first line of its message, so one
 * broken case never stops the run.
 */
export async function attempt(
  base: RowBase,
  log: (line: string) => void,
  body: () => Promise<BenchRow>,
): Promise<BenchRow> {
  try {
    return await body();
  } catch (error) {
    const message = (error as Error)?.message?.split('\n')[0] ?? String(error);
    log(`  FAILED ${base.case} [${base.lib} ${base.backend}]: ${message}`);
    return statusRow(base, 'failed', message);
  }
}

/** Measures a prepared case and always disposes it. */
export async function measurePrepared(
  prepared: Prepared,
  options: MeasureOptions,
): Promise<Timing> {
  try {
    return await measure(prepared, options);
  } finally {
    prepared.dispose();
  }
}
