import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RecurError } from '@recur/tensor';
import { CLIP_NORM, LEARNING_RATE } from '../configs.js';
import type { MeasureOptions, Timing } from '../measure.js';
import { summarize } from '../stats.js';
import type { CharBatch, LmSize } from '../workloads/char-lm.js';

/** The interpreter the peer runs: Debian's, where `apt-get install python3-torch` puts torch. */
export const PYTHON = '/usr/bin/python3';

/** The committed script that builds and times the PyTorch model (see its docstring). */
export const TORCH_SCRIPT = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'python',
  'torch_char_lm.py',
);

/**
 * A thread configuration of PyTorch on the CPU. `torchThreads` goes to `torch.set_num_threads`;
 * `openblasThreads` sets `OPENBLAS_NUM_THREADS` for the process (null: OpenBLAS's default, one
 * thread per core). Debian's torch does its GEMMs in OpenBLAS, whose pool is separate from
 * PyTorch's OpenMP one, so the two counts matter independently.
 */
export interface TorchThreads {
  name: string;
  torchThreads: number;
  openblasThreads: number | null;
}

/**
 * The configurations issue 18 names — A: one torch thread, OpenBLAS's own threads; A1: A with
 * OpenBLAS on one thread (everything on one core); B: two torch threads, OpenBLAS default — and C:
 * two torch threads with OpenBLAS on one (no oversubscription of two pools on two cores).
 */
export const TORCH_THREADS: readonly TorchThreads[] = [
  { name: 'A', torchThreads: 1, openblasThreads: null },
  { name: 'A1', torchThreads: 1, openblasThreads: 1 },
  { name: 'B', torchThreads: 2, openblasThreads: null },
  { name: 'C', torchThreads: 2, openblasThreads: 1 },
];

/** How a configuration is described in the report's variant column. */
export function threadsLabel(config: TorchThreads): string {
  const blas =
    config.openblasThreads === null
      ? 'OpenBLAS default threads'
      : `OPENBLAS_NUM_THREADS=${config.openblasThreads}`;
  return `${config.name}: set_num_threads(${config.torchThreads}), ${blas}`;
}

/** Whether the peer can run: torch's version, or why not. */
export type TorchProbe = { ok: true; version: string } | { ok: false; reason: string };

/** The reason every PyTorch row gives when `import torch` fails. */
export const NOT_INSTALLED = 'python3-torch not installed';

/**
 * Checks that `python` exists and imports torch. A missing interpreter or a failed import is a
 * reason to skip (with the first line of Python's error), never an exception.
 */
export function probeTorch(python: string = PYTHON): TorchProbe {
  const result = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (result.error) {
    return { ok: false, reason: `${NOT_INSTALLED} (${python}: ${result.error.message})` };
  }
  if (result.status !== 0) {
    const last = result.stderr.trim().split('\n').at(-1) ?? `exit status ${result.status}`;
    return { ok: false, reason: `${NOT_INSTALLED} (${python}: ${last})` };
  }
  return { ok: true, version: result.stdout.trim() };
}

/** One mode's samples as the script reports them. */
interface ModeSamples {
  samples: number[];
  warmupCounted: boolean;
}

/** What one run of the script printed. */
export interface TorchOutput {
  /** `torch.__version__`. */
  torch: string;
  /** `torch.get_num_threads()` after the configuration was applied. */
  threads: number;
  /** Seconds per call for each mode that ran. */
  results: Partial<Record<'train' | 'infer', ModeSamples>>;
}

const fail = (what: string, got: unknown): never => {
  const shown = typeof got === 'string' ? `'${got.slice(0, 80)}'` : JSON.stringify(got);
  throw new RecurError('FORMAT', `parseTorchOutput: ${what}; got ${shown}`);
};

/**
 * Parses the one JSON object the script prints on its last stdout line.
 *
 * @throws RecurError `FORMAT` when the output is not that object: no JSON, a missing field, a
 * sample list that is empty or holds something other than positive finite seconds.
 */
export function parseTorchOutput(stdout: string): TorchOutput {
  const line = stdout.trim().split('\n').at(-1) ?? '';
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return fail('expected one JSON object on the last line of output', line);
  }
  if (typeof value !== 'object' || value === null) return fail('expected a JSON object', value);
  const o = value as Record<string, unknown>;
  if (typeof o.torch !== 'string') fail('expected "torch" (the version) to be a string', o.torch);
  if (!Number.isInteger(o.threads)) fail('expected "threads" to be an integer', o.threads);
  if (typeof o.results !== 'object' || o.results === null) {
    fail('expected "results" to be an object', o.results);
  }
  const results: TorchOutput['results'] = {};
  for (const [mode, raw] of Object.entries(o.results as Record<string, unknown>)) {
    if (mode !== 'train' && mode !== 'infer') fail('expected modes train and infer only', mode);
    const r = raw as Record<string, unknown> | null;
    const samples = r?.samples;
    if (
      !Array.isArray(samples) ||
      samples.length === 0 ||
      !samples.every((s) => typeof s === 'number' && Number.isFinite(s) && s > 0)
    ) {
      fail(`expected results.${mode}.samples to be a non-empty list of positive seconds`, samples);
    }
    results[mode as 'train' | 'infer'] = {
      samples: samples as number[],
      warmupCounted: r?.warmupCounted === true,
    };
  }
  return { torch: o.torch as string, threads: o.threads as number, results };
}

/** A {@link Timing} from one mode's samples, as measure.ts would have produced it. */
export function torchTiming(mode: ModeSamples, requested: number): Timing {
  return {
    summary: summarize(mode.samples),
    samples: mode.samples,
    inner: 1,
    warmupCounted: mode.warmupCounted,
    truncated: mode.samples.length < requested,
  };
}

/** What one run of the script is asked to do. */
export interface TorchRequest {
  cell: 'lstm' | 'rnn';
  size: LmSize;
  batch: CharBatch;
  threads: TorchThreads;
  modes: readonly ('train' | 'infer')[];
  timing: MeasureOptions;
}

/**
 * Runs the script in a fresh process (OpenBLAS reads its thread count at start-up) and parses
 * what it prints.
 *
 * @throws RecurError `FORMAT` when the script fails or prints something else (with its stderr).
 */
export function runTorch(request: TorchRequest, python: string = PYTHON): TorchOutput {
  const { cell, size, batch, threads, modes, timing } = request;
  const spec = {
    cell,
    ...size,
    inputs: Array.from(batch.inputs),
    targets: Array.from(batch.targets),
    threads: threads.torchThreads,
    lr: LEARNING_RATE,
    clip: CLIP_NORM,
    seed: 1,
    modes,
    warmup: timing.warmup,
    repeats: timing.repeats,
    budgetSeconds: timing.budgetSeconds,
  };
  const env = { ...process.env };
  if (threads.openblasThreads === null) delete env.OPENBLAS_NUM_THREADS;
  else env.OPENBLAS_NUM_THREADS = String(threads.openblasThreads);
  const result = spawnSync(python, [TORCH_SCRIPT], {
    input: JSON.stringify(spec),
    encoding: 'utf8',
    env,
    maxBuffer: 1 << 24,
  });
  if (result.error || result.status !== 0) {
    const why = result.error?.message ?? result.stderr.trim().split('\n').at(-1);
    throw new RecurError(
      'FORMAT',
      `runTorch: ${TORCH_SCRIPT} failed (${threadsLabel(threads)}): ${why}`,
    );
  }
  return parseTorchOutput(result.stdout);
}
