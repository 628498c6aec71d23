import { describe, expect, it } from 'vitest';
import { type BeamSearchOptions, beamSearch } from './beam-search.js';
import { logSoftmaxOf } from './decoding.js';

/** A Markov "decoder": the next-token distribution depends on the last token only. */
function markov(
  table: number[][],
): (tokens: Int32Array, state: number[]) => { logProbs: Float32Array; state: number[] } {
  const rows = table.map((r) => logSoftmaxOf(r));
  return (tokens, state) => {
    const v = rows[0]!.length;
    const logProbs = new Float32Array(tokens.length * v);
    tokens.forEach((t, i) => {
      logProbs.set(rows[t]!, i * v);
    });
    return { logProbs, state: state.map((s) => s + 1) };
  };
}

// Tokens: 0 = start, 1 = stop, 2 = "a", 3 = "b".
const table = [
  [-9, -9, 1.0, 0.9], // after start: a slightly better than b
  [0, 0, 0, 0],
  [-9, -2, -1, -1], // after a: everything is unlikely-ish
  [-9, 3, -9, -9], // after b: stop almost surely
];

function options(
  overrides: Partial<BeamSearchOptions<number[]>> = {},
): BeamSearchOptions<number[]> {
  return {
    initialState: [0],
    startToken: 0,
    stopToken: 1,
    beamWidth: 2,
    maxLength: 6,
    step: markov(table),
    reorder: (state, rows) => Array.from(rows, (r) => state[r]!),
    ...overrides,
  };
}

/** Exhaustive search over every sequence of up to maxLength tokens. */
function bruteForce(maxLength: number, alpha: number): { tokens: number[]; score: number } {
  const rows = table.map((r) => logSoftmaxOf(r));
  let best = { tokens: [] as number[], score: Number.NEGATIVE_INFINITY };
  const visit = (tokens: number[], last: number, logProb: number): void => {
    if (tokens.length === maxLength) return;
    for (let v = 0; v < 4; v++) {
      const lp = logProb + rows[last]![v]!;
      if (v === 1) {
        const score = lp / (tokens.length + 1) ** alpha;
        if (score > best.score) best = { tokens, score };
      } else visit([...tokens, v], v, lp);
    }
  };
  visit([], 0, 0);
  return best;
}

describe('beamSearch', () => {
  it('finds what greedy misses', () => {
    const greedy = beamSearch(options({ beamWidth: 1, numResults: 1 }))[0]!;
    const beam = beamSearch(options({ beamWidth: 2 }))[0]!;
    expect(greedy.tokens[0]).toBe(2); // greedy commits to "a"
    expect(beam.tokens).toEqual([3]); // beam keeps "b", which ends almost surely
    expect(beam.finished).toBe(true);
    expect(beam.score).toBeGreaterThan(greedy.score);
  });

  it('equals exhaustive search when the beam holds every hypothesis', () => {
    for (const alpha of [0, 0.6, 1]) {
      const best = bruteForce(4, alpha);
      const found = beamSearch(options({ beamWidth: 64, maxLength: 4, lengthPenalty: alpha }))[0]!;
      expect(found.tokens).toEqual(best.tokens);
      expect(found.score).toBeCloseTo(best.score, 5);
    }
  });

  it('returns hypotheses best first, with log-probabilities that add up', () => {
    const results = beamSearch(options({ beamWidth: 3, maxLength: 3 }));
    expect(results.length).toBe(3);
    for (let i = 1; i < results.length; i++)
      expect(results[i - 1]!.score).toBeGreaterThanOrEqual(results[i]!.score);
    const rows = table.map((r) => logSoftmaxOf(r));
    for (const h of results) {
      let last = 0;
      let lp = 0;
      for (const t of h.tokens) {
        lp += rows[last]![t]!;
        last = t;
      }
      if (h.finished) lp += rows[last]![1]!;
      expect(h.logProb).toBeCloseTo(lp, 5);
    }
  });

  it('releases every state it made and never the initial one', () => {
    const live = new Set<number[]>();
    const initialState = [0];
    const step = markov(table);
    beamSearch(
      options({
        initialState,
        beamWidth: 3,
        step: (tokens, state) => {
          const out = step(tokens, state);
          live.add(out.state);
          return out;
        },
        reorder: (state, rows) => {
          const next = Array.from(rows, (r) => state[r]!);
          live.add(next);
          return next;
        },
        release: (state) => {
          expect(state).not.toBe(initialState);
          expect(live.delete(state)).toBe(true);
        },
      }),
    );
    expect(live.size).toBe(0);
  });

  it('checks its options', () => {
    expect(() => beamSearch(options({ beamWidth: 0 }))).toThrow(/beamWidth/);
    expect(() => beamSearch(options({ numResults: 5 }))).toThrow(/numResults/);
    expect(() => beamSearch(options({ lengthPenalty: -1 }))).toThrow(/lengthPenalty/);
  });
});
