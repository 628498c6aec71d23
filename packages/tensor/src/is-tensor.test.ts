import { describe, expect, it } from 'vitest';
import { memory } from './memory.js';
import { checkTensor } from './ops/check.js';
import { tensor } from './ops/creation.js';
import { isTensor, Tensor } from './tensor.js';

describe('isTensor', () => {
  it('recognises tensors, and nothing else', () => {
    const before = memory().numTensors;
    const t = tensor([1, 2, 3]);
    expect(isTensor(t)).toBe(true);
    const view = t.reshape([3, 1]);
    expect(isTensor(view)).toBe(true);
    view.dispose();
    for (const other of [null, undefined, 3, 'x', [1, 2], { shape: [3], dtype: 'float32' }]) {
      expect(isTensor(other)).toBe(false);
    }
    t.dispose();
    expect(isTensor(t)).toBe(true); // disposed, but still a tensor (checkTensor says it is disposed)
    expect(memory().numTensors).toBe(before);
  });

  it('checks the Symbol.for brand, not the class, so a tensor of another copy passes', () => {
    // What a tensor made by a second evaluation of this package looks like: another class, the
    // same Symbol.for brand.
    class OtherCopyTensor {}
    Object.defineProperty(OtherCopyTensor.prototype, Symbol.for('recur.tensor.Tensor'), {
      value: true,
    });
    const foreign = new OtherCopyTensor();
    expect(foreign instanceof Tensor).toBe(false);
    expect(isTensor(foreign)).toBe(true);
  });

  it('is what checkTensor uses', () => {
    expect(() => checkTensor('op', 'x', { shape: [1] })).toThrow(
      'op: x must be a Tensor, got object',
    );
  });
});
