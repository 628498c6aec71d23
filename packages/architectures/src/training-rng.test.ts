import { Rng } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { trainingRng } from './training-rng.js';

describe('trainingRng', () => {
  it('takes an Rng of another copy of @recur/tensor (its Symbol.for brand), not a look-alike', () => {
    const brand = Object.defineProperty({}, Symbol.for('recur.tensor.Rng'), { value: true });
    // Another copy's class: `instanceof Rng` fails, the brand is there.
    const foreign = Object.assign(Object.create(brand), { next: () => 0.5 }) as Rng;
    expect(foreign instanceof Rng).toBe(false);
    expect(trainingRng('Model', foreign, 'dropout 0.5 between 2 layers')).toBe(foreign);
    const own = new Rng(1);
    expect(trainingRng('Model', own, null)).toBe(own);
    expect(trainingRng('Model', { next: () => 0.5 }, null)).toBeUndefined();
    expect(() => trainingRng('Model', { next: () => 0.5 }, 'dropout 0.5 between 2 layers')).toThrow(
      /^Model: training with dropout 0\.5 between 2 layers draws random numbers, so it needs an rng .*; got object/,
    );
  });
});
