import { memory, tensor } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { add } from './ops/elementwise.js';
import { constant, isVariable, parameter, Variable, variableOf } from './variable.js';

describe('isVariable', () => {
  it('recognises variables, and not tensors or other values', () => {
    const before = memory().numTensors;
    const w = parameter(tensor([1, 2]));
    const c = constant(tensor([3, 4]));
    const sum = add(w, c);
    for (const v of [w, c, sum]) expect(isVariable(v)).toBe(true);
    for (const other of [w.value, null, undefined, 2, { value: w.value }]) {
      expect(isVariable(other)).toBe(false);
    }
    for (const v of [sum, c, w]) v.dispose();
    expect(memory().numTensors).toBe(before);
  });

  it('checks the Symbol.for brand, so a variable of another copy of autograd counts', () => {
    const before = memory().numTensors;
    // What a Variable of a second copy of @recur/autograd looks like: another class, the same
    // brand. Ops take its value and record gradients for it as for their own variables.
    const value = tensor([5, 6]);
    const foreign = Object.create(
      Object.defineProperty({}, Symbol.for('recur.autograd.Variable'), { value: true }),
    ) as Variable;
    Object.assign(foreign, { value, requiresGrad: false, grad: null, creator: null });
    expect(foreign instanceof Variable).toBe(false);
    expect(isVariable(foreign)).toBe(true);
    expect(variableOf(foreign)).toBe(foreign);
    const out = add(foreign, 1);
    expect(Array.from(out.value.data())).toEqual([6, 7]);
    out.dispose();
    value.dispose();
    expect(memory().numTensors).toBe(before);
  });
});
