import * as T from '@recur/tensor';
import { memory, RecurError, tensor } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { defineOp } from './define-op.js';
import { assertGradcheck, GradcheckError, gradcheck } from './gradcheck.js';
import { mul, tanh } from './ops/elementwise.js';
import { sum } from './ops/reduce.js';
import { gather } from './ops/shape.js';
import { uniform } from './test-helpers.js';

/** `x ⊙ y` whose backward is wrong at exactly one element of y: flat index 4 of [2,3]. */
const faulty = defineOp({
  name: 'faulty',
  forward: ([x, y]) => ({ outputs: [T.mul(x!, y!)] }),
  backward: ([g], _saved, [x, y]) => {
    const bump = new Float32Array(6);
    bump[4] = 0.5;
    return [T.mul(g!, y!), T.add(T.mul(g!, x!), T.tensor(bump, [2, 3]))];
  },
});

describe('gradcheck', () => {
  it('reports the worst element: which input, flat index, multi-index, analytic and numeric', () => {
    const x = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const y = tensor([
      [0.5, -1, 2],
      [1, -2, 0.25],
    ]);
    const result = gradcheck((a, b) => sum(faulty([a!, b!])[0]!), [x, y]);
    expect(result.ok).toBe(false);
    expect(result.checked).toBe(12);
    expect(result.worst).toMatchObject({ input: 1, index: 4, multiIndex: [1, 1] });
    expect(result.worst!.numeric).toBeCloseTo(5, 2); // ∂Σxy/∂y[1,1] = x[1,1]
    expect(result.worst!.analytic).toBeCloseTo(5.5, 5);
    expect(result.maxAbsError).toBeCloseTo(0.5, 2);
    expect(() => assertGradcheck((a, b) => sum(faulty([a!, b!])[0]!), [x, y])).toThrow(
      /input 1 \[2,3\] at index 4 \[1,1\]: analytic 5\.50000 vs numeric (4\.99|5\.00)/,
    );
    try {
      assertGradcheck((a, b) => sum(faulty([a!, b!])[0]!), [x, y]);
    } catch (error) {
      expect(error).toBeInstanceOf(GradcheckError);
      expect((error as GradcheckError).result.worst!.index).toBe(4);
    }
    x.dispose();
    y.dispose();
  });

  it('checks every element of a non-scalar output through a random projection', () => {
    const x = uniform([3, 4], 1);
    const result = assertGradcheck((a) => tanh(mul(a, a)), [x]);
    expect(result.checked).toBe(12);
    expect(result.maxAbsError).toBeLessThan(1e-3);
    x.dispose();
  });

  it('passes int32 inputs through as constants without checking them', () => {
    const table = uniform([4, 2], 2);
    const ids = tensor([3, 0, 3], undefined, 'int32');
    const result = assertGradcheck((t, i) => gather(t!, i!.value), [table, ids]);
    expect(result.checked).toBe(8);
    table.dispose();
    ids.dispose();
  });

  it('frees everything it creates and leaves the inputs alone', () => {
    const x = uniform([2, 2], 3);
    const before = memory().numTensors;
    gradcheck((a) => sum(tanh(a)), [x]);
    expect(memory().numTensors).toBe(before);
    expect(x.isDisposed).toBe(false);
    x.dispose();
  });

  it('rejects bad arguments', () => {
    expect(() => gradcheck((a) => a, [[1, 2] as never])).toThrow(RecurError);
    const x = tensor([1]);
    expect(() => gradcheck((a) => a, [x], { eps: 0 })).toThrow(/eps must be positive/);
    expect(() => gradcheck((() => 3) as never, [x])).toThrow(/must return a Variable/);
    x.dispose();
  });
});
