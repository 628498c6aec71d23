import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import { type CliOptions, parseCli, USAGE } from './cli.js';
import { machineInfo } from './machine.js';
import { recurBackends } from './recur/backends.js';
import { writePartial, writeReport, writeResults } from './report/write.js';
import type { BenchRow, BenchRun } from './results.js';
import type { Suite, SuiteContext } from './suite.js';
import { cellsSuite } from './suites/cells.js';
import { e2eSuite } from './suites/e2e.js';
import { gpuSuite } from './suites/gpu.js';
import { kernelsSuite } from './suites/kernels.js';
import { memorySuite } from './suites/memory.js';
import { scalingSuite } from './suites/scaling.js';

/** Every suite, in run order. */
export const SUITES: readonly Suite[] = [
  kernelsSuite,
  cellsSuite,
  e2eSuite,
  memorySuite,
  scalingSuite,
  gpuSuite,
];

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * Runs the selected suites; after each one, `progress` receives the run so far (to save a
 * partial results file). Returns the complete run.
 */
export async function runBench(
  options: CliOptions,
  argv: readonly string[],
  progress: (run: BenchRun) => Promise<void> = async () => {},
): Promise<BenchRun> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const notes: string[] = [];
  const machine = machineInfo();
  const load = machine.loadAverage[0]! / machine.cores;
  notes.push(
    load > 0.3
      ? `The machine was busy when the run started (load ${machine.loadAverage[0]} on ${machine.cores} cores): expect noisy numbers; compare ratios measured in the same run rather than absolute figures.`
      : 'Numbers are single-run measurements on this machine; compare ratios measured in the same run rather than absolute figures across machines.',
  );
  const backends = await recurBackends(options.gpu);
  const cpu = backends.cpu as { threads?: number; wasmSimd?: string | null; threadsNote?: string };
  notes.push(
    `recur CPU backend: ${cpu.threads ?? 1} thread(s) (RECUR_THREADS or the cores${cpu.threadsNote ? `; ${cpu.threadsNote}` : ''}), wasm kernels ${cpu.wasmSimd ?? 'off'}.`,
  );
  machine.gpu = backends.gpuDescription;
  if (!backends.gpu) notes.push(`No GPU rows: ${backends.gpuDescription.replace(/\.$/, '')}.`);
  else if (/llvmpipe|swiftshader|software/i.test(backends.gpuDescription)) {
    notes.push(
      `The GPU backend runs on a software rasteriser (${backends.gpuDescription}): GPU timings measure an emulator, only correctness counts.`,
    );
  } else if (/^ANGLE \(/.test(backends.gpuDescription)) {
    notes.push(
      `The GPU backend runs on headless-gl, which names its renderer only as ANGLE (${backends.gpuDescription}). Under xvfb-run with Mesa that is a software rasteriser (llvmpipe): GPU timings then measure an emulator and only correctness counts; on a machine with a GPU driver, name the card with the numbers.`,
    );
  }
  const context: SuiteContext = {
    options,
    backends,
    log,
    note: (line) => {
      if (!notes.includes(line)) notes.push(line);
    },
  };
  const rows: BenchRow[] = [];
  const ran: string[] = [];
  const snapshot = (complete: boolean): BenchRun => ({
    startedAt,
    durationSeconds: (performance.now() - started) / 1000,
    complete,
    quick: options.quick,
    argv: [...argv],
    machine,
    suites: [...ran],
    rows: [...rows],
    notes: [...notes],
  });
  try {
    for (const suite of SUITES) {
      if (!options.suites.includes(suite.name)) continue;
      const t0 = performance.now();
      log(`── ${suite.name}`);
      try {
        rows.push(...(await suite.run(context)));
      } catch (error) {
        const message = (error as Error)?.message?.split('\n')[0] ?? String(error);
        log(`suite ${suite.name} FAILED: ${message}`);
        rows.push({
          suite: suite.name,
          case: 'suite',
          lib: '-',
          backend: '-',
          params: {},
          status: 'failed',
          note: message,
        });
      }
      ran.push(suite.name);
      log(`   ${suite.name} took ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      await progress(snapshot(false));
    }
  } finally {
    backends.dispose();
  }
  return snapshot(true);
}

/**
 * Node 20 validates relaxed SIMD (the CPU backend's FMA GEMM) only behind a V8 flag; later
 * versions ship it. Set before the first backend is created.
 */
function enableRelaxedSimd(): void {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 22) v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
}

async function main(): Promise<void> {
  enableRelaxedSimd();
  const argv = process.argv.slice(2);
  const defaultOut = path.resolve(here, '..', 'results');
  const options = parseCli(argv, defaultOut);
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (options.render) {
    const run = JSON.parse(await readFile(options.render, 'utf8')) as BenchRun;
    const dir = argv.includes('--out') ? options.outDir : path.dirname(options.render);
    for (const file of await writeReport(run, SUITES, dir))
      process.stdout.write(`  ${path.relative(process.cwd(), file)}\n`);
    return;
  }
  if (options.quick && !argv.includes('--out')) options.outDir = path.join(defaultOut, 'quick');
  const run = await runBench(options, argv, (partial) => writePartial(partial, options.outDir));
  const written = await writeResults(run, SUITES, options.outDir);
  const failed = run.rows.filter((r) => r.status === 'failed');
  const counts = ['ok', 'skipped', 'infeasible', 'failed'].map(
    (s) => `${run.rows.filter((r) => r.status === s).length} ${s}`,
  );
  process.stdout.write(
    `bench: ${run.rows.length} rows (${counts.join(', ')}) in ${run.durationSeconds.toFixed(1)} s\n`,
  );
  for (const file of written) process.stdout.write(`  ${path.relative(process.cwd(), file)}\n`);
  for (const row of failed)
    process.stdout.write(
      `  FAILED ${row.suite}: ${row.case} [${row.lib} ${row.backend}]: ${row.note}\n`,
    );
  // A smoke run fails when any case failed: every suite must run.
  if (failed.length) process.exitCode = 1;
}

await main();
