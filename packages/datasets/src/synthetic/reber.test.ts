import { describe, expect, it } from 'vitest';
import { DatasetError } from '../errors.js';
import { SeededRng } from '../random.js';
import {
  embeddedReberString,
  REBER_SYMBOLS,
  reberData,
  reberPredictionCorrect,
  reberString,
  reberValidNext,
} from './reber.js';

/**
 * The Reber grammar written independently as a regular expression: reach the X-T*-V-P cycle
 * through "TS*X" or "PT*VP", go round it, leave through "S" or "XT*VV"; or take "PT*VV" directly.
 */
const reberRegex = /^B(?:(?:TS*X|PT*VP)(?:XT*VP)*(?:S|XT*VV)|PT*VV)E$/;

describe('Reber grammar', () => {
  it('generates strings of the grammar (checked against a regular expression)', () => {
    const rng = new SeededRng(1);
    const strings = Array.from({ length: 500 }, () => reberString(rng));
    for (const s of strings) expect(reberRegex.test(s)).toBe(true);
    expect(new Set(strings).size).toBeGreaterThan(50);
    expect(reberRegex.test('BTSSXXTVVE')).toBe(true);
    expect(reberRegex.test('BTXE')).toBe(false);
  });

  it('embedded strings repeat their second symbol second-to-last around a Reber string', () => {
    const rng = new SeededRng(2);
    for (let i = 0; i < 300; i++) {
      const s = embeddedReberString(rng);
      expect(s[0]).toBe('B');
      expect(s.at(-1)).toBe('E');
      expect(s.at(-2)).toBe(s[1]);
      expect(reberRegex.test(s.slice(2, -2))).toBe(true);
    }
  });

  it('lists the valid next symbols at every step', () => {
    expect(reberValidNext('BTSXSE', { embedded: false })).toEqual([
      ['T', 'P'],
      ['S', 'X'],
      ['S', 'X'],
      ['X', 'S'],
      ['E'],
    ]);
    const valid = reberValidNext('BPBTXSEPE');
    expect(valid).toHaveLength(8);
    expect(valid[0]).toEqual(['T', 'P']);
    expect(valid[1]).toEqual(['B']);
    expect(valid[6]).toEqual(['P']);
    expect(valid[7]).toEqual(['E']);
    expect(() => reberValidNext('BTBTXXE')).toThrow(DatasetError);
    expect(() => reberValidNext('BTBTSXSETE', { embedded: true })).not.toThrow();
    expect(() => reberValidNext('BTBTSXSEPE')).toThrow(/at index 8 expected T, found "P"/);
  });

  it('scores a predictor by the paper’s criterion: valid symbols rank above all others', () => {
    const text = 'BTBPVVETE';
    const valid = reberValidNext(text);
    const perfect = new Float32Array(valid.length * 7);
    valid.forEach((symbols, t) => {
      for (const s of symbols) perfect[t * 7 + REBER_SYMBOLS.indexOf(s)] = 1;
    });
    expect(reberPredictionCorrect(perfect, text)).toBe(true);
    // A predictor without memory: at the second-to-last step, T and P equally likely.
    const forgetful = perfect.slice();
    forgetful[6 * 7 + REBER_SYMBOLS.indexOf('P')] = 1;
    expect(reberPredictionCorrect(forgetful, text)).toBe(false);
  });

  it('reberData pads inputs/targets and marks valid next symbols', () => {
    const data = reberData({ count: 256, seed: 3 });
    const [N, T] = data.shape;
    expect(N).toBe(256);
    data.strings.forEach((s, n) => {
      expect(data.lengths[n]).toBe(s.length - 1);
      for (let t = 0; t < s.length - 1; t++) {
        expect(REBER_SYMBOLS[data.inputs[n * T + t]!]).toBe(s[t]);
        expect(REBER_SYMBOLS[data.targets[n * T + t]!]).toBe(s[t + 1]);
        // The target is always among the valid next symbols.
        expect(data.validNext[(n * T + t) * 7 + data.targets[n * T + t]!]).toBe(1);
      }
      if (s.length - 1 < T) expect(data.mask[n * T + s.length - 1]).toBe(0);
    });
  });
});
