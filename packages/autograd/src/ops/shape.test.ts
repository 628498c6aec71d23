import { tensor } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { backward } from '../backward.js';
import { check, uniform } from '../test-helpers.js';
import { parameter } from '../variable.js';
import { add, mul, tanh } from './elementwise.js';
import { matmul } from './matmul.js';
import { sum } from './reduce.js';
import {
  concat,
  expandDims,
  gather,
  reshape,
  slice,
  split,
  squeeze,
  stack,
  transpose,
} from './shape.js';

describe('shape ops pass gradcheck', () => {
  it('reshape, expandDims, squeeze', () => {
    check((x) => mul(reshape(x, [3, -1]), tensor([1, 2, 3, 4])), [uniform([2, 6], 1)]);
    check((x) => mul(expandDims(x, 1), uniform([3], 2)), [uniform([2, 3], 3)]);
    check((x) => tanh(squeeze(x, 0)), [uniform([1, 4], 4)]);
  });

  it('slice along one and several axes', () => {
    check((x) => slice(x, [0, 1], [2, 2]), [uniform([3, 4], 5)]);
    check((x) => slice(x, [1, 0, 2], [1, -1, 2]), [uniform([2, 3, 5], 6)]);
  });

  it('concat and stack', () => {
    check((a, b) => concat([a!, b!], 1), [uniform([2, 3], 7), uniform([2, 2], 8)]);
    check((a, b) => stack([a!, tanh(b!), a!], 1), [uniform([2, 3], 9), uniform([2, 3], 10)]);
  });

  it('split into equal parts and sizes, with some parts unused', () => {
    check(
      (x) => {
        const [u, f, c] = split(x, 3, 1);
        return add(mul(u!, c!), tanh(f!));
      },
      [uniform([2, 6], 11)],
    );
    check((x) => split(x, [1, 3], 0)[1]!, [uniform([4, 2], 12)]);
  });

  it('transpose with and without a permutation', () => {
    check((x) => transpose(x), [uniform([2, 3], 13)]);
    check((x) => mul(transpose(x, [2, 0, 1]), uniform([4, 2, 3], 14)), [uniform([2, 3, 4], 15)]);
  });

  it('gather (embedding lookup) with repeated indices accumulates', () => {
    const ids = tensor(
      [
        [0, 2, 2],
        [1, 0, 2],
      ],
      undefined,
      'int32',
    );
    check(
      (table, w) => matmul(gather(table!, ids, 0), w!),
      [uniform([3, 4], 16), uniform([4, 2], 17)],
    );
    check((x) => gather(x, ids, 1), [uniform([2, 3], 18)]);
    const table = parameter(
      tensor([
        [1, 1],
        [2, 2],
        [3, 3],
      ]),
    );
    backward(sum(gather(table, ids)));
    expect(table.grad!.toArray()).toEqual([
      [2, 2],
      [1, 1],
      [3, 3],
    ]);
    table.dispose();
    ids.dispose();
  });
});
