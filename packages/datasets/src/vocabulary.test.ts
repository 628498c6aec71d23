import { describe, expect, it } from 'vitest';
import { DatasetError } from './errors.js';
import { Vocabulary } from './vocabulary.js';

describe('Vocabulary', () => {
  it('puts specials first in the order pad, bos, eos, unk, then tokens by code point', () => {
    const v = Vocabulary.build('hello world');
    expect(v.tokens).toEqual([
      '<pad>',
      '<bos>',
      '<eos>',
      '<unk>',
      ' ',
      'd',
      'e',
      'h',
      'l',
      'o',
      'r',
      'w',
    ]);
    expect([v.padId, v.bosId, v.eosId, v.unkId]).toEqual([0, 1, 2, 3]);
    expect(v.idOf('l')).toBe(8);
    expect(v.tokenOf(8)).toBe('l');
    expect(v.idOf('z')).toBeUndefined();
    expect(v.isSpecial(3)).toBe(true);
    expect(v.isSpecial(4)).toBe(false);
  });

  it('orders words by frequency, trims by minCount and maxSize', () => {
    const words = 'the cat and the dog and the bird'.split(' ');
    const v = Vocabulary.build(words, { order: 'frequency', specials: { bos: false, eos: false } });
    expect(v.tokens).toEqual(['<pad>', '<unk>', 'the', 'and', 'bird', 'cat', 'dog']);
    expect(Vocabulary.build(words, { order: 'frequency', minCount: 2 }).size).toBe(4 + 2);
    const small = Vocabulary.build(words, { order: 'sorted', maxSize: 6 });
    expect(small.tokens).toEqual(['<pad>', '<bos>', '<eos>', '<unk>', 'and', 'the']);
    expect(() => Vocabulary.build(words, { maxSize: 2 })).toThrow(/maxSize/);
  });

  it('gives the same ids whatever the order tokens arrive in', () => {
    const a = Vocabulary.build('abcabc xyz');
    const b = Vocabulary.build('zyx cbacba');
    expect(b.tokens).toEqual(a.tokens);
  });

  it('renames or drops specials; asks for a missing one by name', () => {
    const v = Vocabulary.build('ab', { specials: { pad: '_', bos: false, eos: false, unk: '?' } });
    expect(v.tokens).toEqual(['_', '?', 'a', 'b']);
    expect(v.hasSpecial('bos')).toBe(false);
    expect(() => v.bosId).toThrow(/no BOS token/);
  });

  it('round-trips through toJSON / fromJSON (object and string)', () => {
    const v = Vocabulary.build('the quick brown fox'.split(' '), { specials: { eos: '</s>' } });
    const again = Vocabulary.fromJSON(JSON.stringify(v.toJSON()));
    expect(again.tokens).toEqual(v.tokens);
    expect(again.eosId).toBe(v.eosId);
    expect(again.toJSON()).toEqual(v.toJSON());
    expect(Vocabulary.fromJSON(v.toJSON()).idOf('fox')).toBe(v.idOf('fox'));
  });

  it('rejects malformed JSON, duplicates and out-of-range ids', () => {
    expect(() => Vocabulary.fromJSON('{oops')).toThrow(DatasetError);
    expect(() => Vocabulary.fromJSON({ version: 2 } as never)).toThrow(/version: 1/);
    expect(() => Vocabulary.fromJSON({ version: 1, tokens: ['a', 'a'], specials: {} })).toThrow(
      /appears twice/,
    );
    expect(() =>
      Vocabulary.fromJSON({ version: 1, tokens: ['a'], specials: { unk: 'x' } }),
    ).toThrow(/not among the tokens/);
    expect(() => Vocabulary.build('a').tokenOf(99)).toThrow(/outside \[0, 5\)/);
    expect(() => Vocabulary.fromTokens(['<pad>'])).toThrow(/appears twice/);
  });
});
