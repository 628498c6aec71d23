import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withBackend } from '../backends.js';
import { CpuBackend } from '../cpu/cpu-backend.js';
import { RecurError, type RecurErrorCode } from '../errors.js';
import { memory, tidy } from '../memory.js';
import type { Tensor } from '../tensor.js';
import { full, randomNormal, randomUniform, range, tensor, zeros } from './creation.js';
import { add, clamp, exp, less, mul, where } from './elementwise.js';
import { matmul } from './matmul.js';
import { argmax, max, sum, sumTo } from './reduce.js';
import {
  cast,
  concat,
  expandDims,
  gather,
  oneHot,
  reshape,
  scatterAdd,
  slice,
  split,
  squeeze,
  stack,
  transpose,
} from './shape-ops.js';
import { logSoftmax, softmax } from './softmax.js';

/** Asserts `fn` throws a RecurError with `code` whose message contains every one of `parts`. */
function expectError(fn: () => unknown, code: RecurErrorCode, ...parts: string[]): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error, 'expected a RecurError').toBeInstanceOf(RecurError);
  expect((error as RecurError).code).toBe(code);
  for (const part of parts) expect((error as Error).message).toContain(part);
}

let before = 0;
beforeEach(() => {
  before = memory().numTensors;
});
afterEach(() => {
  // a failed op must not leak the tensors it made before throwing
  expect(memory().numTensors).toBe(before);
});

describe('bad input: elementwise', () => {
  it('non-broadcastable shapes name the op, both shapes and the clashing dimension', () =>
    tidy(() => {
      const a = zeros([2, 3]);
      const b = zeros([4]);
      expectError(
        () => add(a, b),
        'SHAPE',
        'add: shapes [2,3] and [4] do not broadcast',
        'dimension -1 is 3 in a and 4 in b',
      );
      expectError(
        () => less(zeros([2, 1, 3]), zeros([5, 2])),
        'SHAPE',
        'less: shapes [2,1,3] and [5,2]',
      );
      expectError(() => where(zeros([2], 'int32'), a, 0), 'SHAPE', 'where: shapes [2] and [2,3]');
    }));

  it('a non-tensor argument names the op, the argument and what was given', () =>
    tidy(() => {
      expectError(
        () => exp([1, 2] as unknown as Tensor),
        'ARGUMENT',
        'exp: x must be a Tensor, got an array',
      );
      expectError(
        () => mul(zeros([2]), null as unknown as Tensor),
        'ARGUMENT',
        'mul: b must be a Tensor, got null',
      );
      expectError(
        () => clamp('x' as unknown as Tensor, 0, 1),
        'ARGUMENT',
        'clamp: x must be a Tensor, got string',
      );
    }));

  it('clamp with low > high names both bounds', () =>
    tidy(() =>
      expectError(() => clamp(zeros([2]), 3, 1), 'RANGE', 'clamp: low (3) must be <= high (1)'),
    ));
});

describe('bad input: use after dispose', () => {
  it('every op family refuses a disposed tensor, naming the op, the argument and the tensor', () => {
    const x = tensor([1, 2, 3, 4], [2, 2]);
    const i = tensor([0], [1], 'int32');
    x.dispose();
    const message = `(tensor #${x.id}, [2,2] float32) was disposed`;
    expectError(() => exp(x), 'DISPOSED', 'exp: x', message);
    expectError(() => add(1, x), 'DISPOSED', 'add: b', message);
    expectError(() => matmul(x, x), 'DISPOSED', 'matmul: a', message);
    expectError(() => sum(x), 'DISPOSED', 'sum: x', message);
    expectError(() => softmax(x), 'DISPOSED', 'softmax: x', message);
    expectError(() => slice(x, [0]), 'DISPOSED', 'slice: x', message);
    expectError(() => concat([x]), 'DISPOSED', 'concat: xs[0]', message);
    expectError(() => gather(x, i), 'DISPOSED', 'gather: x', message);
    expectError(() => transpose(x), 'DISPOSED', 'transpose: x', message);
    expectError(() => reshape(x, [4]), 'DISPOSED', 'reshape: x');
    expectError(() => x.data(), 'DISPOSED', 'data: tensor');
    expectError(() => cast(x, 'int32'), 'DISPOSED', 'cast: x');
    i.dispose();
  });
});

describe('bad input: matmul', () => {
  it('inner dimensions, ranks, batch dimensions and dtypes', () =>
    tidy(() => {
      expectError(
        () => matmul(zeros([3, 4]), zeros([5, 2])),
        'SHAPE',
        'matmul: a is [3,4] and b is [5,2]; inner dimensions 4 and 5 differ',
      );
      expectError(
        () => matmul(zeros([4, 3]), zeros([5, 2]), { transposeA: true }),
        'SHAPE',
        'a is [4,3] (transposed) and b is [5,2]; inner dimensions 4 and 5 differ',
      );
      expectError(
        () => matmul(zeros([3]), zeros([3, 2])),
        'SHAPE',
        'matmul: a is [3]; both inputs must be at least 2-D',
      );
      expectError(
        () => matmul(zeros([2, 3, 4]), zeros([3, 4, 5])),
        'SHAPE',
        'matmul: a is [2,3,4] and b is [3,4,5]; batch dimensions [2] and [3] do not broadcast',
      );
      expectError(
        () => matmul(zeros([2, 2], 'int32'), zeros([2, 2])),
        'DTYPE',
        'matmul: a must be float32, got int32 (shape [2,2])',
      );
    }));
});

describe('bad input: reductions and softmax', () => {
  it('axes out of range, repeated, on scalars; empty max; int32 softmax', () =>
    tidy(() => {
      const x = zeros([2, 3]);
      expectError(
        () => sum(x, { axis: 2 }),
        'RANGE',
        'sum: axis 2 is out of range for a tensor of rank 2 (expected -2..1)',
      );
      expectError(() => sum(x, { axis: -3 }), 'RANGE', 'sum: axis -3');
      expectError(() => sum(x, { axis: [0, -2] }), 'ARGUMENT', 'sum: axes [0,-2] repeat an axis');
      expectError(() => sum(x, { axis: 0.5 }), 'RANGE', 'sum: axis 0.5');
      expectError(() => sum(zeros([]), { axis: 0 }), 'RANGE', 'a scalar has no axes');
      expectError(
        () => max(zeros([0, 2]), { axis: 0 }),
        'SHAPE',
        'max: cannot reduce an empty axis of [0,2]',
      );
      expectError(() => argmax(zeros([2, 0])), 'SHAPE', 'argmax: axis -1 of [2,0] is empty');
      expectError(() => softmax(x, 2), 'RANGE', 'softmax: axis 2');
      expectError(
        () => logSoftmax(zeros([2], 'int32')),
        'DTYPE',
        'logSoftmax: x must be float32, got int32',
      );
      expectError(() => sumTo(x, [3, 3]), 'SHAPE', 'sumTo: [2,3] was not broadcast from [3,3]');
      expectError(
        () => sumTo(zeros([3]), [2, 3]),
        'SHAPE',
        'sumTo: [3] cannot be summed to the larger [2,3]',
      );
    }));
});

describe('bad input: shape ops', () => {
  it('slice, concat, stack, split, transpose, reshape, squeeze, expandDims', () =>
    tidy(() => {
      const x = zeros([2, 3]);
      expectError(
        () => slice(x, [1, 2], [2, 1]),
        'RANGE',
        'slice: dimension 0 of x [2,3] has size 2; begin 1 with size 2 is out of range',
      );
      expectError(
        () => slice(x, [0, 0, 0]),
        'SHAPE',
        'slice: begin [0,0,0] has more entries than x [2,3] has dimensions',
      );
      expectError(() => slice(x, [-1]), 'RANGE', 'slice: dimension 0');
      expectError(
        () => concat([x, zeros([2, 4])], 0),
        'SHAPE',
        'concat: xs[1] is [2,4] but xs[0] is [2,3]; all dimensions except axis 0 must match',
      );
      expectError(
        () => concat([x, zeros([2, 3], 'int32')]),
        'DTYPE',
        'concat: xs[1] is int32 but xs[0] is float32',
      );
      expectError(() => concat([]), 'ARGUMENT', 'concat: xs must be a non-empty array');
      expectError(() => concat([x], 2), 'RANGE', 'concat: axis 2');
      expectError(
        () => stack([x, zeros([3, 2])]),
        'SHAPE',
        'stack: xs[1] is [3,2] but xs[0] is [2,3]',
      );
      expectError(
        () => split(x, 2, 1),
        'SHAPE',
        'split: axis 1 of [2,3] has size 3, which 2 does not divide',
      );
      expectError(
        () => split(x, [1, 1], 1),
        'SHAPE',
        'split: sizes [1,1] add up to 2 but axis 1 of [2,3] has size 3',
      );
      expectError(
        () => transpose(x, [0, 0]),
        'ARGUMENT',
        'transpose: perm [0,0] is not a permutation of the 2 axes of [2,3]',
      );
      expectError(() => transpose(x, [1, 0, 2]), 'ARGUMENT', 'transpose: perm [1,0,2]');
      expectError(
        () => reshape(x, [4, 2]),
        'SHAPE',
        'reshape: cannot view [2,3] (6 elements) as [4,2] (8 elements)',
      );
      expectError(
        () => reshape(x, [-1, -1]),
        'SHAPE',
        'reshape: shape [-1,-1] has more than one -1',
      );
      expectError(
        () => reshape(x, [4, -1]),
        'SHAPE',
        'reshape: cannot view [2,3] (6 elements) as [4,-1]',
      );
      expectError(() => squeeze(x, 0), 'SHAPE', 'squeeze: axis 0 of [2,3] has size 2, not 1');
      expectError(() => expandDims(x, 3), 'RANGE', 'expandDims: axis 3');
      expectError(
        () => cast(x, 'float64' as 'float32'),
        'DTYPE',
        "cast: dtype must be 'float32' or 'int32', got 'float64'",
      );
    }));

  it('gather, scatterAdd, oneHot: index dtype, out-of-range indices, shapes', () =>
    tidy(() => {
      const table = zeros([3, 2]);
      expectError(
        () => gather(table, tensor([0, 1])),
        'DTYPE',
        'gather: indices must be int32, got float32 (shape [2])',
      );
      expectError(
        () => gather(table, tensor([0, 5], [2], 'int32')),
        'RANGE',
        'gather: indices[1] is 5, out of range for axis 0 of x [3,2] (expected 0..2)',
      );
      expectError(
        () => gather(table, tensor([-1], [1], 'int32')),
        'RANGE',
        'gather: indices[0] is -1',
      );
      expectError(() => gather(table, tensor([0], [1], 'int32'), 2), 'RANGE', 'gather: axis 2');
      const ids = tensor([0, 2], [2], 'int32');
      expectError(
        () => scatterAdd(zeros([3, 2]), ids, [3, 2]),
        'SHAPE',
        'scatterAdd: updates is [3,2] but indices [2] into [3,2] need [2,2]',
      );
      expectError(
        () => scatterAdd(zeros([2, 2]), ids, [2, 2]),
        'RANGE',
        'scatterAdd: indices[1] is 2, out of range for axis 0 of [2,2] (expected 0..1)',
      );
      expectError(
        () => scatterAdd(zeros([2, 2]), ids, [-3, 2]),
        'SHAPE',
        'scatterAdd: shape [-3,2]',
      );
      expectError(
        () => oneHot(ids, 2),
        'RANGE',
        'oneHot: indices[1] is 2, out of range for depth 2 (expected 0..1)',
      );
      expectError(
        () => oneHot(ids, 0),
        'ARGUMENT',
        'oneHot: depth must be a positive integer, got 0',
      );
      expectError(
        () => oneHot(tensor([1]), 3),
        'DTYPE',
        'oneHot: indices must be int32, got float32',
      );
    }));
});

describe('bad input: creation and backends', () => {
  it('tensor, full, random and range name the argument and what was wrong', () => {
    expectError(
      () => tensor([1, 2, 3], [2, 2]),
      'SHAPE',
      'tensor: shape [2,2] holds 4 values but 3 were given',
    );
    expectError(() => tensor([[1, 2], [3]]), 'SHAPE', 'tensor: nested arrays are ragged');
    expectError(
      () => full([2, -1], 0),
      'SHAPE',
      'full: shape [2,-1] must hold non-negative integers; -1 is not one',
    );
    expectError(() => zeros([1.5]), 'SHAPE', 'shape [1.5]');
    expectError(() => randomNormal([2], {}), 'ARGUMENT', 'randomNormal: give a seed or an rng');
    expectError(
      () => randomUniform([2], { seed: 1, low: 1, high: 1 }),
      'RANGE',
      'randomUniform: high (1) must be greater than low (1)',
    );
    expectError(() => range(0, 5, 0), 'ARGUMENT', 'range: step must not be 0');
  });

  it('mixing tensors from two backends names both', () => {
    const other = new CpuBackend({ name: 'other' });
    const a = zeros([2]);
    const b = withBackend(other, () => zeros([2]));
    expectError(
      () => add(a, b),
      'BACKEND',
      "add: inputs live on different backends ('cpu' and 'other')",
    );
    a.dispose();
    b.dispose();
  });
});
