import { normalizeAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkDType, checkTensor, wrap } from './check.js';

/** `exp(x - max) / Σ exp(x - max)` along `axis` (default last): stable for large inputs. */
export function softmax(x: Tensor, axis = -1): Tensor {
  checkTensor('softmax', 'x', x);
  checkDType('softmax', 'x', x, 'float32');
  const a = normalizeAxis('softmax', axis, x.rank);
  return wrap(x.backend, x.backend.softmax(x, a, false), x.shape, 'float32');
}

/** `x - max - log Σ exp(x - max)` along `axis` (default last): stable log-probabilities. */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  checkTensor('logSoftmax', 'x', x);
  checkDType('logSoftmax', 'x', x, 'float32');
  const a = normalizeAxis('logSoftmax', axis, x.rank);
  return wrap(x.backend, x.backend.softmax(x, a, true), x.shape, 'float32');
}
