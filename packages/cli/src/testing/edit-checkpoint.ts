import { dispose } from '@recur/tensor';
import type { Checkpoint } from '@recur/train';
import { loadCheckpoint, saveCheckpoint } from '@recur/train/node';

/** Rewrites the checkpoint at `from` into `to` after `edit` changed it (for hostile-file tests). */
export function editCheckpoint(
  from: string,
  to: string,
  edit: (checkpoint: Checkpoint) => void,
): void {
  const checkpoint = loadCheckpoint(from);
  try {
    edit(checkpoint);
    saveCheckpoint(to, checkpoint);
  } finally {
    dispose(checkpoint);
  }
}
