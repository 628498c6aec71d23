import { memory, tensor, tidy } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { mul } from './ops/elementwise.js';
import { Variable } from './variable.js';

describe('Variable inside tidy', () => {
  it('survives being returned from tidy, with its value intact', () => {
    const before = memory().numTensors;
    const v = tidy(() => {
      const x = new Variable(tensor([1, 2, 3]));
      return mul(x, 2);
    });
    expect(Array.from(v.value.data())).toEqual([2, 4, 6]);
    v.dispose();
    expect(memory().numTensors).toBe(before);
  });
});
