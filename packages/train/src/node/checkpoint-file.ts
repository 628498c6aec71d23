import { readFileSync } from 'node:fs';
import { RecurError } from '@recur/tensor';
import { type Checkpoint, deserializeCheckpoint, serializeCheckpoint } from '../checkpoint.js';
import { atomicWriteFile, removeOrphanTempFiles } from './atomic-write.js';

/**
 * Saves a checkpoint to one file, atomically (temporary file + fsync + rename): a crash or
 * SIGKILL during the save leaves the previous checkpoint intact (and a temporary file, removed by
 * the next save or load of the path). Non-finite weights are refused (`RecurError('NONFINITE')`)
 * before anything is written. The format is described in
 * `checkpoint-format.ts` (magic, version, JSON header, raw little-endian blobs, CRC-32).
 *
 * @example
 * ```ts
 * new Trainer({ ..., checkpoint: { every: 500, save: (c) => saveCheckpoint('run.ckpt', c) } });
 * ```
 */
export function saveCheckpoint(path: string, checkpoint: Checkpoint): void {
  atomicWriteFile(path, serializeCheckpoint(checkpoint));
}

/**
 * Reads and verifies a checkpoint file; its tensors are created on the active backend and owned
 * by the caller (`trainer.restore(c)` then `dispose(c)`). A missing, truncated or corrupt file
 * throws `RecurError('FORMAT')` naming the file and what is wrong. Only data is read: nothing
 * in the file is ever evaluated; every field is checked (see `deserializeCheckpoint`). Temporary
 * files that saves of this path left when their process was killed are removed first.
 */
export function loadCheckpoint(path: string): Checkpoint {
  removeOrphanTempFiles(path);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new RecurError(
      'FORMAT',
      `loadCheckpoint: ${path}: cannot read the file (${code ?? (error as Error).message})`,
    );
  }
  return deserializeCheckpoint(bytes, path);
}
