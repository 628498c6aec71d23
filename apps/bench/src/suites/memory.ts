import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { QUICK_CONFIG } from '../configs.js';
import type { MemoryJob, MemoryResult } from '../memory-child.js';
import { describeTrace } from '../memory-trace.js';
import type { BenchRow } from '../results.js';
import { attempt, type RowBase, type Suite } from '../suite.js';
import type { LmSize } from '../workloads/char-lm.js';
import { skippedRows, targets } from './libs.js';

/**
 * The memory suite's model: small enough that 1,000 steps take seconds (a leak shows per step,
 * whatever the size), large enough to use every kernel of a real step.
 */
export const MEMORY_CONFIG: LmSize = { H: 64, B: 16, T: 32, V: 65 };

const here = path.dirname(fileURLToPath(import.meta.url));

/** Runs one memory job in a fresh node process (same flags, e.g. the tsx loader) and parses its result. */
function runChild(job: MemoryJob, timeoutSeconds: number): Promise<MemoryResult> {
  const script = path.join(here, '..', 'memory-child.ts');
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [...process.execArgv, script, JSON.stringify(job)],
      { cwd: path.join(here, '..', '..'), timeout: timeoutSeconds * 1000, maxBuffer: 1 << 20 },
      (error, stdout, stderr) => {
        if (error) {
          const last = stderr.trim().split('\n').pop();
          reject(new Error(last || error.message));
          return;
        }
        try {
          resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '') as MemoryResult);
        } catch {
          reject(new Error(`memory child printed no result: ${stdout.slice(0, 200)}`));
        }
      },
    );
  });
}

/**
 * (5) Memory: peak RSS and live tensors / textures across many training steps of a small LSTM
 * char LM (quick mode: a tiny one, fewer steps), each backend in a fresh process so that the RSS
 * is recur's alone. Live counts must stay flat: the same after the last step as at the baseline
 * step.
 */
export const memorySuite: Suite = {
  name: 'memory',
  title: 'Memory: peak RSS and live tensors across training steps',
  description:
    'Trains the LSTM char LM (H=64, B=16, T=32; quick: tiny) for --steps steps (default 1,000) in a fresh node process per backend and samples its resident set size and the live recur tensors (and GPU textures) after every step. Peak RSS is that process\'s peak (node, recur and the model; nothing of the peers); the range is RSS before the first step to the peak. "flat" means the live counts after the last step equal those after a tenth of the steps (at least two: the first steps compile GPU kernels, whose output textures stay with the kernel). A cap of --max-call seconds stops a slow backend early; the row says how many steps ran.',
  async run(context) {
    const { options, log } = context;
    const size = options.quick ? QUICK_CONFIG : MEMORY_CONFIG;
    const rows: BenchRow[] = [];
    const { targets: list, missing } = targets(context, ['recur-cpu', 'recur-gpu']);
    rows.push(...skippedRows('memory', 'training steps', missing));
    for (const target of list) {
      if (target.kind !== 'recur') continue;
      const base: RowBase = {
        suite: 'memory',
        case: `LSTM H=${size.H} B=${size.B} T=${size.T} × ${options.memorySteps} steps`,
        lib: 'recur',
        backend: target.backendName,
        variant: 'Adam + clipGradNorm 5, fresh process',
        params: { ...size, steps: options.memorySteps },
      };
      log(`memory: ${base.case} ${target.backendName}`);
      rows.push(
        await attempt(base, log, async () => {
          const job: MemoryJob = {
            backend: target.backendName,
            size,
            steps: options.memorySteps,
            capSeconds: options.maxCallSeconds,
          };
          const { trace } = await runChild(job, options.maxCallSeconds + 120);
          const capped = trace.steps < options.memorySteps;
          const note = [
            describeTrace(trace),
            capped
              ? `stopped after ${trace.steps} steps (--max-call ${options.maxCallSeconds} s)`
              : '',
          ]
            .filter((s) => s)
            .join('; ');
          const extra: Record<string, number> = {};
          for (const [k, v] of Object.entries(trace))
            if (v !== undefined) extra[k] = Math.round(v * 10) / 10;
          return {
            ...base,
            status: 'ok',
            metric: {
              unit: 'MB peak RSS',
              median: trace.rssPeakMB,
              min: trace.rssStartMB,
              max: trace.rssPeakMB,
              higherIsBetter: false,
            },
            extra,
            note,
          } satisfies BenchRow;
        }),
      );
    }
    return rows;
  },
};
