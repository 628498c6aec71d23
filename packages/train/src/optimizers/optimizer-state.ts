import { formatShape, RecurError, shapesEqual } from '@recur/tensor';
import { checkCount, checkFloatTensor, checkRecord } from '../value-checks.js';

/**
 * Checks the shape of an optimizer state (what `stateDict()` gives and `loadStateDict()` and
 * checkpoints take), whichever optimizer it is for: `type` a string, `hyperParams` an object,
 * `step` and every `paramSteps` entry non-negative safe integers (a parameter cannot have had
 * more updates than the optimizer), and `slots` float32 tensors of the shape of their parameter,
 * named in `parameters`. The hyper-parameters' values are the optimizer's own to check.
 */
export function checkOptimizerState(
  op: string,
  state: unknown,
  parameters: ReadonlyMap<string, readonly number[]>,
): void {
  checkRecord(op, 'the state', state);
  const { type, hyperParams, step, paramSteps, slots } = state as Record<string, unknown>;
  if (typeof type !== 'string')
    throw new RecurError('ARGUMENT', `${op}: type must be a string, got ${String(type)}`);
  checkRecord(op, 'hyperParams', hyperParams);
  const steps = checkCount(op, 'step', step);
  const parameter = (name: string, what: string): readonly number[] => {
    const shape = parameters.get(name);
    if (!shape) {
      const known = [...parameters.keys()].join(', ');
      throw new RecurError(
        'ARGUMENT',
        `${op}: ${what} for unknown parameter '${name}' (parameters: ${known})`,
      );
    }
    return shape;
  };
  for (const [name, n] of checkRecord(op, 'paramSteps', paramSteps)) {
    parameter(name, 'paramSteps');
    if (checkCount(op, `paramSteps['${name}']`, n) > steps) {
      throw new RecurError(
        'RANGE',
        `${op}: paramSteps['${name}'] is ${n}, more than the optimizer's step ${steps}`,
      );
    }
  }
  for (const [name, own] of checkRecord(op, 'slots', slots)) {
    const shape = parameter(name, 'state');
    for (const [slot, t] of checkRecord(op, `slots['${name}']`, own)) {
      const tensor = checkFloatTensor(op, `slot '${slot}' of '${name}'`, t);
      if (!shapesEqual(tensor.shape, shape)) {
        throw new RecurError(
          'SHAPE',
          `${op}: slot '${slot}' of '${name}' is ${formatShape(tensor.shape)} but the parameter is ${formatShape(shape)}`,
        );
      }
    }
  }
}
