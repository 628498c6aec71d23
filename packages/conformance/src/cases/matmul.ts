import { matmul } from '@recur/tensor';
import { refMatmul } from '../reference.js';
import type { DefineCase } from '../suite.js';

/** [a shape, b shape] as stored (before any transpose flag), for the untransposed product. */
const SHAPES: [number[], number[]][] = [
  [
    [1, 1],
    [1, 1],
  ],
  [
    [2, 3],
    [3, 4],
  ],
  [
    [5, 7],
    [7, 3],
  ],
  [
    [4, 8],
    [8, 8],
  ],
  [
    [13, 17],
    [17, 19],
  ],
  [
    [1, 64],
    [64, 33],
  ],
  [
    [33, 64],
    [64, 1],
  ],
  [
    [9, 300],
    [300, 21],
  ],
];

/** Registers the matmul cases: 2-D with transposes, large, batched, empty, non-finite. */
export function matmulCases(test: DefineCase): void {
  test('matmul.2d', 'matmul of 2-D matrices, all four transpose combinations', (ctx) => {
    for (const [sa, sb] of SHAPES) {
      for (const transposeA of [false, true]) {
        for (const transposeB of [false, true]) {
          const [a, ar] = ctx.random(transposeA ? [sa[1]!, sa[0]!] : sa);
          const [b, br] = ctx.random(transposeB ? [sb[1]!, sb[0]!] : sb);
          ctx.check(
            matmul(a, b, { transposeA, transposeB }),
            refMatmul(ar, br, transposeA, transposeB),
            `[${sa}]·[${sb}] transposeA=${transposeA} transposeB=${transposeB}`,
            { dtype: 'float32' },
          );
        }
      }
    }
  });

  test('matmul.large', 'matmul large enough for cache blocking and partial tiles', (ctx) => {
    const [a, ar] = ctx.random([67, 300]);
    const [b, br] = ctx.random([300, 130]);
    ctx.check(matmul(a, b), refMatmul(ar, br), '[67,300]·[300,130]');
    const [c, cr] = ctx.random([300, 67]);
    const [d, dr] = ctx.random([130, 300]);
    ctx.check(
      matmul(c, d, { transposeA: true, transposeB: true }),
      refMatmul(cr, dr, true, true),
      'both transposed',
    );
  });

  test('matmul.batched', 'batched matmul with broadcast batch dimensions and transposes', (ctx) => {
    const cases: [number[], number[], boolean, boolean][] = [
      [[2, 3, 4], [2, 4, 5], false, false],
      [[2, 1, 3, 4], [3, 4, 5], false, false],
      [[4, 3, 5], [5, 2], false, false],
      [[3, 5], [4, 5, 2], false, false],
      [[2, 3, 4], [4, 5], false, false],
      [[2, 4, 3], [2, 5, 4], true, true],
      [[3, 2, 6, 3], [1, 2, 6, 5], true, false],
      [[2, 3, 6], [7, 6], false, true],
      [[1, 3, 4], [2, 1, 4, 2], false, false],
    ];
    for (const [sa, sb, transposeA, transposeB] of cases) {
      const [a, ar] = ctx.random(sa);
      const [b, br] = ctx.random(sb);
      ctx.check(
        matmul(a, b, { transposeA, transposeB }),
        refMatmul(ar, br, transposeA, transposeB),
        `[${sa}]·[${sb}] transposeA=${transposeA} transposeB=${transposeB}`,
      );
    }
  });

  test(
    'matmul.empty',
    'matmul with empty dimensions: k = 0 gives zeros, m, n or batch 0 give empty',
    (ctx) => {
      for (const [sa, sb] of [
        [
          [3, 0],
          [0, 4],
        ],
        [
          [0, 5],
          [5, 4],
        ],
        [
          [3, 5],
          [5, 0],
        ],
        [
          [0, 3, 5],
          [5, 2],
        ],
        [
          [2, 3, 0],
          [2, 0, 2],
        ],
      ] as [number[], number[]][]) {
        const [a, ar] = ctx.random(sa);
        const [b, br] = ctx.random(sb);
        ctx.check(matmul(a, b), refMatmul(ar, br), `[${sa}]·[${sb}]`);
      }
    },
  );

  test('matmul.nonfinite', 'matmul propagates NaN and Inf (Inf·0 is NaN)', (ctx) => {
    const [a, ar] = ctx.input([1, Number.NaN, 2, 3, 0, 1, Number.POSITIVE_INFINITY, 1, 0], [3, 3]);
    const [b, br] = ctx.input([1, 2, 0, 1, 3, 4, 5, 6, 0, 0, 1, 1], [3, 4]);
    ctx.check(matmul(a, b), refMatmul(ar, br), 'NaN row, Inf·0');
    const [c, cr] = ctx.input([Number.NEGATIVE_INFINITY, 1, 2, 3, 4, 5, 6, 7], [2, 4]);
    const [d, dr] = ctx.input([1, 1, 1, 1, 2, 2, 2, 2], [4, 2]);
    ctx.check(matmul(c, d), refMatmul(cr, dr), '-Inf');
  });
}
