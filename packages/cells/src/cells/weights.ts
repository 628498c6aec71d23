import { isVariable, type Variable } from '@recur/autograd';
import {
  checkOptions,
  formatShape,
  isTensor,
  RecurError,
  shapesEqual,
  type Tensor,
} from '@recur/tensor';

/**
 * Weights a cell may start from: each a Tensor, which the cell takes over (it disposes it with
 * itself), or a Variable (e.g. another cell's parameter), whose current value the cell starts
 * from without taking it: the Variable keeps its value and the two evolve separately.
 */
export type WeightValues<W> = { [K in keyof W]: Tensor | Variable };

/**
 * Checks a record of weights against the expected shapes, e.g.
 * `{ W_x: [I, 4H], W_a: [H, 4H], b: [4H] }` — every weight present, a live float32 Tensor or
 * Variable of its shape, and no other names — and throws naming the cell and the weight.
 * Returns the tensors the cell takes over: the Tensors given, and for each Variable a view of
 * its value (sharing the immutable storage, so nothing is copied). Nothing is allocated
 * unless every check passes.
 */
export function takeWeights<W extends { [K in keyof W]: Tensor }>(
  cell: string,
  expected: Record<keyof W & string, readonly number[]>,
  weights: unknown,
): W {
  const names = Object.keys(expected);
  checkOptions(`${cell}: weights`, weights, names);
  const given = weights as Record<string, unknown>;
  const values: Record<string, Tensor> = {};
  for (const name of names) {
    const shape = expected[name as keyof W & string];
    const w = given[name];
    if (w === undefined || w === null)
      throw new RecurError('ARGUMENT', `${cell}: weight ${name} ${formatShape(shape)} is missing`);
    const t = isVariable(w) ? w.value : w;
    if (!isTensor(t)) {
      const what = Array.isArray(w) ? 'an array' : typeof w;
      throw new RecurError(
        'ARGUMENT',
        `${cell}: weight ${name} must be a Tensor or a Variable ${formatShape(shape)}, got ${what}`,
      );
    }
    t.assertAlive(cell, `weight ${name}`);
    if (t.dtype !== 'float32')
      throw new RecurError('DTYPE', `${cell}: weight ${name} must be float32, got ${t.dtype}`);
    if (!shapesEqual(t.shape, shape)) {
      throw new RecurError(
        'SHAPE',
        `${cell}: weight ${name} must be ${formatShape(shape)}, got ${formatShape(t.shape)}`,
      );
    }
    values[name] = t;
  }
  const out: Record<string, Tensor> = {};
  for (const name of names) {
    const t = values[name]!;
    out[name] = isVariable(given[name]) ? t.reshape(t.shape) : t;
  }
  return out as W;
}
