import * as T from '@recur/tensor';
import { RecurError, tensor } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { backward } from './backward.js';
import { defineOp } from './define-op.js';
import { gradcheck } from './gradcheck.js';
import { mul, tanh } from './ops/elementwise.js';
import { sum } from './ops/reduce.js';
import { check, uniform } from './test-helpers.js';
import { parameter, type Variable } from './variable.js';

/** One tanh RNN step `a = tanh(x·W_x + h·W_a + b)` with a hand-written backward. */
const rnnStep = defineOp({
  name: 'rnnStep',
  forward: ([x, h, wx, wa, b]) => {
    const a = T.tanh(T.add(T.add(T.matmul(x!, wx!), T.matmul(h!, wa!)), b!));
    return { outputs: [a], saved: [a] };
  },
  backward: ([g], [a], [x, h, wx, wa, b]) => {
    const dz = T.mul(g!, T.sub(1, T.square(a!))); // tanh' = 1 − a²
    return [
      T.matmul(dz, wx!, { transposeB: true }),
      T.matmul(dz, wa!, { transposeB: true }),
      T.matmul(x!, dz, { transposeA: true }),
      T.matmul(h!, dz, { transposeA: true }),
      T.sumTo(dz, b!.shape),
    ];
  },
});

/** Returns `[x + y, x − y]`: two outputs, a gradient only to the used ones. */
const sumAndDifference = defineOp({
  name: 'sumAndDifference',
  forward: ([x, y]) => ({ outputs: [T.add(x!, y!), T.sub(x!, y!)] }),
  backward: ([gs, gd]) => {
    if (gs && gd) return [T.add(gs, gd), T.sub(gs, gd)];
    if (gs) return [gs, gs];
    return [gd!, T.neg(gd!)];
  },
});

describe('defineOp', () => {
  it('a custom op with a hand-written backward passes gradcheck', () => {
    check(
      (x, h, wx, wa, b) => rnnStep([x!, h!, wx!, wa!, b!])[0]!,
      [
        uniform([2, 3], 1),
        uniform([2, 4], 2),
        uniform([3, 4], 3),
        uniform([4, 4], 4),
        uniform([4], 5),
      ],
    );
  });

  it('chains through time and accumulates into shared weights (BPTT)', () => {
    check(
      (x, wx, wa, b) => {
        let a: Variable | T.Tensor = T.zeros([2, 4]); // a⟨0⟩ = 0
        for (let t = 0; t < 4; t++) a = rnnStep([x!, a, wx!, wa!, b!])[0]!;
        return a as Variable;
      },
      [uniform([2, 3], 6), uniform([3, 4], 7), uniform([4, 4], 8), uniform([4], 9)],
    );
  });

  it('handles several outputs, only some of them used', () => {
    check((x, y) => mul(sumAndDifference([x!, y!])[1]!, 2), [uniform([3], 10), uniform([3], 11)]);
    check(
      (x, y) => {
        const [s, d] = sumAndDifference([x!, y!]);
        return mul(s!, tanh(d!));
      },
      [uniform([3], 12), uniform([3], 13)],
    );
  });

  it('gradcheck catches a wrong hand-written backward', () => {
    const wrong = defineOp({
      name: 'wrongSquare',
      forward: ([x]) => ({ outputs: [T.square(x!)], saved: [x!] }),
      backward: ([g], [x]) => [T.mul(g!, x!)], // should be 2x·g
    });
    const x = uniform([2, 3], 14, 0.5, 1);
    const result = gradcheck((v) => wrong([v])[0]!, [x]);
    expect(result.ok).toBe(false);
    expect(Math.abs(result.worst!.analytic * 2 - result.worst!.numeric)).toBeLessThan(1e-2);
    x.dispose();
  });

  it('rejects a gradient of the wrong shape with a clear error', () => {
    const bad = defineOp({
      name: 'badShape',
      forward: ([x]) => ({ outputs: [T.mul(x!, 2)] }),
      backward: ([g]) => [T.sum(g!)],
    });
    const w = parameter(tensor([1, 2, 3]));
    expect(() => backward(sum(bad([w])[0]!))).toThrow(
      /backward of 'badShape' \(node #\d+\): the gradient of input 0 is \[\] but the input is \[3\]/,
    );
    expect(() => bad([] as never)).toThrow(RecurError);
    w.dispose();
  });

  it('passes attrs and frees tensors saved only for backward', () => {
    const scale = defineOp<{ alpha: number }>({
      name: 'scale',
      forward: ([x], { alpha }) => {
        const factor = T.full(x!.shape, alpha);
        return { outputs: [T.mul(x!, factor)], saved: [factor] };
      },
      backward: ([g], [factor]) => [T.mul(g!, factor!)],
    });
    const w = parameter(tensor([1, 2]));
    const before = T.memory().numTensors;
    const [y] = scale([w], { alpha: 3 });
    const loss = sum(y!);
    expect(T.memory().numTensors).toBe(before + 3); // y, factor, loss
    backward(loss);
    expect(T.memory().numTensors).toBe(before + 3); // factor freed, w.grad added
    expect(Array.from(w.grad!.data())).toEqual([3, 3]);
    w.dispose();
    y!.dispose();
    loss.dispose();
  });
});
