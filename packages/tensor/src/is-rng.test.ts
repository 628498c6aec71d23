import { describe, expect, it } from 'vitest';
import { memory } from './memory.js';
import { randomNormal, randomUniform } from './ops/creation.js';
import { isRng, Rng } from './rng.js';

/**
 * What a generator made by a second copy of this package looks like: another class (so
 * `instanceof Rng` is false), the same `Symbol.for` brand, and working methods.
 */
function otherCopyRng(seed: number): Rng {
  const real = new Rng(seed);
  const otherPrototype = Object.defineProperty({}, Symbol.for('recur.tensor.Rng'), {
    value: true,
  });
  return new Proxy(real, {
    getPrototypeOf: () => otherPrototype,
    get: (target, key) => {
      const value = Reflect.get(target, key);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe('isRng', () => {
  it('recognises generators, and nothing else', () => {
    expect(isRng(new Rng(1))).toBe(true);
    for (const other of [null, undefined, 3, 'x', [1], { next: () => 0.5 }, Math]) {
      expect(isRng(other)).toBe(false);
    }
  });

  it('checks the Symbol.for brand, so a generator of another copy is accepted as rng', () => {
    const before = memory().numTensors;
    const foreign = otherCopyRng(5);
    expect(foreign instanceof Rng).toBe(false);
    expect(isRng(foreign)).toBe(true);
    const drawn = randomNormal([4], { rng: foreign });
    const expected = randomNormal([4], { rng: new Rng(5) });
    expect(drawn.toArray()).toEqual(expected.toArray());
    drawn.dispose();
    expected.dispose();
    expect(memory().numTensors).toBe(before);
  });

  it('still refuses what is not an Rng, with the same message', () => {
    const before = memory().numTensors;
    expect(() => randomUniform([2], { rng: { next: () => 0.5 } as never })).toThrow(
      'randomUniform: rng must be an Rng, got object',
    );
    expect(memory().numTensors).toBe(before);
  });
});
