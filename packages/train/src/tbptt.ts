import { RecurError } from '@recur/tensor';

/**
 * Truncated back-propagation through time, TBPTT(k1, k2) (Williams & Peng 1990): every `k1` new
 * time steps, one update that back-propagates through the last `k2 ≥ k1` steps. The state at the
 * start of each window is carried forward, detached, so no gradient crosses it.
 *
 * The trainer needs to cut a batch in time, so the data side provides `length` and `slice`.
 */
export interface TbpttOptions<Batch> {
  /** New time steps per update. */
  k1: number;
  /** Steps back-propagated through per update (default k1). */
  k2?: number;
  /** The batch's number of time steps T. */
  length(batch: Batch): number;
  /**
   * Time steps `[start, end)` of `batch` as a batch for the model, whose loss must count only
   * steps `≥ lossStart` (earlier ones are warm-up, e.g. masked with weight 0). With k2 = k1,
   * `lossStart === start` always. It runs inside the update's `tidy`: tensors it creates are
   * freed after the update.
   */
  slice(batch: Batch, start: number, end: number, lossStart: number): Batch;
}

/** One update's window: run `[start, end)`, count the loss from `lossStart`. */
export interface TbpttWindow {
  start: number;
  end: number;
  lossStart: number;
}

/** Checks k1/k2 and returns k2 (defaulted). */
export function checkTbptt(k1: unknown, k2: unknown): number {
  if (typeof k1 !== 'number' || !Number.isInteger(k1) || k1 < 1) {
    throw new RecurError(
      'ARGUMENT',
      `Trainer: tbptt.k1 must be a positive integer, got ${String(k1)}`,
    );
  }
  const k = k2 ?? k1;
  if (typeof k !== 'number' || !Number.isInteger(k) || k < k1) {
    throw new RecurError(
      'ARGUMENT',
      `Trainer: tbptt.k2 must be an integer >= k1 (${k1}), got ${String(k2)}`,
    );
  }
  return k;
}

/**
 * The windows of TBPTT(k1, k2) over T steps: ends at k1, 2k1, … (the last one cut at T), each
 * starting k2 − k1 steps before the previous end (or at 0), its loss counting the steps since
 * the previous end. With k2 = k1 the windows are consecutive chunks.
 *
 * @example
 * ```ts
 * tbpttWindows(10, 4, 6);
 * // [{start:0,end:4,lossStart:0}, {start:2,end:8,lossStart:4}, {start:6,end:10,lossStart:8}]
 * ```
 */
export function tbpttWindows(T: number, k1: number, k2: number = k1): TbpttWindow[] {
  const windows: TbpttWindow[] = [];
  for (let previous = 0; previous < T; previous += k1) {
    const end = Math.min(T, previous + k1);
    windows.push({ start: Math.max(0, previous + k1 - k2), end, lossStart: previous });
  }
  return windows;
}
