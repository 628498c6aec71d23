import type { Tensor } from '@recur/tensor';
import {
  abs,
  add,
  type BinaryOp,
  binaryDType,
  cast,
  clamp,
  div,
  equal,
  exp,
  floor,
  full,
  greater,
  greaterEqual,
  hardSigmoid,
  less,
  lessEqual,
  log,
  maximum,
  minimum,
  mul,
  neg,
  notEqual,
  ones,
  pow,
  reciprocal,
  relu,
  round,
  sigmoid,
  sign,
  sqrt,
  square,
  sub,
  tanh,
  type UnaryOp,
  unaryDType,
  where,
  zeros,
} from '@recur/tensor';
import { expect } from 'vitest';
import { refBinary, refUnary, refWhere } from '../reference.js';
import type { DefineCase } from '../suite.js';

/** Values every elementwise op is also run on: NaN and ±Inf must propagate as in IEEE 754. */
export const SPECIAL_VALUES = [
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  0,
  1,
  -1,
  0.5,
  -0.5,
  2.5,
  -2.5,
  88,
  -88,
  1e-7,
  -3e-5,
  1e4,
  -1e4,
];

type Unary = (x: Tensor) => Tensor;

const sigmoidRef = (v: number) => 1 / (1 + Math.exp(-v));

/** op, its function, float64 reference, input range (int32 input: `unaryDType` says the result). */
const UNARY: [UnaryOp, Unary, (v: number) => number, [number, number]][] = [
  ['neg', neg, (v) => -v, [-5, 5]],
  ['abs', abs, Math.abs, [-5, 5]],
  ['exp', exp, Math.exp, [-10, 10]],
  ['log', log, Math.log, [0.01, 10]],
  ['sqrt', sqrt, Math.sqrt, [0, 10]],
  ['square', square, (v) => v * v, [-5, 5]],
  ['reciprocal', reciprocal, (v) => 1 / v, [0.1, 5]],
  ['tanh', tanh, Math.tanh, [-4, 4]],
  ['sigmoid', sigmoid, sigmoidRef, [-8, 8]],
  ['hardSigmoid', hardSigmoid, (v) => Math.min(Math.max(0.2 * v + 0.5, 0), 1), [-4, 4]],
  ['relu', relu, (v) => (Number.isNaN(v) ? v : Math.max(v, 0)), [-5, 5]],
  ['sign', sign, (v) => (Number.isNaN(v) ? v : Math.sign(v)), [-5, 5]],
  ['floor', floor, Math.floor, [-5, 5]],
  ['round', round, Math.round, [-5, 5]],
];

type Binary = (a: Tensor | number, b: Tensor | number) => Tensor;

const ARITHMETIC: [BinaryOp, Binary, (a: number, b: number) => number][] = [
  ['add', add, (a, b) => a + b],
  ['sub', sub, (a, b) => a - b],
  ['mul', mul, (a, b) => a * b],
  ['div', div, (a, b) => a / b],
  [
    'maximum',
    maximum,
    (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? Number.NaN : Math.max(a, b)),
  ],
  [
    'minimum',
    minimum,
    (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? Number.NaN : Math.min(a, b)),
  ],
];

const COMPARISONS: [string, Binary, (a: number, b: number) => boolean][] = [
  ['equal', equal, (a, b) => a === b],
  ['notEqual', notEqual, (a, b) => a !== b],
  ['less', less, (a, b) => a < b],
  ['lessEqual', lessEqual, (a, b) => a <= b],
  ['greater', greater, (a, b) => a > b],
  ['greaterEqual', greaterEqual, (a, b) => a >= b],
];

/**
 * Shape pairs for broadcasting: equal, scalar either side, row and column vectors, both sides
 * broadcasting, rank 4 against rank 3, size-1 and empty dimensions, and sizes past the fast
 * paths' vector widths.
 */
export const BROADCAST_PAIRS: [number[], number[]][] = [
  [
    [3, 4],
    [3, 4],
  ],
  [[], [3, 4]],
  [[3, 4], []],
  [[], []],
  [[3, 4], [4]],
  [[4], [3, 4]],
  [
    [3, 1],
    [1, 4],
  ],
  [
    [3, 4],
    [3, 1],
  ],
  [
    [2, 1, 4],
    [3, 1],
  ],
  [
    [5, 1, 1, 3],
    [1, 4, 1],
  ],
  [
    [2, 3, 1],
    [2, 1, 5],
  ],
  [[1], [1]],
  [[1, 1], [3]],
  [[0, 3], [3]],
  [
    [2, 0],
    [2, 1],
  ],
  [[2, 3, 37], [37]],
  [[37], [2, 3, 37]],
  [
    [6, 45],
    [6, 45],
  ],
  [
    [2, 5, 17],
    [2, 1, 17],
  ],
];

/** Registers the elementwise cases: unary, binary, comparisons, where, clamp, cast, fill. */
export function elementwiseCases(test: DefineCase): void {
  for (const [name, op, ref, [low, high]] of UNARY) {
    test(
      `unary.${name}`,
      `${name} of random, special, empty and scalar inputs; int32 input`,
      (ctx) => {
        for (const shape of [[3, 5], [], [0], [2, 0, 3], [1031]]) {
          const [x, xr] = ctx.random(shape, low, high);
          ctx.check(op(x), refUnary(xr, ref), `shape [${shape}]`, { dtype: 'float32' });
        }
        const [s, sr] = ctx.input(SPECIAL_VALUES, [4, 4]);
        ctx.check(op(s), refUnary(sr, ref), 'special values');
        const [i, ir] = ctx.input([-3, -2, -1, 0, 1, 2, 3, 7], [2, 4], 'int32');
        ctx.check(op(i), refUnary(ir, ref), 'int32 input', { dtype: unaryDType(name, 'int32') });
      },
    );
  }

  for (const [name, op, ref] of ARITHMETIC) {
    test(
      `binary.${name}`,
      `${name} with broadcasting, specials, int32 and number operands`,
      (ctx) => {
        for (const [sa, sb] of BROADCAST_PAIRS) {
          const [a, ar] = ctx.random(sa, -3, 3);
          const [b, br] = ctx.random(sb, 0.5, 3);
          ctx.check(op(a, b), refBinary(ar, br, ref), `[${sa}] with [${sb}]`, { dtype: 'float32' });
        }
        const [x, xr] = ctx.input(SPECIAL_VALUES, [16, 1]);
        const [y, yr] = ctx.input(SPECIAL_VALUES, [1, 16]);
        ctx.check(op(x, y), refBinary(xr, yr, ref), 'every pair of special values');
        const [p, pr] = ctx.input([-7, -1, 0, 3, 9, 12], [2, 3], 'int32');
        const [q, qr] = ctx.input([2, -3, 5], [3], 'int32');
        ctx.check(op(p, q), refBinary(pr, qr, ref), 'int32 with int32', {
          dtype: binaryDType(name, 'int32', 'int32'),
        });
        const [v, vr] = ctx.random([2, 3], -2, 2);
        const two = { values: [2], shape: [] };
        ctx.check(op(v, 2), refBinary(vr, two, ref), 'tensor with a number');
        ctx.check(op(2, v), refBinary(two, vr, ref), 'number with a tensor');
      },
    );
  }

  test(
    'binary.pow',
    'pow: positive bases, negative bases with integer exponents, broadcasting',
    (ctx) => {
      const [a, ar] = ctx.random([3, 4], 0.1, 3);
      const [b, br] = ctx.random([4], -2, 2);
      ctx.check(pow(a, b), refBinary(ar, br, Math.pow), 'positive base');
      const [c, cr] = ctx.input([-2, -1.5, -1, 0, 1, 2], [6, 1]);
      const [e, er] = ctx.input([0, 1, 2, 3, -1, 0.5], [1, 6]);
      ctx.check(pow(c, e), refBinary(cr, er, Math.pow), 'negative bases (NaN for 0.5), zero base');
      ctx.check(pow(a, 2), refBinary(ar, { values: [2], shape: [] }, Math.pow), 'square by number');
    },
  );

  for (const [name, op, ref] of COMPARISONS) {
    test(
      `compare.${name}`,
      `${name} gives int32 0/1 with broadcasting, NaN compares false`,
      (ctx) => {
        const as01 = (a: number, b: number) => (ref(a, b) ? 1 : 0);
        for (const [sa, sb] of BROADCAST_PAIRS) {
          // few distinct values, so ties occur
          const [a, ar] = ctx.input(ctx.random(sa, -2, 2, 'int32')[1].values, sa);
          const [b, br] = ctx.input(ctx.random(sb, -2, 2, 'int32')[1].values, sb);
          ctx.check(op(a, b), refBinary(ar, br, as01), `[${sa}] with [${sb}]`, { dtype: 'int32' });
        }
        const [x, xr] = ctx.input(SPECIAL_VALUES, [16, 1]);
        const [y, yr] = ctx.input(SPECIAL_VALUES, [1, 16]);
        ctx.check(op(x, y), refBinary(xr, yr, as01), 'special values', { dtype: 'int32' });
        const [i, ir] = ctx.input([-1, 0, 1, 2], [4], 'int32');
        ctx.check(
          op(i, 1),
          refBinary(ir, { values: [1], shape: [] }, as01),
          'int32 with a number',
          {
            dtype: 'int32',
          },
        );
      },
    );
  }

  test(
    'where',
    'where with broadcasting of condition, a and b; int32 and float conditions',
    (ctx) => {
      const [c, cr] = ctx.input([1, 0, 1], [3, 1], 'int32');
      const [a, ar] = ctx.random([1, 4]);
      const [b, br] = ctx.random([]);
      ctx.check(where(c, a, b), refWhere(cr, ar, br), 'cond [3,1], a [1,4], b []', {
        dtype: 'float32',
      });
      const [fc, fcr] = ctx.input([0.5, 0, -2, Number.NaN, 0, 1], [2, 3]);
      const [fa, far] = ctx.random([2, 3]);
      const [fb, fbr] = ctx.random([2, 3]);
      const nonzero = {
        values: fcr.values.map((v) => (v !== 0 && !Number.isNaN(v) ? 1 : 0)),
        shape: fcr.shape,
      };
      // NaN conditions are left out of the contract: compare only the well-defined entries
      const got = where(fc, fa, fb).data();
      const want = refWhere(nonzero, far, fbr).values;
      for (const i of [0, 1, 2, 4, 5])
        expectClose(got[i]!, want[i]!, `where: float condition element ${i}`);
      const [ia, iar] = ctx.input([1, 2, 3, 4], [4], 'int32');
      const [ib, ibr] = ctx.input([-1, -2, -3, -4], [4], 'int32');
      const [ic, icr] = ctx.input([1, 0, 0, 1], [4], 'int32');
      ctx.check(where(ic, ia, ib), refWhere(icr, iar, ibr), 'int32 a and b', { dtype: 'int32' });
      const [ec, ecr] = ctx.input([], [0, 3], 'int32');
      const [ea, ear] = ctx.random([3]);
      ctx.check(
        where(ec, ea, 0),
        refWhere(ecr, ear, { values: [0], shape: [] }),
        'empty condition',
      );
      const [bc, bcr] = ctx.random([4, 40], 0, 2, 'int32');
      const [ba, bar] = ctx.random([4, 40]);
      const [bb, bbr] = ctx.random([40]);
      ctx.check(where(bc, ba, bb), refWhere(bcr, bar, bbr), 'larger, row-broadcast b');
    },
  );

  test('clamp', 'clamp to [low, high]; NaN stays NaN; ±Inf clamp; int32 stays int32', (ctx) => {
    const [x, xr] = ctx.input(SPECIAL_VALUES, [16]);
    const ref = (v: number) => (Number.isNaN(v) ? v : Math.min(Math.max(v, -1), 2));
    ctx.check(clamp(x, -1, 2), refUnary(xr, ref), 'special values');
    const [r, rr] = ctx.random([5, 7], -4, 4);
    ctx.check(clamp(r, -1, 2), refUnary(rr, ref), 'random');
    const [i, ir] = ctx.input([-5, -1, 0, 3, 9], [5], 'int32');
    ctx.check(clamp(i, -1, 2), refUnary(ir, ref), 'int32', { dtype: 'int32' });
    const [e, er] = ctx.input([], [0]);
    ctx.check(clamp(e, 0, 1), er, 'empty');
  });

  test('cast', 'cast float32 → int32 truncates toward zero; int32 → float32 is exact', (ctx) => {
    const [x, xr] = ctx.input([-2.7, -0.5, 0, 0.5, 2.7, 1e6, -123456], [7]);
    ctx.check(cast(x, 'int32'), refUnary(xr, Math.trunc), 'float to int', { dtype: 'int32' });
    const [i, ir] = ctx.input([-5, 0, 7, 16777216], [2, 2], 'int32');
    ctx.check(cast(i, 'float32'), ir, 'int to float', { dtype: 'float32' });
    ctx.check(cast(x, 'float32'), xr, 'float to float', { dtype: 'float32' });
  });

  test('fill', 'zeros, ones, full: float32 and int32, scalar and empty shapes', (ctx) => {
    for (const shape of [[2, 3], [], [0], [4, 0, 2], [1]]) {
      const n = shape.reduce((p, d) => p * d, 1);
      ctx.check(zeros(shape), { values: new Array(n).fill(0), shape }, `zeros [${shape}]`, {
        dtype: 'float32',
      });
      ctx.check(
        ones(shape, 'int32'),
        { values: new Array(n).fill(1), shape },
        `ones int32 [${shape}]`,
        {
          dtype: 'int32',
        },
      );
      ctx.check(full(shape, -2.5), { values: new Array(n).fill(-2.5), shape }, `full [${shape}]`);
    }
    ctx.check(
      full([3], Number.NaN),
      { values: [Number.NaN, Number.NaN, Number.NaN], shape: [3] },
      'NaN',
    );
  });
}

function expectClose(actual: number, expected: number, label: string): void {
  expect(
    Math.abs(actual - expected),
    `${label}: ${actual}, expected ${expected}`,
  ).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(expected)));
}
