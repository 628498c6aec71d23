import { describe, expect, it } from 'vitest';
import { cmudictSymbols, loadCmudict } from './cmudict.js';

describe('CMUdict', () => {
  const pairs = loadCmudict();

  it('gives one pronunciation per word of letters and apostrophes, lowercased', () => {
    expect(pairs).toHaveLength(123_874);
    const byWord = new Map(pairs.map((p) => [p.word, p.phonemes]));
    expect(byWord.get('read')).toEqual(['R', 'EH1', 'D']);
    expect(byWord.get('aardvark')).toEqual(['AA1', 'R', 'D', 'V', 'AA2', 'R', 'K']);
    expect(pairs.every((p) => /^[a-z']+$/.test(p.word))).toBe(true);
    const symbols = new Set(cmudictSymbols());
    expect(symbols.size).toBe(84);
    expect(pairs.every((p) => p.phonemes.every((s) => symbols.has(s)))).toBe(true);
  });

  it('keeps variants on request and strips stress to the 39 phonemes', () => {
    const all = loadCmudict({ variants: 'all', stress: false });
    expect(all.filter((p) => p.word === 'read').map((p) => p.phonemes.join(' '))).toEqual([
      'R EH D',
      'R IY D',
    ]);
    expect(cmudictSymbols({ stress: false })).toHaveLength(39);
    expect(new Set(all.flatMap((p) => p.phonemes)).size).toBe(39);
  });
});
