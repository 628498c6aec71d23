import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RecurError, type RecurErrorCode } from '../errors.js';
import { memory } from '../memory.js';
import { MAX_TENSOR_SIZE } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { eye, full, ones, randomNormal, randomUniform, range, tensor, zeros } from './creation.js';
import { cast, oneHot } from './shape-ops.js';

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

// the dtype argument as a caller without types (JavaScript, JSON config) may pass it
const bad = (dtype: string) => dtype as unknown as 'float32';

/** Runs `fn` on `input`, disposing `input` afterwards (also when `fn` throws). */
function withInput<R>(input: Tensor, fn: (x: Tensor) => R): R {
  try {
    return fn(input);
  } finally {
    input.dispose();
  }
}

let before = 0;
beforeEach(() => {
  before = memory().numTensors;
});
afterEach(() => {
  expect(memory().numTensors, 'a refused creation left a tensor behind').toBe(before);
});

describe('creation dtypes', () => {
  it.each([
    ['tensor', () => tensor([1, 2], [2], bad('float64'))],
    ['full', () => full([2], 1, bad('banana'))],
    ['zeros', () => zeros([2], bad('float64'))],
    ['ones', () => ones([2], bad('int64'))],
    ['range', () => range(0, 3, 1, bad('uint8'))],
    ['cast', () => withInput(zeros([1]), (x) => cast(x, bad('float16')))],
  ])(
    '%s refuses a dtype that is not float32 or int32, naming the argument and the allowed ones',
    (op, make) => {
      expectError(() => make()?.dispose(), 'DTYPE', `${op}: dtype`, "'float32' or 'int32'");
    },
  );

  it('still makes both dtypes', () => {
    const t = zeros([2], 'int32');
    expect(t.dtype).toBe('int32');
    t.dispose();
  });
});

describe('int32 conversion from JavaScript numbers', () => {
  it.each([
    [3e9, '[1]'],
    [-3e9, '[1]'],
    [Number.NaN, '[1]'],
    [Number.POSITIVE_INFINITY, '[1]'],
    [2 ** 31, '[1]'],
  ])('tensor refuses %s with RANGE naming its index', (value, index) => {
    expectError(
      () => tensor([0, value, 2], [3], 'int32'),
      'RANGE',
      `tensor: values${index} is ${value}`,
      'int32',
    );
  });

  it('names the position in a nested array by its multi-index', () => {
    expectError(
      () =>
        tensor(
          [
            [1, 2],
            [3, Number.NaN],
          ],
          undefined,
          'int32',
        ),
      'RANGE',
      'values[1,1] is NaN',
    );
  });

  it('keeps the int32 extremes and truncates fractions toward zero (documented)', () => {
    const t = tensor([-(2 ** 31), 2 ** 31 - 1, 2.9, -2.9, 2 ** 31 - 0.5], [5], 'int32');
    expect(Array.from(t.data())).toEqual([-(2 ** 31), 2 ** 31 - 1, 2, -2, 2 ** 31 - 1]);
    t.dispose();
  });

  it('full and range refuse values int32 cannot hold', () => {
    expectError(() => full([2], 3e9, 'int32'), 'RANGE', 'full: value is 3000000000');
    expectError(() => full([2], Number.NaN, 'int32'), 'RANGE', 'full: value is NaN');
    expectError(
      () => range(2 ** 31 - 2, 2 ** 31 + 2, 1, 'int32'),
      'RANGE',
      'range: the last value',
    );
  });

  it('costs little: converting 1e6 numbers stays within a few times a plain Int32Array.from', () => {
    const values = Array.from({ length: 1_000_000 }, (_, i) => i % 1000);
    const time = (fn: () => void) => {
      let best = Number.POSITIVE_INFINITY;
      for (let r = 0; r < 5; r++) {
        const t0 = performance.now();
        fn();
        best = Math.min(best, performance.now() - t0);
      }
      return best;
    };
    const plain = time(() => Int32Array.from(values));
    const checked = time(() => tensor(values, [values.length], 'int32').dispose());
    expect(checked).toBeLessThan(plain * 4 + 5);
  });
});

describe('random creation without a seed or rng', () => {
  it.each([
    ['randomNormal', () => (randomNormal as (s: number[]) => unknown)([2, 2])],
    ['randomUniform', () => (randomUniform as (s: number[]) => unknown)([2, 2])],
    ['randomNormal', () => randomNormal([2, 2], {})],
  ])('%s says to give a seed or an rng (not a TypeError)', (op, make) => {
    expectError(make, 'ARGUMENT', `${op}: give a seed or an rng`);
  });

  it('refuses unknown options, a non-finite seed and non-finite parameters', () => {
    expectError(
      () => randomNormal([2], { seed: 1, stddev: 2 } as never),
      'ARGUMENT',
      "randomNormal: unknown option 'stddev'",
    );
    expectError(
      () => randomUniform([2], { seed: Number.NaN }),
      'ARGUMENT',
      'seed must be a finite number',
    );
    expectError(() => randomNormal([2], { seed: 1, std: -1 }), 'RANGE', 'std must be ≥ 0');
    expectError(
      () => randomUniform([2], { seed: 1, high: Number.POSITIVE_INFINITY }),
      'RANGE',
      'high',
    );
  });
});

describe('allocation size', () => {
  it.each([
    ['zeros', () => zeros([1e7, 4e7])],
    ['full', () => full([1e7, 4e7], 1)],
    ['randomNormal', () => randomNormal([1e7, 4e7], { seed: 1 })],
    ['randomUniform', () => randomUniform([1e7, 4e7], { seed: 1 })],
    ['tensor', () => tensor([], [1e7, 4e7, 0 + 1])],
    ['eye', () => eye(1e6)],
    ['range', () => range(0, 1e12)],
    ['oneHot', () => withInput(zeros([1e5], 'int32'), (x) => oneHot(x, 1e5))],
  ])('%s refuses an absurd element count with RANGE naming the shape and the limit', (op, make) => {
    expectError(() => make().dispose(), 'RANGE', `${op}:`, String(MAX_TENSOR_SIZE), 'elements');
  });

  it('names the shape', () => {
    expectError(() => zeros([1e7, 4e7]), 'RANGE', '[10000000,40000000]');
  });
});
