import { parseArgs } from 'node:util';
import { RecurError } from '@recur/tensor';

/** Every suite, in the order a full run takes them. */
export const SUITE_NAMES = ['kernels', 'cells', 'e2e', 'memory', 'scaling', 'gpu'] as const;
export type SuiteName = (typeof SUITE_NAMES)[number];

/** Libraries and backends the end-to-end suite can put side by side. */
export const LIB_NAMES = [
  'recur-cpu',
  'recur-gpu',
  'tfjs-wasm',
  'tfjs-cpu',
  'brain',
  'pytorch',
] as const;
export type LibName = (typeof LIB_NAMES)[number];

export const CONFIG_NAMES = ['S', 'M', 'L'] as const;
export type ConfigName = (typeof CONFIG_NAMES)[number];

/** Parsed command line. */
export interface CliOptions {
  quick: boolean;
  suites: SuiteName[];
  libs: LibName[];
  configs: ConfigName[];
  warmup: number;
  repeats: number;
  /** Seconds one case may take before no further sample starts. */
  budgetSeconds: number;
  /**
   * A case whose single call is estimated (from a smaller configuration, scaled by flops) to take
   * longer than this many seconds is reported as infeasible instead of run.
   */
  maxCallSeconds: number;
  /** Training steps the memory suite runs. */
  memorySteps: number;
  outDir: string;
  /** Whether to try creating a GPU backend at all. */
  gpu: boolean;
  /** A results.json to turn into a report and charts again, without running anything. */
  render: string | null;
  help: boolean;
}

/** Printed by `--help`. */
export const USAGE = `Usage: node --import tsx src/main.ts [options]

  --quick              tiny sizes, one repeat, no warm-up: checks that every suite runs (CI smoke test)
  --suite a,b          suites to run (${SUITE_NAMES.join(', ')}); default all
  --lib a,b            libraries in the e2e suite (${LIB_NAMES.join(', ')}); default all
  --config a,b         e2e configurations (${CONFIG_NAMES.join(', ')}); default all (quick: a tiny one)
  --warmup N           untimed calls per case (default 1; quick 0)
  --repeats N          timed samples per case (default 5; quick 1)
  --budget SECONDS     time one case may take before sampling stops (default 20; quick 5)
  --max-call SECONDS   skip (as infeasible) a case whose one call is estimated to take longer (default 150)
  --steps N            training steps of the memory suite (default 1000; quick 20)
  --out DIR            where results go (default apps/bench/results)
  --no-gpu             do not try to create a GPU backend
  --render FILE        write report.md and the charts of an earlier results.json (into --out, default its folder)
  --help               this text`;

function list<T extends string>(
  flag: string,
  raw: string | undefined,
  allowed: readonly T[],
): T[] | null {
  if (raw === undefined) return null;
  const items = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const item of items) {
    if (!(allowed as readonly string[]).includes(item)) {
      throw new RecurError(
        'ARGUMENT',
        `bench: ${flag} '${item}' is unknown; expected one of ${allowed.join(', ')}`,
      );
    }
  }
  return items as T[];
}

function count(flag: string, raw: string | undefined, fallback: number, min: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min) {
    throw new RecurError('ARGUMENT', `bench: ${flag} is '${raw}'; expected a number ≥ ${min}`);
  }
  return value;
}

/**
 * Parses the bench command line (without `node` and the script).
 *
 * @throws RecurError `ARGUMENT` on an unknown flag, suite, library or configuration, or a bad number.
 */
export function parseCli(argv: readonly string[], defaultOutDir: string): CliOptions {
  let parsed: ReturnType<typeof parseArgs>['values'];
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        quick: { type: 'boolean', default: false },
        suite: { type: 'string' },
        lib: { type: 'string' },
        config: { type: 'string' },
        warmup: { type: 'string' },
        repeats: { type: 'string' },
        budget: { type: 'string' },
        steps: { type: 'string' },
        'max-call': { type: 'string' },
        out: { type: 'string' },
        'no-gpu': { type: 'boolean', default: false },
        render: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    throw new RecurError('ARGUMENT', `bench: ${(error as Error).message}\n${USAGE}`);
  }
  const str = (key: string): string | undefined => parsed[key] as string | undefined;
  const quick = parsed.quick === true;
  return {
    quick,
    suites: list('--suite', str('suite'), SUITE_NAMES) ?? [...SUITE_NAMES],
    libs: list('--lib', str('lib'), LIB_NAMES) ?? [...LIB_NAMES],
    configs: list('--config', str('config'), CONFIG_NAMES) ?? [...CONFIG_NAMES],
    warmup: count('--warmup', str('warmup'), quick ? 0 : 1, 0),
    repeats: count('--repeats', str('repeats'), quick ? 1 : 5, 1),
    budgetSeconds: count('--budget', str('budget'), quick ? 5 : 20, 0),
    maxCallSeconds: count('--max-call', str('max-call'), 150, 0),
    memorySteps: count('--steps', str('steps'), quick ? 20 : 1000, 1),
    outDir: str('out') ?? defaultOutDir,
    gpu: parsed['no-gpu'] !== true,
    render: str('render') ?? null,
    help: parsed.help === true,
  };
}
