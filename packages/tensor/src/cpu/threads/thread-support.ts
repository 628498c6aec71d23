import { RecurError } from '../../errors.js';

type WorkerThreads = typeof import('node:worker_threads');

interface NodeProcess {
  env?: Record<string, string | undefined>;
  getBuiltinModule?: (id: string) => unknown;
}

const nodeProcess = (): NodeProcess | undefined =>
  (globalThis as { process?: NodeProcess }).process;

/** The machine's cores as the runtime reports them (1 where it does not say). */
export function machineCores(): number {
  const os = nodeProcess()?.getBuiltinModule?.('node:os') as
    | { availableParallelism?: () => number; cpus: () => unknown[] }
    | undefined;
  if (os) return Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
  const hardware = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator
    ?.hardwareConcurrency;
  return Math.max(1, hardware ?? 1);
}

/**
 * The thread count asked for: `requested` (the backend's `threads` option), else the
 * environment variable `RECUR_THREADS`, else the machine's cores.
 *
 * @throws RecurError `ARGUMENT` when either is not an integer ≥ 1.
 */
export function requestedThreads(requested: number | undefined): number {
  if (requested !== undefined) {
    if (!Number.isInteger(requested) || requested < 1) {
      throw new RecurError(
        'ARGUMENT',
        `CpuBackend: options.threads is ${String(requested)}; expected an integer ≥ 1`,
      );
    }
    return requested;
  }
  const raw = nodeProcess()?.env?.RECUR_THREADS;
  if (raw !== undefined && raw !== '') {
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1) {
      throw new RecurError(
        'ARGUMENT',
        `CpuBackend: the environment variable RECUR_THREADS is '${raw}'; expected an integer ≥ 1`,
      );
    }
    return value;
  }
  return machineCores();
}

/**
 * Node's `worker_threads`, loaded synchronously, or why more than one thread cannot run here:
 * the pool needs `SharedArrayBuffer` and `Atomics.wait` on the calling thread, and worker
 * threads it can start synchronously. A browser has no such workers (and blocks
 * `Atomics.wait` on its main thread), so there the backend runs on one thread.
 */
export function workerThreads():
  | { ok: true; module: WorkerThreads }
  | { ok: false; reason: string } {
  if (typeof SharedArrayBuffer !== 'function') {
    const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
    return {
      ok: false,
      reason:
        isolated === false
          ? 'no SharedArrayBuffer: the page is not cross-origin isolated (COOP/COEP headers)'
          : 'no SharedArrayBuffer in this runtime',
    };
  }
  const module = nodeProcess()?.getBuiltinModule?.('node:worker_threads') as
    | WorkerThreads
    | undefined;
  if (!module) {
    return {
      ok: false,
      reason:
        "this runtime has no synchronously loadable worker threads (the pool uses Node's worker_threads; Node ≥ 20.16)",
    };
  }
  return { ok: true, module };
}
