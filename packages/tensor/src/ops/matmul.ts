import { formatShape, RecurError } from '../errors.js';
import { broadcastShapes } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkDType, checkTensor, sameBackend, wrap } from './check.js';

export interface MatmulOptions {
  transposeA?: boolean;
  transposeB?: boolean;
}

/**
 * Matrix product of the last two dimensions, `[..., m, k] · [..., k, n] → [..., m, n]`, with
 * leading (batch) dimensions broadcast. `transposeA`/`transposeB` use the transposed matrices
 * without copying them. Both inputs are float32 and at least 2-D.
 */
export function matmul(a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor {
  checkTensor('matmul', 'a', a);
  checkTensor('matmul', 'b', b);
  checkDType('matmul', 'a', a, 'float32');
  checkDType('matmul', 'b', b, 'float32');
  const backend = sameBackend('matmul', [a, b]);
  const { transposeA = false, transposeB = false } = options;
  if (a.rank < 2 || b.rank < 2) {
    const which = a.rank < 2 ? 'a' : 'b';
    const t = a.rank < 2 ? a : b;
    throw new RecurError(
      'SHAPE',
      `matmul: ${which} is ${formatShape(t.shape)}; both inputs must be at least 2-D`,
    );
  }
  const ar = a.shape[a.rank - 2]!;
  const ac = a.shape[a.rank - 1]!;
  const br = b.shape[b.rank - 2]!;
  const bc = b.shape[b.rank - 1]!;
  const [m, k1] = transposeA ? [ac, ar] : [ar, ac];
  const [k2, n] = transposeB ? [bc, br] : [br, bc];
  if (k1 !== k2) {
    const ta = transposeA ? ' (transposed)' : '';
    const tb = transposeB ? ' (transposed)' : '';
    throw new RecurError(
      'SHAPE',
      `matmul: a is ${formatShape(a.shape)}${ta} and b is ${formatShape(b.shape)}${tb}; inner dimensions ${k1} and ${k2} differ`,
    );
  }
  const aBatch = a.shape.slice(0, -2);
  const bBatch = b.shape.slice(0, -2);
  let batch: number[];
  try {
    batch = broadcastShapes('matmul', aBatch, bBatch);
  } catch {
    throw new RecurError(
      'SHAPE',
      `matmul: a is ${formatShape(a.shape)} and b is ${formatShape(b.shape)}; batch dimensions ${formatShape(aBatch)} and ${formatShape(bBatch)} do not broadcast`,
    );
  }
  const outShape = [...batch, m, n];
  return wrap(backend, backend.matmul(a, b, transposeA, transposeB, outShape), outShape, 'float32');
}
