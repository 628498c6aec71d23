/**
 * The control block a {@link GemmPool} shares with its workers: an `Int32Array` over a
 * `SharedArrayBuffer`, one slot per field. The main thread writes a job's fields, sets
 * `PENDING` to the number of workers, bumps `GENERATION` and notifies; each worker runs its
 * share and decrements `PENDING`, the last one notifying the main thread.
 */
export const SLOT = {
  GENERATION: 0,
  PENDING: 1,
  /** Set by a worker whose kernel threw (e.g. out of bounds): the job's result is void. */
  ERROR: 2,
  /** Set to stop the workers (they return from their loop). */
  STOP: 3,
  M: 4,
  N: 5,
  K: 6,
  A: 7,
  ARS: 8,
  ACS: 9,
  B: 10,
  BRS: 11,
  BCS: 12,
  C: 13,
  ACCUMULATE: 14,
  /** Rows of C per thread: thread t computes rows [t·CHUNK, (t+1)·CHUNK). */
  CHUNK: 15,
  /** Byte address of thread 0's packing area; thread t's is WORK + t·WORK_BYTES. */
  WORK: 16,
  WORK_BYTES: 17,
  MC: 18,
  KC: 19,
  NC: 20,
  /** Workers that have instantiated their module and entered their loop. */
  READY: 21,
} as const;

/** Slots in the control block. */
export const CONTROL_SLOTS = 32;

/**
 * Runs thread `index`'s rows of the job in `control` with the module's `gemm` export: rows
 * [index·CHUNK, min(M, (index+1)·CHUNK)) of C, from the same rows of A and all of B. Every
 * element of C is computed by one thread, by the same blocked kernel (the k-blocks in the same
 * order), so C is bit-identical for any thread count. Shared by the main thread and, as source
 * text, by the workers: it must not close over anything.
 */
export function runShare(
  control: Int32Array,
  index: number,
  gemm: (...args: number[]) => void,
): void {
  const m = control[4]!;
  const chunk = control[15]!;
  const first = index * chunk;
  if (first >= m) return;
  const rows = Math.min(chunk, m - first);
  const n = control[5]!;
  const ars = control[8]!;
  gemm(
    rows,
    n,
    control[6]!,
    control[7]! + 4 * first * ars,
    ars,
    control[9]!,
    control[10]!,
    control[11]!,
    control[12]!,
    control[13]! + 4 * first * n,
    control[16]! + index * control[17]!,
    control[18]!,
    control[19]!,
    control[20]!,
    control[14]!,
  );
}
