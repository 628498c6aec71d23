import * as T from '@recur/tensor';
import { CpuBackend, getBackend, Rng, tensor, withBackend } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { backward, grad } from './backward.js';
import { defineOp } from './define-op.js';
import { assertGradcheck } from './gradcheck.js';
import { dropout } from './ops/dropout.js';
import { add, maximum, mul, sigmoid, sub, tanh, where } from './ops/elementwise.js';
import { mse, sigmoidCrossEntropy, softmaxCrossEntropy } from './ops/losses.js';
import { matmul } from './ops/matmul.js';
import { max, mean, sum } from './ops/reduce.js';
import { concat, gather, reshape, slice, split, stack, transpose } from './ops/shape.js';
import { logSoftmax } from './ops/softmax.js';
import { parameter } from './variable.js';

/**
 * A second backend instance that is NOT the active one. Every tensor the graph and its backward
 * make must land on the inputs' backend: one made on the active backend instead would meet the
 * others in an op and fail with "inputs live on different backends".
 */
const other = new CpuBackend({ name: 'cpu-other' });
const on = <R>(fn: () => R): R => withBackend(other, fn);

const double = defineOp({
  name: 'double',
  forward: ([x]) => ({ outputs: [T.mul(x!, 2)] }),
  backward: ([g]) => [T.mul(g!, 2)],
});

describe('backward runs on the backend that ran forward', () => {
  it('every op and loss, with the active backend left elsewhere', () => {
    expect(getBackend()).not.toBe(other);
    const w = on(() => parameter(T.randomNormal([4, 3], { seed: 1, std: 0.5 })));
    const b = on(() => parameter(T.zeros([3])));
    const ids = on(() => tensor([0, 2, 1, 3], undefined, 'int32'));
    const labels = on(() => tensor([2, 0, 1, 1], undefined, 'int32'));
    const cond = on(() => tensor([1, 0, 1], undefined, 'int32'));
    const table = on(() => parameter(T.randomNormal([4, 4], { seed: 2 })));
    T.tidy(() => {
      const x = gather(table, ids); // [4,4]
      const h = tanh(add(matmul(x, w), b)); // [4,3]
      const [p, q] = split(h, [1, 2], 1);
      const mixed = concat([q!, p!], 1);
      const s = stack([mixed, sigmoid(h)], 0);
      const middle = slice(transpose(h), [0, 1], [3, 2]); // rows 1..2 of h, transposed: [3,2]
      const z = add(mean(s, { axis: 0 }), reshape(concat([middle, middle], 1), [4, 3]));
      const y = where(cond, maximum(z, 0.1), sub(1, z));
      const logits = double([dropout(y, 0.2, new Rng(3))])[0]!;
      const loss = add(
        add(softmaxCrossEntropy(logits, labels, { labelSmoothing: 0.1 }), mse(h, 0.5)),
        add(
          sigmoidCrossEntropy(h, T.onesLike(h.value)),
          mul(sum(max(logSoftmax(z), { axis: 1 })), 0.01),
        ),
      );
      const [dh] = grad(loss, [h], { retainGraph: true });
      expect(dh!.backend).toBe(other);
      backward(loss);
    });
    for (const p of [w, b, table]) {
      expect(p.grad!.backend).toBe(other);
      expect(Array.from(p.grad!.data()).every(Number.isFinite)).toBe(true);
    }
    for (const v of [w, b, table]) v.dispose();
    for (const t of [ids, labels, cond]) t.dispose();
  });

  it('gradcheck perturbs inputs on their own backend', () => {
    const x = on(() => T.randomUniform([2, 3], { seed: 4, low: -1, high: 1 }));
    const v = on(() => T.randomUniform([3, 2], { seed: 5, low: -1, high: 1 }));
    assertGradcheck((a, c) => tanh(matmul(a!, c!)), [x, v]);
    x.dispose();
    v.dispose();
  });
});
