import type { MachineInfo } from './machine.js';
import type { Summary } from './stats.js';

/**
 * `ok`: measured. `skipped`: not run here (no GPU, filtered out, a package not available).
 * `infeasible`: the library cannot do it, or not within the time budget (the reason says which).
 * `failed`: it threw; the reason holds the message.
 */
export type Status = 'ok' | 'skipped' | 'infeasible' | 'failed';

/** A throughput or size figure derived from the timings. */
export interface Metric {
  /** e.g. `GFLOP/s`, `GB/s`, `tokens/s`, `µs/step`, `MB`. */
  unit: string;
  median: number;
  min: number;
  max: number;
  higherIsBetter: boolean;
}

/** One measured (or explicitly not measured) case. */
export interface BenchRow {
  suite: string;
  /** What was measured, e.g. `matmul [32×193]·[193×512]` or `LSTM S train`. */
  case: string;
  /** `recur`, `tfjs` or `brain.js`. */
  lib: string;
  /** `cpu`, `gpu`, `wasm`, `js`. */
  backend: string;
  /** How the library was driven, e.g. `trainOnBatch (Adam, no clip)`. */
  variant?: string;
  /** Sizes and settings, e.g. `{ H: 128, B: 32, T: 64 }`. */
  params: Record<string, number | string>;
  status: Status;
  /** Why a case was skipped, infeasible or failed, or a caveat for an `ok` one. */
  note?: string;
  /** Seconds per call. */
  timing?: Summary;
  metric?: Metric;
  /** Further figures (memory counts, fitted exponents, effective GFLOP/s, …). */
  extra?: Record<string, number | string>;
}

/** Everything one run produced: the JSON results file holds exactly this. */
export interface BenchRun {
  /** ISO time the run started. */
  startedAt: string;
  durationSeconds: number;
  /** False while the run is in progress (a partial results file written after each suite). */
  complete: boolean;
  quick: boolean;
  argv: string[];
  machine: MachineInfo;
  /** Which suites ran, in order. */
  suites: string[];
  rows: BenchRow[];
  /** Run-wide remarks (noise warnings, GPU availability). */
  notes: string[];
}
