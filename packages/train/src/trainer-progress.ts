import { formatShape, RecurError, shapesEqual } from '@recur/tensor';
import type { Checkpoint } from './checkpoint.js';
import type { EarlyStoppingState } from './early-stopping.js';
import {
  checkCount,
  checkFinite,
  checkFlag,
  checkKeys,
  checkRecord,
  isPlainObject,
} from './value-checks.js';

/** The trainer's progress within a run, saved in a checkpoint's `metadata.trainer`. */
export interface TrainerProgress {
  batchInEpoch: number;
  epochLossSum: number;
  epochUpdates: number;
  epochTokens: number;
  skippedInARow: number;
  lastCheckpointStep: number;
  early: EarlyStoppingState | null;
  state: unknown;
  hasBest: boolean;
  /** The lowest validation loss so far and its step (absent in older checkpoints). */
  bestValidation?: { step: number; loss: number } | null;
}

/** How deep a carried-state skeleton may nest (layers of layers of `{ a, c }`…). */
const MAX_DEPTH = 64;

/**
 * Checks `metadata.trainer` of a checkpoint (null when absent) before `Trainer.restore` uses it:
 * counts are non-negative safe integers, sums finite, the early-stopping state well formed,
 * every tensor the carried-state skeleton refers to present, and the best-weights snapshot of
 * the parameters' shapes. Returns the progress; throws `RecurError` naming the field.
 */
export function checkTrainerProgress(
  op: string,
  checkpoint: Checkpoint,
  parameterShapes: ReadonlyMap<string, readonly number[]>,
): TrainerProgress | null {
  const raw = checkpoint.metadata?.trainer;
  if (raw === undefined || raw === null) return null;
  const at = `${op}: metadata.trainer`;
  const p = checkKeys(at, 'the progress', raw, [
    'batchInEpoch',
    'epochLossSum',
    'epochUpdates',
    'epochTokens',
    'skippedInARow',
    'lastCheckpointStep',
    'early',
    'state',
    'hasBest',
    'bestValidation',
  ]);
  for (const name of ['batchInEpoch', 'epochUpdates', 'skippedInARow', 'lastCheckpointStep'])
    checkCount(at, name, p[name]);
  if ((p.lastCheckpointStep as number) > checkpoint.step) {
    throw new RecurError(
      'RANGE',
      `${at}: lastCheckpointStep ${p.lastCheckpointStep} is after the checkpoint's step ${checkpoint.step}`,
    );
  }
  checkFinite(at, 'epochLossSum', p.epochLossSum);
  if (checkFinite(at, 'epochTokens', p.epochTokens) < 0)
    throw new RecurError('RANGE', `${at}: epochTokens must be ≥ 0, got ${p.epochTokens}`);
  if (p.early !== null) {
    const e = checkKeys(at, 'early', p.early, ['best', 'bestStep', 'bad']);
    if (e.best !== null) checkFinite(at, 'early.best', e.best);
    if (e.bestStep !== null) checkCount(at, 'early.bestStep', e.bestStep);
    checkCount(at, 'early.bad', e.bad);
  }
  if (p.bestValidation !== undefined && p.bestValidation !== null) {
    const b = checkKeys(at, 'bestValidation', p.bestValidation, ['step', 'loss']);
    if (checkCount(at, 'bestValidation.step', b.step) > checkpoint.step) {
      throw new RecurError(
        'RANGE',
        `${at}: bestValidation.step ${b.step} is after the checkpoint's step ${checkpoint.step}`,
      );
    }
    checkFinite(at, 'bestValidation.loss', b.loss);
  }
  const tensors = checkpoint.tensors ?? {};
  checkSkeleton(at, p.state, tensors, 'state', 0);
  if (checkFlag(at, 'hasBest', p.hasBest)) {
    for (const [name, shape] of parameterShapes) {
      const t = Object.hasOwn(tensors, `best/${name}`) ? tensors[`best/${name}`] : undefined;
      if (t && !shapesEqual(t.shape, shape)) {
        throw new RecurError(
          'SHAPE',
          `${op}: tensor 'best/${name}' is ${formatShape(t.shape)} but the parameter is ${formatShape(shape)}`,
        );
      }
    }
  }
  return p as unknown as TrainerProgress;
}

/** Checks that every `{ $tensor }` / `{ $variable }` reference of a skeleton is in `tensors`. */
function checkSkeleton(
  at: string,
  node: unknown,
  tensors: Record<string, unknown>,
  path: string,
  depth: number,
): void {
  if (depth > MAX_DEPTH)
    throw new RecurError('RANGE', `${at}: ${path} nests deeper than ${MAX_DEPTH} levels`);
  if (Array.isArray(node)) {
    node.forEach((child, i) => {
      checkSkeleton(at, child, tensors, `${path}[${i}]`, depth + 1);
    });
  } else if (isPlainObject(node)) {
    const entries = checkRecord(at, path, node);
    const ref = node.$variable ?? node.$tensor;
    if (entries.length === 1 && ref !== undefined) {
      if (typeof ref !== 'string' || !Object.hasOwn(tensors, ref)) {
        throw new RecurError(
          'ARGUMENT',
          `${at}: ${path} refers to a tensor ${JSON.stringify(ref)} the checkpoint does not hold`,
        );
      }
      return;
    }
    for (const [key, child] of entries)
      checkSkeleton(at, child, tensors, `${path}.${key}`, depth + 1);
  }
}
