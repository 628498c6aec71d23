import { describe, expect, it } from 'vitest';
import { Rng, type RngState } from './rng.js';

describe('Rng state', () => {
  it('resumes exactly from getState(), through JSON', () => {
    const rng = new Rng(7);
    rng.normal(); // leaves a cached normal
    const state = JSON.parse(JSON.stringify(rng.getState())) as RngState;
    const resumed = new Rng(1);
    resumed.setState(state);
    expect([resumed.normal(), resumed.next()]).toEqual([rng.normal(), rng.next()]);
  });

  it('refuses states getState() could not have returned, and stays as it was', () => {
    const rng = new Rng(3);
    const before = rng.getState();
    const bad: [unknown, RegExp][] = [
      [null, /state must be an object \{ seed, spare \}, got null/],
      [[1, null], /got an array/],
      [{ seed: -1, spare: null }, /seed must be an integer in \[0, 4294967295\], got -1/],
      [{ seed: 2 ** 32, spare: null }, /got 4294967296/],
      [{ seed: 1.5, spare: null }, /got 1.5/],
      [{ seed: '1', spare: null }, /got 1/],
      [{ spare: null }, /got undefined/],
      [{ seed: 1, spare: Number.NaN }, /spare must be null or a number .* got NaN/],
      [{ seed: 1, spare: 1e308 }, /got 1e\+308/],
      [{ seed: 1, spare: 'x' }, /got x/],
      [{ seed: 1 }, /spare .* got undefined/],
    ];
    for (const [state, message] of bad) {
      expect(() => rng.setState(state as RngState)).toThrow(
        expect.objectContaining({ name: 'RecurError', message: expect.stringMatching(message) }),
      );
    }
    expect(rng.getState()).toEqual(before);
    rng.setState({ seed: 0xffffffff, spare: -6.66 }); // the extremes are accepted
  });
});
