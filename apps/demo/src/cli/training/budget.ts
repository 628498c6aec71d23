import { formatCount, formatDuration, type ProgressStream, type StepRecord } from '@recur/train';

/** Options of {@link TimeBudget}. */
export interface TimeBudgetOptions {
  /** When the budget started, on the `now` clock (milliseconds). */
  start: number;
  /** When to stop, on the `now` clock. */
  deadline: number;
  /** Where the progress bar goes (nothing is drawn without a stream). */
  stream?: ProgressStream;
  /** Milliseconds between redraws on a terminal (default 100). */
  redrawMs?: number;
  /** Milliseconds between plain lines elsewhere (default 10 000). */
  lineMs?: number;
  /** The clock (default `performance.now`). */
  now?: () => number;
}

/**
 * A wall-clock budget for a training run: {@link TimeBudget.onStep}, called from the trainer's
 * `onStep` callback, says `'stop'` once the deadline has passed, and draws a progress bar in the
 * trainer's format whose fraction is the share of the time used —
 * `[=========>          ] 45% step 450 epoch 1 loss 1.2345 8.1k tok/s 33s left` — since the
 * number of updates that fit is not known in advance (it depends on the machine and its load).
 * On a terminal the bar is redrawn in place; elsewhere it is one plain line every 10 s.
 */
export class TimeBudget {
  readonly start: number;
  readonly deadline: number;
  readonly #stream: ProgressStream | undefined;
  readonly #redrawMs: number;
  readonly #lineMs: number;
  readonly #now: () => number;
  #firstTime: number | null = null;
  #tokens = 0;
  #smoothed: number | null = null;
  #lastDraw = Number.NEGATIVE_INFINITY;
  #line = '';

  constructor(options: TimeBudgetOptions) {
    this.start = options.start;
    this.deadline = options.deadline;
    this.#stream = options.stream;
    this.#redrawMs = options.redrawMs ?? 100;
    this.#lineMs = options.lineMs ?? 10_000;
    this.#now = options.now ?? (() => performance.now());
  }

  /** Whether the deadline has passed. */
  get expired(): boolean {
    return this.#now() >= this.deadline;
  }

  /** The progress line as last rendered. */
  get line(): string {
    return this.#line;
  }

  /** Records one update, redraws when it is time; `'stop'` when the time is up. */
  onStep(record: StepRecord): 'stop' | undefined {
    const now = this.#now();
    this.#firstTime ??= now;
    this.#tokens += record.tokens;
    if (Number.isFinite(record.loss)) {
      this.#smoothed =
        this.#smoothed === null ? record.loss : 0.9 * this.#smoothed + 0.1 * record.loss;
    }
    this.#line = this.#render(record, now);
    const tty = this.#stream?.isTTY === true;
    if (this.#stream && now - this.#lastDraw >= (tty ? this.#redrawMs : this.#lineMs)) {
      this.#lastDraw = now;
      this.#write(tty);
    }
    return now >= this.deadline ? 'stop' : undefined;
  }

  /** Writes the final state and ends the line. */
  finish(): void {
    if (!this.#stream || this.#line === '') return;
    const tty = this.#stream.isTTY === true;
    this.#write(tty);
    if (tty) this.#stream.write('\n');
  }

  #render(record: StepRecord, now: number): string {
    const fraction = Math.min(1, Math.max(0, (now - this.start) / (this.deadline - this.start)));
    const width = 20;
    const filled = Math.round(fraction * width);
    const bar =
      '='.repeat(Math.max(0, filled - 1)) + (filled > 0 ? (filled === width ? '=' : '>') : '');
    const parts = [
      `[${bar.padEnd(width)}] ${Math.floor(fraction * 100)}%`,
      `step ${record.step}`,
      `epoch ${record.epoch + 1}`,
      `loss ${this.#smoothed === null ? 'nan' : this.#smoothed.toFixed(4)}`,
    ];
    const elapsed = now - (this.#firstTime ?? now);
    if (elapsed > 0) parts.push(`${formatCount((this.#tokens * 1000) / elapsed)} tok/s`);
    parts.push(`${formatDuration(Math.max(0, this.deadline - now))} left`);
    return parts.join(' ');
  }

  #write(tty: boolean): void {
    const stream = this.#stream!;
    if (tty) {
      const width = stream.columns ?? 80;
      stream.write(`\r${this.#line.slice(0, width - 1).padEnd(width - 1)}`);
    } else {
      stream.write(`${this.#line}\n`);
    }
  }
}
