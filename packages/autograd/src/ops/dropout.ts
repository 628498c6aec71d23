import type { Rng, Tensor } from '@recur/tensor';
import * as T from '@recur/tensor';
import { recordOne } from '../record.js';
import { constant, isVariable, type Variable } from '../variable.js';
import { tensorOf } from './operands.js';

/**
 * Inverted dropout: zeroes each element with probability `rate` and scales the survivors by
 * `1 / (1 − rate)`, so the expected value is unchanged; the mask is drawn from `rng` (seeded, so
 * runs reproduce). Backward multiplies `g` by the same mask. With `training` false (or rate 0)
 * it returns `x` unchanged.
 */
export function dropout(x: Variable | Tensor, rate: number, rng: Rng, training = true): Variable {
  const xv = tensorOf('dropout', 'x', x);
  if (!(rate >= 0 && rate <= 1)) {
    throw new T.RecurError('RANGE', `dropout: rate must be in [0, 1], got ${rate}`);
  }
  if (!T.isRng(rng)) {
    throw new T.RecurError(
      'ARGUMENT',
      'dropout: rng must be an Rng (e.g. new Rng(42)), so masks are reproducible',
    );
  }
  if (!training || rate === 0) return isVariable(x) ? x : constant(xv.reshape(xv.shape));
  const keep = rate < 1 ? 1 / (1 - rate) : 0;
  const values = new Float32Array(xv.size);
  for (let i = 0; i < values.length; i++) values[i] = rng.next() >= rate ? keep : 0;
  const mask = T.withBackend(xv.backend, () => T.tensor(values, xv.shape));
  return recordOne({
    name: 'dropout',
    inputs: [x],
    outputs: [T.mul(xv, mask)],
    owned: [mask],
    backward: ([g]) => [T.mul(g!, mask)],
  });
}
