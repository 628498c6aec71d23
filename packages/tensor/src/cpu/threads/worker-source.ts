import { runShare, SLOT } from './control.js';

/**
 * Busy-wait iterations before a worker sleeps in `Atomics.wait`: a job that follows within a few
 * microseconds (the next GEMM of a time step) then starts without a wake-up; on a busy machine
 * the spin gives up quickly.
 */
const SPIN = 4000;

/**
 * The worker's program, as source text (run with `new Worker(source, { eval: true })`, so the
 * package ships no separate worker file). It instantiates the shared-memory kernels over the
 * pool's memory and loops: sleep until the generation changes, run its share, report.
 */
export const WORKER_SOURCE = `
// getBuiltinModule works whether the host runs the eval'd source as CommonJS or as an ES module
// (a host started with --input-type=module passes that on to its workers).
const { workerData } = typeof process.getBuiltinModule === 'function'
  ? process.getBuiltinModule('node:worker_threads')
  : require('node:worker_threads');
const { module, memory, control: buffer, index } = workerData;
const control = new Int32Array(buffer);
const { gemm } = new WebAssembly.Instance(module, { recur: { memory } }).exports;
const runShare = ${runShare.toString()};
let seen = Atomics.load(control, ${SLOT.GENERATION});
Atomics.add(control, ${SLOT.READY}, 1);
Atomics.notify(control, ${SLOT.READY});
for (;;) {
  for (let i = 0; i < ${SPIN} && Atomics.load(control, ${SLOT.GENERATION}) === seen; i++);
  Atomics.wait(control, ${SLOT.GENERATION}, seen);
  seen = Atomics.load(control, ${SLOT.GENERATION});
  if (Atomics.load(control, ${SLOT.STOP}) !== 0) break;
  try {
    runShare(control, index, gemm);
  } catch {
    Atomics.store(control, ${SLOT.ERROR}, 1);
  }
  if (Atomics.sub(control, ${SLOT.PENDING}, 1) === 1) Atomics.notify(control, ${SLOT.PENDING});
}
`;
