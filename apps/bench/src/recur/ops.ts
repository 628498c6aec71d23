import { orthogonal } from '@recur/cells';
import {
  add,
  type Backend,
  dispose,
  matmul,
  mul,
  randomNormal,
  sigmoid,
  type Tensor,
  tanh,
  withBackend,
} from '@recur/tensor';
import type { Prepared } from '../measure.js';
import type { ElementwiseOp } from '../peers/tfjs.js';

/**
 * A repeated op on `backend`: `run` computes it (freeing the previous result), `sync` downloads
 * the last result — so GPU timings include the work, not only the launch, and a sample of many
 * calls pays for one download.
 */
function repeated(backend: Backend, inputs: Tensor[], op: () => Tensor): Prepared {
  let last: Tensor | null = null;
  return {
    run: () => {
      const out = withBackend(backend, op);
      if (last) last.dispose();
      last = out;
    },
    sync: () => {
      last?.data();
    },
    dispose: () => {
      if (last) last.dispose();
      dispose(inputs);
    },
  };
}

/** `[m×k]·[k×n]` on `backend`. */
export function recurMatmul(backend: Backend, m: number, k: number, n: number): Prepared {
  const [a, b] = withBackend(backend, () => [
    randomNormal([m, k], { seed: 1 }),
    randomNormal([k, n], { seed: 2 }),
  ]);
  return repeated(backend, [a!, b!], () => matmul(a!, b!));
}

/** One elementwise op over `n` float32 values on `backend`. */
export function recurElementwise(backend: Backend, op: ElementwiseOp, n: number): Prepared {
  const [a, b] = withBackend(backend, () => [
    randomNormal([n], { seed: 1 }),
    randomNormal([n], { seed: 2 }),
  ]);
  const fn = {
    add: () => add(a!, b!),
    mul: () => mul(a!, b!),
    tanh: () => tanh(a!),
    sigmoid: () => sigmoid(a!),
  }[op];
  return repeated(backend, [a!, b!], fn);
}

/** A fresh orthogonal `[n×n]` matrix (the recurrent-weight initializer), on `backend`. */
export function recurOrthogonal(backend: Backend, n: number): Prepared {
  let seed = 0;
  return repeated(backend, [], () => orthogonal([n, n], { seed: ++seed }));
}
