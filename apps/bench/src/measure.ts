import { type Summary, summarize } from './stats.js';

/** How to time a case. */
export interface MeasureOptions {
  /** Untimed calls before the timed ones (JIT, kernel compilation, caches). */
  warmup: number;
  /** Timed samples wanted. */
  repeats: number;
  /**
   * Seconds a case may take: no further sample starts once the samples so far exceed it
   * (at least one is always taken). When the warm-up alone exceeds it, the warm-up call becomes
   * the only sample and {@link Timing.warmupCounted} is set.
   */
  budgetSeconds: number;
  /**
   * A sample lasts at least this long: fast calls are repeated inside one sample (the sample's
   * time is divided by the count). 0 times each call on its own.
   */
  minSampleSeconds: number;
}

/** What {@link measure} observed: seconds per call. */
export interface Timing {
  summary: Summary;
  samples: number[];
  /** Calls per sample. */
  inner: number;
  /** True when the warm-up call was used as the only sample (it exceeded the budget). */
  warmupCounted: boolean;
  /** True when fewer samples than asked were taken because the budget ran out. */
  truncated: boolean;
}

type Fn = () => unknown;

/**
 * A prepared case: `run` does one call; `sync`, when given, waits for the work of the calls so
 * far (e.g. downloads a GPU result) and is timed once per sample; `dispose` frees what it holds.
 */
export interface Prepared {
  run: Fn;
  sync?: Fn;
  dispose: () => void;
}

const now = (): number => performance.now() / 1000;

function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect) collect();
}

async function timeCalls(fn: Fn, count: number, sync?: Fn): Promise<number> {
  const start = now();
  for (let i = 0; i < count; i++) {
    const out = fn();
    if (out instanceof Promise) await out;
  }
  if (sync) {
    const out = sync();
    if (out instanceof Promise) await out;
  }
  return now() - start;
}

/**
 * Times `fn` (sync or async; an async one is awaited), or a {@link Prepared} case: warm-up calls,
 * then `repeats` samples, each of one or more calls, stopping early when the budget is spent.
 * Runs a GC first when node was started with `--expose-gc`.
 */
export async function measure(target: Fn | Prepared, options: MeasureOptions): Promise<Timing> {
  const fn = typeof target === 'function' ? target : target.run;
  const sync = typeof target === 'function' ? undefined : target.sync;
  gc();
  let warmupTime = 0;
  let lastCall = 0;
  for (let i = 0; i < options.warmup; i++) {
    lastCall = await timeCalls(fn, 1, sync);
    warmupTime += lastCall;
  }
  if (options.warmup > 0 && warmupTime > options.budgetSeconds) {
    return {
      summary: summarize([lastCall]),
      samples: [lastCall],
      inner: 1,
      warmupCounted: true,
      truncated: options.repeats > 1,
    };
  }
  let inner = 1;
  if (options.minSampleSeconds > 0) {
    const probe = options.warmup > 0 ? lastCall : await timeCalls(fn, 1, sync);
    if (probe < options.minSampleSeconds) {
      inner = Math.min(100_000, Math.ceil(options.minSampleSeconds / Math.max(probe, 1e-7)));
    }
  }
  const samples: number[] = [];
  let spent = 0;
  while (samples.length < Math.max(1, options.repeats)) {
    const t = await timeCalls(fn, inner, sync);
    samples.push(t / inner);
    spent += t;
    if (spent > options.budgetSeconds) break;
  }
  return {
    summary: summarize(samples),
    samples,
    inner,
    warmupCounted: false,
    truncated: samples.length < options.repeats,
  };
}
