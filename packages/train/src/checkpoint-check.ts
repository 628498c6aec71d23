import { RecurError, Rng, type RngState } from '@recur/tensor';
import type { Checkpoint } from './checkpoint.js';
import { OPTIMIZER_TYPES, optimizerKind } from './optimizers/kinds.js';
import { checkOptimizerState } from './optimizers/optimizer-state.js';
import { checkSchedulerState } from './schedules.js';
import {
  checkCount,
  checkFloatTensor,
  checkNumber,
  checkRecord,
  checkTensor,
  inField,
} from './value-checks.js';

/**
 * Checks every field of a checkpoint as the code it feeds would check it, before anything is
 * loaded: `step` and `epoch` non-negative safe integers; each RNG state through
 * `Rng.setState`; parameters float32 tensors; the optimizer state's shape (steps, slots of their
 * parameter's shape — see `checkOptimizerState`) and, with `knownOptimizer`, its type one of the
 * built-in optimizers and its hyper-parameters through that optimizer's own checks; the
 * scheduler state; other tensors; `metadata` a plain object. Throws `RecurError` whose message
 * starts with `op` and names the field.
 */
export function checkCheckpoint(
  op: string,
  checkpoint: Checkpoint,
  options: { knownOptimizer?: boolean } = {},
): void {
  checkRecord(op, 'the checkpoint', checkpoint);
  const c = checkpoint;
  checkCount(op, 'step', c.step);
  if (c.epoch !== undefined) checkCount(op, 'epoch', c.epoch);
  if (c.rng !== undefined) {
    for (const [name, state] of checkRecord(op, 'rng', c.rng)) {
      inField(`${op}: rng['${name}']`, () => new Rng().setState(state as RngState));
    }
  }
  const shapes = new Map<string, readonly number[]>();
  for (const [name, t] of checkRecord(op, 'parameters', c.parameters))
    shapes.set(name, checkFloatTensor(op, `parameter '${name}'`, t).shape);
  if (c.optimizer !== undefined) {
    const where = `${op}: optimizer`;
    checkOptimizerState(where, c.optimizer, shapes);
    const { type, hyperParams } = c.optimizer;
    if (options.knownOptimizer) {
      const check = optimizerKind(type);
      if (!check) {
        throw new RecurError(
          'ARGUMENT',
          `${where}: type ${JSON.stringify(type)} is not an optimizer recur knows (${OPTIMIZER_TYPES.join(', ')})`,
        );
      }
      const { lr, ...rest } = hyperParams;
      checkNumber(`${where}.hyperParams`, 'lr', lr, 0);
      check(`${where}.hyperParams of ${type}`, rest);
    }
  }
  if (c.scheduler !== undefined) checkSchedulerState(`${op}: scheduler`, c.scheduler);
  if (c.tensors !== undefined) {
    for (const [name, t] of checkRecord(op, 'tensors', c.tensors))
      checkTensor(op, `tensor '${name}'`, t);
  }
  if (c.metadata !== undefined) checkRecord(op, 'metadata', c.metadata);
}
