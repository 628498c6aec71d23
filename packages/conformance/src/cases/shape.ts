import {
  cast,
  concat,
  expandDims,
  gather,
  mul,
  oneHot,
  reshape,
  scatterAdd,
  slice,
  split,
  squeeze,
  stack,
  sum,
  transpose,
} from '@recur/tensor';
import { expect } from 'vitest';
import { refConcat, refGather, refScatterAdd, refSlice, refTranspose } from '../reference.js';
import type { DefineCase } from '../suite.js';

/** Registers the shape cases: slice, concat, split, stack, transpose, gather, scatterAdd, oneHot, views. */
export function shapeCases(test: DefineCase): void {
  test('slice', 'slice: interior blocks, whole and empty extents, -1 sizes, int32', (ctx) => {
    const [x, xr] = ctx.random([4, 5, 6]);
    const cases: [number[], number[]][] = [
      [
        [0, 0, 0],
        [4, 5, 6],
      ],
      [
        [1, 2, 3],
        [2, 2, 2],
      ],
      [
        [3, 0, 5],
        [1, 5, 1],
      ],
      [
        [0, 1, 0],
        [4, 0, 6],
      ],
      [
        [2, 4, 0],
        [2, 1, 6],
      ],
    ];
    for (const [begin, size] of cases) {
      ctx.check(
        slice(x, begin, size),
        refSlice(xr, begin, size),
        `begin [${begin}] size [${size}]`,
      );
    }
    ctx.check(
      slice(x, [1, 1], [-1, 2]),
      refSlice(xr, [1, 1, 0], [3, 2, 6]),
      'size -1 and missing trailing entries',
    );
    const [i, ir] = ctx.random([3, 4], -9, 9, 'int32');
    ctx.check(slice(i, [1, 1], [2, 2]), refSlice(ir, [1, 1], [2, 2]), 'int32', { dtype: 'int32' });
    const [v, vr] = ctx.random([10]);
    ctx.check(slice(v, [3], [4]), refSlice(vr, [3], [4]), '1-D');
  });

  test('concat', 'concat along each axis, with empty parts and int32', (ctx) => {
    for (const axis of [0, 1, 2, -1]) {
      const shapes = [0, 1, 2].map((p) =>
        [2, 3, 4].map((d, i) => (i === (axis + 3) % 3 ? d + p : d)),
      );
      const parts = shapes.map((s) => ctx.random(s));
      ctx.check(
        concat(
          parts.map((p) => p[0]),
          axis,
        ),
        refConcat(
          parts.map((p) => p[1]),
          axis,
        ),
        `axis ${axis}`,
      );
    }
    const [a, ar] = ctx.random([0, 3]);
    const [b, br] = ctx.random([2, 3]);
    ctx.check(concat([a, b, a], 0), refConcat([ar, br, ar], 0), 'empty parts');
    const [c, cr] = ctx.random([2, 2], -5, 5, 'int32');
    const [d, dr] = ctx.random([2, 1], -5, 5, 'int32');
    ctx.check(concat([c, d], 1), refConcat([cr, dr], 1), 'int32', { dtype: 'int32' });
    const [s, sr] = ctx.random([3]);
    ctx.check(concat([s], 0), sr, 'a single part');
  });

  test('split', 'split into equal sections and given sizes, including a zero size', (ctx) => {
    const [x, xr] = ctx.random([4, 6]);
    const thirds = split(x, 3, 1);
    for (const [i, t] of thirds.entries())
      ctx.check(t, refSlice(xr, [0, 2 * i], [4, 2]), `section ${i}`);
    const parts = split(x, [1, 0, 3], 0);
    const starts = [0, 1, 1];
    for (const [i, t] of parts.entries()) {
      ctx.check(t, refSlice(xr, [starts[i]!, 0], [[1, 0, 3][i]!, 6]), `size part ${i}`);
    }
  });

  test('stack', 'stack along a new first, middle and last axis', (ctx) => {
    const parts = [0, 1, 2].map(() => ctx.random([2, 3]));
    for (const axis of [0, 1, 2, -1]) {
      const a = axis < 0 ? axis + 3 : axis;
      const expanded = parts.map(([, r]) => {
        const shape = [...r.shape];
        shape.splice(a, 0, 1);
        return { values: r.values, shape };
      });
      ctx.check(
        stack(
          parts.map((p) => p[0]),
          axis,
        ),
        refConcat(expanded, a),
        `axis ${axis}`,
      );
    }
  });

  test(
    'transpose',
    'transpose: 2-D, 3-D and 4-D permutations, default reverse, size-1, empty, int32',
    (ctx) => {
      const [m, mr] = ctx.random([3, 5]);
      ctx.check(transpose(m), refTranspose(mr, [1, 0]), '2-D default');
      const [x, xr] = ctx.random([2, 3, 4]);
      for (const perm of [
        [0, 2, 1],
        [2, 0, 1],
        [1, 2, 0],
        [2, 1, 0],
        [0, 1, 2],
      ]) {
        ctx.check(transpose(x, perm), refTranspose(xr, perm), `perm [${perm}]`);
      }
      const [y, yr] = ctx.random([2, 1, 3, 5]);
      ctx.check(
        transpose(y, [3, 1, 0, 2]),
        refTranspose(yr, [3, 1, 0, 2]),
        '4-D with a size-1 axis',
      );
      const [e, er] = ctx.random([0, 3]);
      ctx.check(transpose(e), refTranspose(er, [1, 0]), 'empty');
      const [i, ir] = ctx.random([3, 2], -5, 5, 'int32');
      ctx.check(transpose(i), refTranspose(ir, [1, 0]), 'int32', { dtype: 'int32' });
      const [big, bigr] = ctx.random([37, 41]);
      ctx.check(transpose(big), refTranspose(bigr, [1, 0]), 'larger');
    },
  );

  test(
    'gather',
    'gather rows (embedding lookup), along axis 1, with index matrices, repeats and none',
    (ctx) => {
      const [table, tr] = ctx.random([6, 4]);
      const [ids, idr] = ctx.input([5, 0, 0, 3, 2, 5], [2, 3], 'int32');
      ctx.check(gather(table, ids), refGather(tr, idr, 0), 'rows by a [2,3] index matrix');
      const [cols, cr] = ctx.input([3, 1], [2], 'int32');
      ctx.check(gather(table, cols, 1), refGather(tr, cr, 1), 'columns');
      const [none, nr] = ctx.input([], [0], 'int32');
      ctx.check(gather(table, none), refGather(tr, nr, 0), 'no indices');
      const [x3, x3r] = ctx.random([2, 3, 4]);
      const [one, or] = ctx.input([2], [], 'int32');
      ctx.check(gather(x3, one, 1), refGather(x3r, or, 1), 'scalar index drops the axis');
      const [it, itr] = ctx.random([5, 2], -9, 9, 'int32');
      const [ii, iir] = ctx.input([4, 4, 1], [3], 'int32');
      ctx.check(gather(it, ii), refGather(itr, iir, 0), 'int32 table', { dtype: 'int32' });
    },
  );

  test(
    'scatterAdd',
    'scatterAdd accumulates repeated indices and is the adjoint of gather',
    (ctx) => {
      const [u, ur] = ctx.random([2, 3, 4]);
      const [ids, idr] = ctx.input([5, 0, 0, 3, 2, 5], [2, 3], 'int32');
      ctx.check(
        scatterAdd(u, ids, [6, 4], 0),
        refScatterAdd(ur, idr, [6, 4], 0),
        'rows, repeated indices',
      );
      const [v, vr] = ctx.random([3, 2]);
      const [cols, cr] = ctx.input([1, 1], [2], 'int32');
      ctx.check(scatterAdd(v, cols, [3, 4], 1), refScatterAdd(vr, cr, [3, 4], 1), 'along axis 1');
      const [e, er] = ctx.random([0, 4]);
      const [none, nr] = ctx.input([], [0], 'int32');
      ctx.check(
        scatterAdd(e, none, [6, 4], 0),
        refScatterAdd(er, nr, [6, 4], 0),
        'no updates gives zeros',
      );
      // <gather(x, i), u> = <x, scatterAdd(u, i)>
      const [x] = ctx.random([6, 4]);
      const left = sum(mul(gather(x, ids), u)).item();
      const right = sum(mul(x, scatterAdd(u, ids, [6, 4], 0))).item();
      expect(Math.abs(left - right), 'scatterAdd is the adjoint of gather').toBeLessThan(1e-4);
    },
  );

  test('oneHot', 'oneHot rows of float32 with a 1 at each index', (ctx) => {
    const [i] = ctx.input([2, 0, 3, 3], [2, 2], 'int32');
    const values = [0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1];
    ctx.check(oneHot(i, 4), { values, shape: [2, 2, 4] }, 'depth 4', { dtype: 'float32' });
    const [f] = ctx.input([1, 0], [2], 'int32');
    ctx.check(
      cast(oneHot(f, 2), 'int32'),
      { values: [0, 1, 1, 0], shape: [2, 2] },
      'cast to int32',
    );
  });

  test('views', 'reshape, expandDims and squeeze keep values and share storage', (ctx) => {
    const [x, xr] = ctx.random([2, 3, 1]);
    ctx.check(reshape(x, [3, -1]), { values: xr.values, shape: [3, 2] }, 'reshape');
    ctx.check(expandDims(x, 1), { values: xr.values, shape: [2, 1, 3, 1] }, 'expandDims');
    ctx.check(squeeze(x), { values: xr.values, shape: [2, 3] }, 'squeeze');
    ctx.check(squeeze(x, -1), { values: xr.values, shape: [2, 3] }, 'squeeze axis');
    expect(reshape(x, [6]).dataId, 'a reshape shares storage').toBe(x.dataId);
  });
}
