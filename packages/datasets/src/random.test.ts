import { describe, expect, it } from 'vitest';
import { DatasetError } from './errors.js';
import { permutation, SeededRng, shuffled } from './random.js';

describe('SeededRng', () => {
  it('draws the mulberry32 stream: same seed, same numbers; floats in [0, 1)', () => {
    const a = new SeededRng(42);
    const b = new SeededRng(42);
    const xs = Array.from({ length: 1000 }, () => a.next());
    expect(Array.from({ length: 1000 }, () => b.next())).toEqual(xs);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.03);
    expect(new SeededRng(43).next()).not.toBe(new SeededRng(42).next());
  });

  it('resumes exactly from a saved state (JSON round trip)', () => {
    const rng = new SeededRng(7);
    for (let i = 0; i < 10; i++) rng.next();
    const state = JSON.parse(JSON.stringify(rng.getState()));
    const expected = Array.from({ length: 5 }, () => rng.next());
    const resumed = new SeededRng(0);
    resumed.setState(state);
    expect(Array.from({ length: 5 }, () => resumed.next())).toEqual(expected);
    expect(() => resumed.setState({ state: Number.NaN })).toThrow(DatasetError);
  });
});

describe('shuffling', () => {
  it('permutation is a seeded permutation', () => {
    const p = permutation(50, { seed: 3 });
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(permutation(50, { seed: 3 })).toEqual(p);
    expect(permutation(50, { seed: 4 })).not.toEqual(p);
  });

  it('shuffled leaves its input alone and draws from a given rng', () => {
    const items = ['a', 'b', 'c', 'd', 'e', 'f'];
    const rng = new SeededRng(1);
    const first = shuffled(items, { rng });
    const second = shuffled(items, { rng });
    expect(items).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(first.slice().sort()).toEqual(items);
    expect(second).not.toEqual(first);
  });
});
