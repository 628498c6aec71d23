/** Where progress goes: a Node stream such as `process.stderr`, or anything with `write`. */
export interface ProgressStream {
  write(text: string): unknown;
  /** True on a terminal: a bar redrawn in place; otherwise plain lines. */
  isTTY?: boolean;
  /** Terminal width (default 80). */
  columns?: number;
}

/** Options of {@link ProgressReporter}. */
export interface ProgressOptions {
  /** Default: `process.stderr` where it exists (Node), else nothing is written. */
  stream?: ProgressStream;
  /** Total updates, for the bar and the ETA (unknown: no bar, no ETA). */
  total?: number;
  /**
   * A time budget instead (when `total` is not given): the bar shows the share of the time from
   * `start` to `deadline` (milliseconds on the `now` clock) used, and the time left.
   */
  time?: { start: number; deadline: number };
  /** Minimum milliseconds between two redraws on a terminal (default 100). */
  redrawMs?: number;
  /** Milliseconds between two plain lines when not on a terminal (default 10 000). */
  lineMs?: number;
  /** The clock, in milliseconds (default `performance.now`). */
  now?: () => number;
}

/** One progress update. */
export interface ProgressUpdate {
  step: number;
  epoch: number;
  loss: number;
  /** Tokens processed so far in this run. */
  tokens: number;
  /** The latest validation loss, shown as `val 1.2345` when given. */
  validation?: number;
}

/** `1h02m`, `3m07s`, `12s`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** `950`, `12.3k`, `4.56M`. */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return '?';
  if (n < 1000) return n.toFixed(n < 10 ? 1 : 0);
  if (n < 1e6) return `${(n / 1e3).toFixed(1)}k`;
  return `${(n / 1e6).toFixed(2)}M`;
}

/** `[=========>          ] 45%` for a fraction in [0, 1] (clamped). */
function bar(fraction: number): string {
  const f = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 1));
  const width = 20;
  const filled = Math.round(f * width);
  const drawn =
    '='.repeat(Math.max(0, filled - 1)) + (filled > 0 ? (filled === width ? '=' : '>') : '');
  return `[${drawn.padEnd(width)}] ${Math.floor(f * 100)}%`;
}

function defaultStream(): ProgressStream | undefined {
  return (globalThis as { process?: { stderr?: ProgressStream } }).process?.stderr;
}

/**
 * Training progress for people: on a terminal a bar redrawn in place —
 * `[=========>          ] 45% step 450/1000 epoch 2 loss 1.2345 12.3k tok/s ETA 1m02s`, or
 * with a time budget `[=========>          ] 45% step 450 epoch 1 loss 1.2345 val 1.3012 8.1k
 * tok/s 33s left` (the share of the time used: how many updates fit is not known) —
 * elsewhere (CI logs, files) one plain line every `lineMs`. The loss shown is an exponential
 * moving average (0.9) of the step losses. Writes nothing when there is no stream.
 */
export class ProgressReporter {
  readonly #stream: ProgressStream | undefined;
  readonly #total: number | undefined;
  readonly #time: { start: number; deadline: number } | undefined;
  readonly #redrawMs: number;
  readonly #lineMs: number;
  readonly #now: () => number;
  #start: number | null = null;
  #startStep = 0;
  #last = Number.NEGATIVE_INFINITY;
  #smoothed: number | null = null;
  #lastLine = '';
  #drawn = false;

  constructor(options: ProgressOptions = {}) {
    this.#stream = options.stream ?? defaultStream();
    this.#total = options.total;
    this.#time = options.total === undefined ? options.time : undefined;
    this.#redrawMs = options.redrawMs ?? 100;
    this.#lineMs = options.lineMs ?? 10_000;
    this.#now = options.now ?? (() => performance.now());
  }

  /** The text of the current line (what the last update rendered). */
  get line(): string {
    return this.#lastLine;
  }

  /** Records an update and redraws when it is time. */
  update(update: ProgressUpdate): void {
    const now = this.#now();
    if (this.#start === null) {
      this.#start = now;
      this.#startStep = update.step - 1;
    }
    if (Number.isFinite(update.loss)) {
      this.#smoothed =
        this.#smoothed === null ? update.loss : 0.9 * this.#smoothed + 0.1 * update.loss;
    }
    this.#lastLine = this.#render(update, now);
    const tty = this.#stream?.isTTY === true;
    if (!this.#stream || now - this.#last < (tty ? this.#redrawMs : this.#lineMs)) return;
    this.#last = now;
    this.#write(tty);
  }

  /** Writes the final state and ends the line. */
  finish(): void {
    if (!this.#stream || this.#lastLine === '') return;
    this.#write(this.#stream.isTTY === true);
    if (this.#stream.isTTY) this.#stream.write('\n');
    this.#drawn = false;
  }

  #write(tty: boolean): void {
    if (tty) {
      const width = this.#stream!.columns ?? 80;
      this.#stream!.write(`\r${this.#lastLine.slice(0, width - 1).padEnd(width - 1)}`);
      this.#drawn = true;
    } else {
      this.#stream!.write(`${this.#lastLine}\n`);
    }
  }

  #render(update: ProgressUpdate, now: number): string {
    const elapsed = now - (this.#start ?? now);
    const done = update.step - this.#startStep;
    const parts: string[] = [];
    const total = this.#total;
    const time = this.#time;
    if (total !== undefined && total > 0) {
      parts.push(bar(update.step / total), `step ${update.step}/${total}`);
    } else if (time) {
      parts.push(bar((now - time.start) / (time.deadline - time.start)), `step ${update.step}`);
    } else {
      parts.push(`step ${update.step}`);
    }
    parts.push(
      `epoch ${update.epoch}`,
      `loss ${this.#smoothed === null ? 'nan' : this.#smoothed.toFixed(4)}`,
    );
    if (update.validation !== undefined) parts.push(`val ${update.validation.toFixed(4)}`);
    if (elapsed > 0) {
      parts.push(`${formatCount((update.tokens * 1000) / elapsed)} tok/s`);
      if (total !== undefined && done > 0)
        parts.push(`ETA ${formatDuration(((total - update.step) * elapsed) / done)}`);
    }
    if (time) parts.push(`${formatDuration(Math.max(0, time.deadline - now))} left`);
    return parts.join(' ');
  }

  /** Whether a bar is currently drawn on the terminal (for callers that print in between). */
  get drawn(): boolean {
    return this.#drawn;
  }
}
