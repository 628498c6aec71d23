import type { Tensor } from '@recur/tensor';
import { argmax, argmin, logSoftmax, max, mean, min, softmax, sum, sumTo } from '@recur/tensor';
import { expect } from 'vitest';
import { type Ref, refArgReduce, refReduce, refSoftmax } from '../reference.js';
import type { DefineCase } from '../suite.js';

type Reducer = (x: Tensor, options?: { axis?: number | number[]; keepDims?: boolean }) => Tensor;

const REDUCERS: ['sum' | 'mean' | 'max' | 'min', Reducer][] = [
  ['sum', sum],
  ['mean', mean],
  ['max', max],
  ['min', min],
];

/** Shapes with the axes to reduce (undefined: all). */
const AXES: [number[], number | number[] | undefined][] = [
  [[2, 3, 4], undefined],
  [[2, 3, 4], 0],
  [[2, 3, 4], 1],
  [[2, 3, 4], -1],
  [
    [2, 3, 4],
    [0, 2],
  ],
  [
    [2, 3, 4],
    [1, 2],
  ],
  [
    [2, 3, 4],
    [0, 1, 2],
  ],
  [[5], 0],
  [[], undefined],
  [[1, 1], 0],
  [[3, 1, 2], 1],
  [[7, 130], 0],
  [[130, 7], -1],
];

const axesOf = (axis: number | number[] | undefined, rank: number): number[] =>
  axis === undefined
    ? Array.from({ length: rank }, (_, i) => i)
    : typeof axis === 'number'
      ? [axis]
      : axis;

/** Registers the reduction cases: sum/mean/max/min, sumTo, argmax/argmin, softmax/logSoftmax. */
export function reduceCases(test: DefineCase): void {
  for (const [name, op] of REDUCERS) {
    test(
      `reduce.${name}`,
      `${name} over every axis pattern, keepDims, int32, empty and NaN`,
      (ctx) => {
        for (const [shape, axis] of AXES) {
          const [x, xr] = ctx.random(shape, -3, 3);
          for (const keepDims of [false, true]) {
            ctx.check(
              op(x, { axis, keepDims }),
              refReduce(xr, axesOf(axis, shape.length), keepDims, name),
              `[${shape}] axis ${JSON.stringify(axis)} keepDims ${keepDims}`,
              { dtype: 'float32' },
            );
          }
        }
        const [i, ir] = ctx.random([3, 4], -5, 5, 'int32');
        ctx.check(op(i, { axis: 1 }), refReduce(ir, [1], false, name), 'int32', {
          dtype: name === 'mean' ? 'float32' : 'int32',
        });
        const [n, nr] = ctx.input([1, Number.NaN, 3, 4, 5, 6], [2, 3]);
        ctx.check(
          op(n, { axis: 1 }),
          refReduce(nr, [1], false, name),
          'NaN propagates along its row',
        );
        const [f, fr] = ctx.input(
          [1, Number.POSITIVE_INFINITY, -2, Number.NEGATIVE_INFINITY],
          [2, 2],
        );
        ctx.check(op(f, { axis: 0 }), refReduce(fr, [0], false, name), '±Inf');
        if (name === 'sum' || name === 'mean') {
          const [e, er] = ctx.random([0, 3]);
          ctx.check(
            op(e, { axis: 0 }),
            refReduce(er, [0], false, name),
            'empty axis (sum 0, mean NaN)',
          );
          ctx.check(
            op(e, { axis: 1 }),
            refReduce(er, [1], false, name),
            'reducing a non-empty axis of an empty tensor',
          );
        }
      },
    );
  }

  test('reduce.sum-precision', 'sum accumulates in float64 ([1e8, 1, -1e8] sums to 1)', (ctx) => {
    const [x, xr] = ctx.input([1e8, 1, -1e8, 1, 1, -1], [6]);
    ctx.check(sum(x), refReduce(xr, [0], false, 'sum'), 'cancellation', {
      tolerance: { atol: 0, rtol: 0 },
    });
    const [m, mr] = ctx.input(new Array<number>(4096).fill(0.1), [4096]);
    ctx.check(mean(m), refReduce(mr, [0], false, 'mean'), 'long mean', {
      tolerance: { atol: 0, rtol: 1e-7 },
    });
  });

  test('sumTo', 'sumTo reduces a broadcast result back to each operand shape', (ctx) => {
    const [x, xr] = ctx.random([2, 3, 4]);
    const cases: [number[], number[]][] = [
      [[2, 3, 4], []],
      [[3, 4], [0]],
      [
        [1, 4],
        [0, 1],
      ],
      [
        [3, 1],
        [0, 2],
      ],
      [[4], [0, 1]],
      [[], [0, 1, 2]],
    ];
    for (const [shape, axes] of cases) {
      const r = refReduce(xr, axes, false, 'sum');
      ctx.check(sumTo(x, shape), { values: r.values, shape }, `to [${shape}]`);
    }
  });

  for (const name of ['argmax', 'argmin'] as const) {
    const op = name === 'argmax' ? argmax : argmin;
    test(name, `${name}: int32 indices along any axis, the first on ties, the first NaN`, (ctx) => {
      for (const [shape, axis] of [
        [[4, 5], -1],
        [[4, 5], 0],
        [[2, 3, 4], 1],
        [[7], 0],
        [[1, 3], 0],
        [[3, 0], 0],
      ] as [number[], number][]) {
        const [x, xr] = ctx.random(shape, -2, 2, 'int32');
        const [f, fr] = ctx.input(
          xr.values.map((v) => v / 2),
          shape,
        );
        ctx.check(op(f, axis), refArgReduce(fr, axis, name), `[${shape}] axis ${axis}`, {
          dtype: 'int32',
        });
        ctx.check(op(x, axis), refArgReduce(xr, axis, name), `int32 [${shape}] axis ${axis}`, {
          dtype: 'int32',
        });
      }
      const [t, tr] = ctx.input([3, 1, 3, 3, 0, 0, 2, 2, 1, Number.NaN, 5, Number.NaN], [4, 3]);
      ctx.check(op(t, 1), refArgReduce(tr, 1, name), 'ties and NaN', { dtype: 'int32' });
      const [s, sr] = ctx.input([Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, 0], [3]);
      ctx.check(op(s, 0), refArgReduce(sr, 0, name), '±Inf', { dtype: 'int32' });
    });
  }

  for (const log of [false, true]) {
    const name = log ? 'logSoftmax' : 'softmax';
    const op = log ? logSoftmax : softmax;
    test(
      name,
      `${name} along any axis; stable at ±1e4; ±Inf limits; NaN rows; size-1 and empty axes`,
      (ctx) => {
        for (const [shape, axis] of [
          [[3, 5], -1],
          [[3, 5], 0],
          [[2, 3, 4], 1],
          [[6], 0],
          [[4, 1], 1],
          [[0, 3], 1],
          [[2, 300], -1],
        ] as [number[], number][]) {
          const [x, xr] = ctx.random(shape, -5, 5);
          ctx.check(op(x, axis), refSoftmax(xr, axis, log), `[${shape}] axis ${axis}`, {
            dtype: 'float32',
          });
        }
        const big: Ref = {
          values: [1e4, 0, -1e4, 1e4, 1e4, -1e4, -1e4, -1e4, -1e4],
          shape: [3, 3],
        };
        const [b] = ctx.input(big.values, big.shape);
        const out = op(b, -1);
        ctx.check(out, refSoftmax(big, -1, log), 'inputs of ±1e4');
        expect(
          Array.from(out.data()).every(Number.isFinite),
          `${name}: ±1e4 inputs stay finite`,
        ).toBe(true);
        const [n, nr] = ctx.input([1, Number.NaN, 2, 3, 4, 5], [2, 3]);
        ctx.check(op(n, -1), refSoftmax(nr, -1, log), 'a NaN makes its row NaN');
        const [s, sr] = ctx.input([0.5, 0.5, 0.5, 0.5], [4]);
        ctx.check(op(s), refSoftmax(sr, -1, log), 'uniform row');
        const inf = Number.POSITIVE_INFINITY;
        const [f, fr] = ctx.input([inf, 0, 1, inf, inf, 0, -inf, 0, 1, 3.4e38, 0, 1], [4, 3]);
        ctx.check(op(f, -1), refSoftmax(fr, -1, log), '±Inf and ±3.4e38 logits: the limit');
        const values = Array.from(op(f, -1).data());
        expect(values.some(Number.isNaN), `${name}: ±Inf rows give no NaN`).toBe(false);
      },
    );
  }
}
