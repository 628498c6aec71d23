/**
 * The memory suite's child process: trains the LSTM char LM on one backend for a number of steps
 * in a fresh process, so that its RSS is recur's alone, and prints the {@link MemoryTrace} as
 * JSON on stdout. Run by `suites/memory.ts`; the argument is a JSON {@link MemoryJob}.
 */
import { type MemoryTrace, traceSteps } from './memory-trace.js';
import { recurBackends } from './recur/backends.js';
import { RecurCharLm } from './recur/char-lm.js';
import { charBatch, type LmSize } from './workloads/char-lm.js';

/** What the parent asks the child to run. */
export interface MemoryJob {
  backend: 'cpu' | 'gpu';
  size: LmSize;
  steps: number;
  capSeconds: number;
}

/** What the child prints. */
export interface MemoryResult {
  trace: MemoryTrace;
  /** The GPU's description, when the job ran on the GPU. */
  gpu?: string;
}

async function child(job: MemoryJob): Promise<MemoryResult> {
  const backends = await recurBackends(job.backend === 'gpu');
  try {
    const backend = job.backend === 'gpu' ? backends.gpu : backends.cpu;
    if (!backend) throw new Error(backends.gpuDescription);
    const lm = new RecurCharLm(backend, 'lstm', job.size, charBatch(job.size.B, job.size.T, 3));
    try {
      const trace = traceSteps(lm, job.steps, job.capSeconds);
      return job.backend === 'gpu' ? { trace, gpu: backends.gpuDescription } : { trace };
    } finally {
      lm.dispose();
    }
  } finally {
    backends.dispose();
  }
}

const job = JSON.parse(process.argv[2] ?? '{}') as MemoryJob;
child(job).then(
  (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
  (error: unknown) => {
    process.stderr.write(`${(error as Error)?.message ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
