import { describe, expect, it } from 'vitest';
import {
  add,
  logSoftmax,
  matmul,
  memory,
  ones,
  RecurError,
  randomNormal,
  sum,
  tensor,
  tidy,
  zeros,
} from './index.js';

describe('Tensor', () => {
  it('builds from nested arrays and reads back', () => {
    const t = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.dtype).toBe('float32');
    expect(t.toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    t.dispose();
  });

  it('reshapes without copying and frees shared storage once both are disposed', () => {
    const before = memory();
    const t = tensor([1, 2, 3, 4, 5, 6]);
    const v = t.reshape([3, -1]);
    expect(v.shape).toEqual([3, 2]);
    expect(memory().numBuffers).toBe(before.numBuffers + 1);
    t.dispose();
    expect(v.toArray()).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    v.dispose();
    expect(memory().numBuffers).toBe(before.numBuffers);
    expect(memory().numTensors).toBe(before.numTensors);
  });

  it('tidy frees intermediates and keeps the result', () => {
    const before = memory().numTensors;
    const out = tidy(() => sum(add(ones([4, 4]), zeros([4]))));
    expect(out.item()).toBe(16);
    expect(memory().numTensors).toBe(before + 1);
    out.dispose();
    expect(memory().numTensors).toBe(before);
  });

  it('is reproducible from a seed', () => {
    const a = randomNormal([5], { seed: 7 });
    const b = randomNormal([5], { seed: 7 });
    expect(Array.from(a.data())).toEqual(Array.from(b.data()));
    a.dispose();
    b.dispose();
  });

  it('names the op, arguments and shapes in errors', () => {
    const a = zeros([3, 4]);
    const b = zeros([5, 2]);
    expect(() => matmul(a, b)).toThrow(
      'matmul: a is [3,4] and b is [5,2]; inner dimensions 4 and 5 differ',
    );
    a.dispose();
    expect(() => matmul(a, b)).toThrowError(RecurError);
    b.dispose();
  });
});

describe('logSoftmax precision', () => {
  it('keeps log(1/3) for a row of three equal huge negative logits', () => {
    const x = tensor([[-1e30, -1e30, -1e30]]);
    const y = logSoftmax(x);
    for (const v of y.data()) expect(v).toBeCloseTo(Math.log(1 / 3), 5);
    x.dispose();
    y.dispose();
  });
});
