import { memory, type Tensor, tensor } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { clipGradValue } from './clip-grad-value.js';

const holder = (values: number[], shape?: number[]) => ({
  grad: tensor(values, shape ?? [values.length]) as Tensor | null,
});
const values = (h: { grad: Tensor | null }) => Array.from(h.grad!.data());

describe('clipGradValue', () => {
  it('clamps every element to [−v, v] and reports the largest |g| before', () => {
    const a = holder([-7, -0.5, 0, 0.5, 7], [5]);
    const b = holder([1, 2, 3, 4], [2, 2]);
    const result = clipGradValue([a, b], 2);
    expect(result).toMatchObject({ maxAbs: 7, clipped: true, finite: true });
    expect(values(a)).toEqual([-2, -0.5, 0, 0.5, 2]);
    expect(values(b)).toEqual([1, 2, 2, 2]);
    expect(b.grad!.shape).toEqual([2, 2]);
  });

  it('changes nothing (same tensors) when every |g| <= v, including exactly v', () => {
    const a = holder([-2, 1, 2]);
    const before = a.grad;
    expect(clipGradValue([a], 2)).toMatchObject({ maxAbs: 2, clipped: false });
    expect(a.grad).toBe(before);
  });

  it('only replaces the gradients that exceed v', () => {
    const small = holder([0.1]);
    const large = holder([10]);
    const kept = small.grad;
    clipGradValue({ small, large }, 1);
    expect(small.grad).toBe(kept);
    expect(values(large)).toEqual([1]);
  });

  it('turns ±Inf into ±v, keeps NaN, and reports finite: false', () => {
    const a = holder([Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN, 3]);
    const result = clipGradValue([a], 5);
    expect(result.finite).toBe(false);
    const v = values(a);
    expect(v[0]).toBe(5);
    expect(v[1]).toBe(-5);
    expect(Number.isNaN(v[2]!)).toBe(true);
    expect(v[3]).toBe(3);
  });

  it('throws NONFINITE naming the parameter with errorIfNonfinite, changing nothing', () => {
    const params = { W_ah: holder([Number.NaN]), b: holder([9]) };
    expect(() => clipGradValue(params, 1, { errorIfNonfinite: true })).toThrow(
      expect.objectContaining({ code: 'NONFINITE', message: expect.stringContaining("'W_ah'") }),
    );
    expect(values(params.b)).toEqual([9]);
  });

  it('skips null gradients and rejects a negative v', () => {
    const none = { grad: null as Tensor | null };
    expect(clipGradValue([none], 1)).toMatchObject({ maxAbs: 0, clipped: false });
    expect(() => clipGradValue([none], -1)).toThrow(expect.objectContaining({ code: 'RANGE' }));
  });

  it('keeps live tensor counts flat', () => {
    const a = holder([5, -5]);
    const before = memory().numTensors;
    for (let i = 0; i < 10; i++) {
      a.grad!.dispose();
      a.grad = tensor([5 * (i + 2), -1]);
      clipGradValue([a], 1);
      expect(memory().numTensors).toBe(before);
    }
  });
});
