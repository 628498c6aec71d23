import { tensor } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { backward } from '../backward.js';
import { check, uniform } from '../test-helpers.js';
import { parameter } from '../variable.js';
import { max, mean, min, sum } from './reduce.js';

describe('reductions pass gradcheck', () => {
  it.each([
    ['sum', sum],
    ['mean', mean],
    ['max', max],
    ['min', min],
  ] as const)('%s over all axes, one axis, several axes, with keepDims', (_name, op) => {
    check((x) => op(x), [uniform([2, 3, 4], 1)]);
    check((x) => op(x, { axis: 1 }), [uniform([2, 3, 4], 2)]);
    check((x) => op(x, { axis: [0, 2], keepDims: true }), [uniform([2, 3, 4], 3)]);
    check((x) => op(x, { axis: -1 }), [uniform([3, 5], 4)]);
  });

  it('max splits the gradient evenly between ties', () => {
    const x = parameter(
      tensor([
        [1, 3, 3],
        [2, 0, 1],
      ]),
    );
    backward(sum(max(x, { axis: 1 })));
    expect(x.grad!.toArray()).toEqual([
      [0, 0.5, 0.5],
      [1, 0, 0],
    ]);
    x.dispose();
  });
});
