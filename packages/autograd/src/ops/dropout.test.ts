import { memory, RecurError, Rng, tensor } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { backward } from '../backward.js';
import { check, uniform } from '../test-helpers.js';
import { constant, parameter } from '../variable.js';
import { dropout } from './dropout.js';
import { sum } from './reduce.js';

describe('dropout', () => {
  it('zeroes about `rate` of the elements and scales the rest by 1/(1 − rate)', () => {
    const x = constant(tensor(new Float32Array(10_000).fill(1), [100, 100]));
    const y = dropout(x, 0.3, new Rng(1));
    const values = Array.from(y.value.data());
    const dropped = values.filter((v) => v === 0).length / values.length;
    expect(dropped).toBeGreaterThan(0.27);
    expect(dropped).toBeLessThan(0.33);
    expect(values.filter((v) => v !== 0).every((v) => Math.abs(v - 1 / 0.7) < 1e-6)).toBe(true);
    x.dispose();
    y.dispose();
  });

  it('is the identity when not training or at rate 0, reproducible from the rng', () => {
    const x = constant(tensor([1, 2, 3]));
    expect(dropout(x, 0.5, new Rng(1), false)).toBe(x);
    expect(dropout(x, 0, new Rng(1))).toBe(x);
    const a = dropout(x, 0.5, new Rng(7));
    const b = dropout(x, 0.5, new Rng(7));
    expect(Array.from(a.value.data())).toEqual(Array.from(b.value.data()));
    for (const v of [x, a, b]) v.dispose();
    expect(() => dropout(tensor([1]), 1.5, new Rng(1))).toThrow(RecurError);
  });

  it('backward multiplies by the same mask; passes gradcheck with a fixed seed', () => {
    const w = parameter(tensor([1, 1, 1, 1, 1, 1]));
    const y = dropout(w, 0.5, new Rng(3));
    const forward = Array.from(y.value.data());
    backward(sum(y));
    expect(Array.from(w.grad!.data())).toEqual(forward);
    w.dispose();
    y.dispose();
    check((x) => dropout(x, 0.4, new Rng(5)), [uniform([4, 5], 1)]);
  });

  it('frees its mask with the graph', () => {
    const w = parameter(tensor([1, 2, 3]));
    const before = memory().numTensors;
    const y = dropout(w, 0.5, new Rng(2));
    const loss = sum(y);
    backward(loss); // releases the mask; y, loss and w.grad remain
    expect(memory().numTensors).toBe(before + 3);
    w.dispose();
    y.dispose();
    loss.dispose();
  });

  it('draws from an Rng of another copy of @recur/tensor (its Symbol.for brand), refuses a plain object', () => {
    const before = memory().numTensors;
    const real = new Rng(7);
    const brand = Object.defineProperty({}, Symbol.for('recur.tensor.Rng'), { value: true });
    // Another copy's class: `instanceof Rng` fails, the brand and the methods are there.
    const foreign = new Proxy(real, {
      getPrototypeOf: () => brand,
      get: (target, key) => {
        const value = Reflect.get(target, key);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    expect(foreign instanceof Rng).toBe(false);
    const x = constant(tensor([1, 2, 3, 4, 5, 6]));
    const a = dropout(x, 0.5, foreign);
    const b = dropout(x, 0.5, new Rng(7));
    expect(Array.from(a.value.data())).toEqual(Array.from(b.value.data()));
    expect(() => dropout(x, 0.5, { next: () => 0.5 } as never)).toThrow(
      'dropout: rng must be an Rng (e.g. new Rng(42)), so masks are reproducible',
    );
    for (const v of [x, a, b]) v.dispose();
    expect(memory().numTensors).toBe(before);
  });
});
