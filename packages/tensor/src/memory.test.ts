import { describe, expect, it } from 'vitest';
import { memory, ones, TENSORS, tidy, zeros } from './index.js';
import type { Tensor } from './tensor.js';

class Holder {
  constructor(public value: Tensor) {}
  [TENSORS]() {
    return [this.value];
  }
}

describe('tidy with objects that hold tensors', () => {
  it('keeps the tensors a returned holder exposes and frees the rest', () => {
    const before = memory().numTensors;
    const holder = tidy(() => {
      zeros([3]);
      return new Holder(ones([2]));
    });
    expect(holder.value.isDisposed).toBe(false);
    expect(Array.from(holder.value.data())).toEqual([1, 1]);
    expect(memory().numTensors).toBe(before + 1);
    holder.value.dispose();
    expect(memory().numTensors).toBe(before);
  });
});
