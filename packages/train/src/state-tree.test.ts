import { constant, mul, parameter, Variable } from '@recur/autograd';
import { memory, tensor } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { detachState, disposeState, flattenState, unflattenState } from './state-tree.js';

describe('state trees', () => {
  it('detaches every Variable of a nested state into kept leaves, and flattens it for checkpoints', () => {
    const w = parameter(tensor([2]), 'w');
    const before = memory().numTensors;
    const state = { layers: [{ a: mul(w, 3), c: mul(w, 4) }], step: 7 };
    const detached = detachState(state);
    const a = detached.layers[0]!.a;
    expect(a).toBeInstanceOf(Variable);
    expect(a.creator).toBeNull();
    expect(a.requiresGrad).toBe(false);
    expect(a.value.toArray()).toEqual([6]);
    expect(detached.step).toBe(7);
    const flat = flattenState(detached);
    expect(Object.keys(flat.tensors)).toEqual(['state/layers/0/a', 'state/layers/0/c']);
    expect(flat.skeleton).toEqual({
      layers: [{ a: { $variable: 'state/layers/0/a' }, c: { $variable: 'state/layers/0/c' } }],
      step: 7,
    });
    const rebuilt = unflattenState(flat.skeleton, flat.tensors) as typeof detached;
    expect(rebuilt.layers[0]!.c.value.toArray()).toEqual([8]);
    disposeState([state, detached, rebuilt]);
    expect(memory().numTensors).toBe(before);
    expect(flattenState(undefined).skeleton).toBeNull();
    expect(unflattenState(null, {})).toBeUndefined();
    expect(() => unflattenState({ $tensor: 'x' }, {})).toThrow(/no tensor 'x'/);
    disposeState(constant(tensor([1])));
    w.dispose();
  });

  it('recognises tensors and variables by their brand, not their class (another copy of autograd)', () => {
    const before = memory().numTensors;
    const value = tensor([1, 2]);
    const foreign = Object.assign(
      Object.create(
        Object.defineProperty({}, Symbol.for('recur.autograd.Variable'), { value: true }),
      ),
      { value, requiresGrad: false, grad: null, creator: null },
    ) as Variable;
    expect(foreign instanceof Variable).toBe(false);
    const flat = flattenState({ a: foreign });
    expect(flat.skeleton).toEqual({ a: { $variable: 'state/a' } });
    expect(flat.tensors['state/a']).toBe(value);
    value.dispose();
    expect(memory().numTensors).toBe(before);
  });
});
