import { backward, mul, parameter, square, sum } from '@recur/autograd';
import { memory, type Tensor, tensor, tidy } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { clipGradNorm } from './clip-grad-norm.js';
import { gradientNorms } from './gradients.js';

const holder = (values: number[], shape?: number[], name?: string) => ({
  grad: tensor(values, shape ?? [values.length]) as Tensor | null,
  name,
});
const values = (h: { grad: Tensor | null }) => Array.from(h.grad!.data());

describe('clipGradNorm', () => {
  it('scales one gradient [3, 4] (norm 5) to norm 1, keeping its direction', () => {
    const g = holder([3, 4]);
    const result = clipGradNorm([g], 1);
    expect(result.totalNorm).toBe(5);
    expect(result.coefficient).toBeCloseTo(0.2, 12);
    expect(result.clipped).toBe(true);
    expect(values(g)[0]).toBeCloseTo(0.6, 6);
    expect(values(g)[1]).toBeCloseTo(0.8, 6);
    expect(gradientNorms([g]).totalNorm).toBeCloseTo(1, 6);
  });

  it('leaves gradients untouched at the threshold (n == τ) and below it', () => {
    const g = holder([3, 4]);
    const before = g.grad;
    const at = clipGradNorm([g], 5);
    expect(at).toMatchObject({ totalNorm: 5, coefficient: 1, clipped: false, finite: true });
    expect(g.grad).toBe(before); // not even a new tensor
    expect(clipGradNorm([g], 6).clipped).toBe(false);
    expect(values(g)).toEqual([3, 4]);
  });

  it('does nothing to all-zero gradients (total norm 0)', () => {
    const g = holder([0, 0, 0]);
    const result = clipGradNorm([g], 1);
    expect(result).toMatchObject({ totalNorm: 0, clipped: false, coefficient: 1 });
    expect(values(g)).toEqual([0, 0, 0]);
  });

  it('uses ONE global norm over mixed shapes and scales all by the same coefficient', () => {
    const a = holder([1, 2, 3, 4, 5, 6], [2, 3], 'W');
    const b = holder([2, 2, 2, 2], [4], 'b');
    const c = holder([7], [], 'scalar');
    const expected = Math.sqrt(1 + 4 + 9 + 16 + 25 + 36 + 16 + 49); // 152
    const result = clipGradNorm([a, b, c], 2);
    expect(result.totalNorm).toBeCloseTo(expected, 10);
    expect(result.parameters.map((p) => p.name)).toEqual(['W', 'b', 'scalar']);
    expect(result.parameters[0]!.norm).toBeCloseTo(Math.sqrt(91), 10);
    const k = 2 / expected;
    expect(values(a).map((v, i) => v / (i + 1))).toEqual(
      Array(6)
        .fill(0)
        .map(() => expect.closeTo(k, 6)),
    );
    expect(values(b)).toEqual(Array(4).fill(expect.closeTo(2 * k, 6)));
    expect(a.grad!.shape).toEqual([2, 3]);
    expect(c.grad!.shape).toEqual([]);
    expect(gradientNorms([a, b, c]).totalNorm).toBeCloseTo(2, 5);
  });

  it('clips by the infinity norm: the largest |g| over all parameters becomes τ', () => {
    const a = holder([1, -8]);
    const b = holder([4, 2]);
    const result = clipGradNorm([a, b], 2, { normType: Number.POSITIVE_INFINITY });
    expect(result.totalNorm).toBe(8);
    expect(result.coefficient).toBe(0.25);
    expect(values(a)).toEqual([0.25, -2]);
    expect(values(b)).toEqual([1, 0.5]);
  });

  it('supports the 1-norm', () => {
    const a = holder([1, -3]);
    const b = holder([2]);
    expect(clipGradNorm([a, b], 3, { normType: 1 }).totalNorm).toBe(6);
    expect(values(a)).toEqual([0.5, -1.5]);
  });

  it('skips parameters whose grad is null', () => {
    const none = { grad: null as Tensor | null, name: 'unused' };
    const g = holder([6, 8], undefined, 'used');
    const result = clipGradNorm([none, g], 5);
    expect(none.grad).toBeNull();
    expect(result.parameters).toEqual([{ name: 'used', norm: 10 }]);
    expect(values(g)).toEqual([3, 4]);
    expect(clipGradNorm([none], 1)).toMatchObject({ totalNorm: 0, clipped: false });
  });

  it('names parameters by record key', () => {
    const result = clipGradNorm({ W_ah: holder([3]), b_h: holder([4]) }, 100);
    expect(result.parameters).toEqual([
      { name: 'W_ah', norm: 3 },
      { name: 'b_h', norm: 4 },
    ]);
  });

  it('throws NONFINITE naming the parameters with errorIfNonfinite', () => {
    const params = {
      W_xh: holder([1, 2]),
      W_ah: holder([Number.NaN, 1]),
      b_h: holder([Number.POSITIVE_INFINITY]),
    };
    expect(() => clipGradNorm(params, 1, { errorIfNonfinite: true })).toThrow(
      expect.objectContaining({
        code: 'NONFINITE',
        message: expect.stringMatching(/'W_ah'.*'b_h'/),
      }),
    );
    expect(() => clipGradNorm(params, 1, { errorIfNonfinite: true })).not.toThrow(/W_xh/);
  });

  it('leaves non-finite gradients unchanged without errorIfNonfinite and says so', () => {
    const a = holder([Number.POSITIVE_INFINITY, 1]);
    const b = holder([3, 4]);
    const result = clipGradNorm([a, b], 1);
    expect(result).toMatchObject({
      totalNorm: Number.POSITIVE_INFINITY,
      finite: false,
      clipped: false,
      coefficient: 1,
    });
    expect(values(b)).toEqual([3, 4]);
    expect(Number.isNaN(clipGradNorm([holder([Number.NaN])], 1).totalNorm)).toBe(true);
  });

  it('clips huge but finite gradients whose float32 sum of squares overflows', () => {
    const g = holder([3e25, 4e25]);
    const result = clipGradNorm([g], 1);
    expect(result.finite).toBe(true);
    expect(result.totalNorm / 5e25).toBeCloseTo(1, 5);
    expect(values(g)[0]).toBeCloseTo(0.6, 5);
    expect(values(g)[1]).toBeCloseTo(0.8, 5);
  });

  it('rejects a negative or NaN maxNorm and a bad normType', () => {
    expect(() => clipGradNorm([holder([1])], -1)).toThrow(
      expect.objectContaining({ code: 'RANGE' }),
    );
    expect(() => clipGradNorm([holder([1])], Number.NaN)).toThrow(/maxNorm/);
    expect(() => clipGradNorm([holder([1])], 1, { normType: 0 })).toThrow(/normType/);
    expect(() => clipGradNorm([{ value: 1 } as never], 1)).toThrow(/grad/);
  });

  it('keeps live tensor counts flat: the old gradients are disposed', () => {
    const gs = [holder([3, 4]), holder([1, 2, 3], [3])];
    const before = memory().numTensors;
    for (let i = 0; i < 20; i++) {
      for (const g of gs) {
        const size = g.grad!.size;
        g.grad!.dispose();
        g.grad = tensor([3, 4, 5].slice(0, size).map((v) => v * (i + 1)));
      }
      expect(clipGradNorm(gs, 0.5).clipped).toBe(true);
      expect(memory().numTensors).toBe(before);
    }
  });

  it('clips the gradients of autograd parameters inside tidy, and they survive the scope', () => {
    const W = parameter(
      tensor([
        [1, 2],
        [3, 4],
      ]),
      'W',
    );
    const b = parameter(tensor([1, 1]), 'b');
    const before = memory().numTensors;
    for (let step = 0; step < 5; step++) {
      W.zeroGrad();
      b.zeroGrad();
      const result = tidy(() => {
        backward(sum(square(mul(W, 10))));
        backward(sum(mul(b, 100)));
        return clipGradNorm({ W, b }, 1);
      });
      expect(result.clipped).toBe(true);
      expect(gradientNorms({ W, b }).totalNorm).toBeCloseTo(1, 5);
    }
    expect(W.grad!.isDisposed).toBe(false);
    expect(memory().numTensors).toBe(before + 2); // exactly the two clipped gradients
    W.dispose();
    b.dispose();
  });
});
