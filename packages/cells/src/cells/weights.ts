import { formatShape, RecurError, shapesEqual, type Tensor } from '@recur/tensor';

/**
 * Checks a record of weight tensors against the expected shapes, e.g.
 * `{ W_x: [I, 4H], W_a: [H, 4H], b: [4H] }`; throws naming the cell and the weight.
 */
export function checkWeights(
  cell: string,
  expected: Record<string, readonly number[]>,
  weights: Record<string, Tensor | undefined>,
): void {
  for (const [name, shape] of Object.entries(expected)) {
    const w = weights[name];
    if (!w)
      throw new RecurError('ARGUMENT', `${cell}: weight ${name} ${formatShape(shape)} is missing`);
    w.assertAlive(cell, name);
    if (w.dtype !== 'float32')
      throw new RecurError('DTYPE', `${cell}: weight ${name} must be float32, got ${w.dtype}`);
    if (!shapesEqual(w.shape, shape)) {
      throw new RecurError(
        'SHAPE',
        `${cell}: weight ${name} must be ${formatShape(shape)}, got ${formatShape(w.shape)}`,
      );
    }
  }
}
