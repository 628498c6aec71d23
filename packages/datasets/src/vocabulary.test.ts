import { describe, expect, it } from 'vitest';
import { DatasetError } from './errors.js';
import { Vocabulary, type VocabularyJSON } from './vocabulary.js';

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

  it('refuses every malformed vocabulary JSON with a FORMAT error naming the field', () => {
    const good: VocabularyJSON = {
      version: 1,
      tokens: ['<pad>', '<unk>', 'a', 'b'],
      specials: { pad: '<pad>', unk: '<unk>' },
    };
    const bad: [unknown, RegExp][] = [
      [null, /expected an object/],
      [[], /expected an object/],
      ['[1]', /expected an object/],
      [{ ...good, version: '1' }, /version is 1; expected 1/],
      [{ ...good, extra: true }, /unknown field "extra"/],
      [{ ...good, tokens: 'ab' }, /tokens must be an array/],
      [
        { ...good, tokens: ['<pad>', '<unk>', 'a', 'a'] },
        /token "a" appears twice \(ids 2 and 3\)/,
      ],
      [{ ...good, tokens: ['<pad>', '<unk>', 7] }, /tokens\[2\] is number/],
      [{ ...good, tokens: ['<pad>', '<unk>', null] }, /tokens\[2\] is null/],
      [
        { ...good, tokens: ['<pad>', '<unk>', 'x'.repeat(2 ** 16 + 1)] },
        /tokens\[2\] is 65537 characters/,
      ],
      [{ ...good, specials: null }, /specials must be an object/],
      [{ ...good, specials: ['<pad>'] }, /specials must be an object/],
      [{ ...good, specials: { pad: 0 } }, /specials.pad is number/],
      [{ ...good, specials: { pad: '<pad>', mask: '<unk>' } }, /unknown special "mask"/],
      [{ ...good, specials: { unk: '<unk>' } }, /specials.unk "<unk>" is token 1;.*expected id 0/],
      [{ ...good, specials: { pad: '<unk>', unk: '<pad>' } }, /specials.pad "<unk>" is token 1/],
      [{ ...good, specials: { pad: '<pad>', unk: '<pad>' } }, /specials.unk "<pad>" is token 0/],
      [{ ...good, specials: { pad: '<pad>', unk: 'zzz' } }, /not among the tokens/],
      ['{"version":1,"tokens":[],"specials":{"__proto__":"x"}}', /unknown special "__proto__"/],
      ['{"__proto__":{"version":1},"tokens":[],"specials":{}}', /unknown field "__proto__"/],
      ['{oops', /not valid JSON/],
    ];
    for (const [json, pattern] of bad) {
      const text = typeof json === 'string' ? json : JSON.stringify(json);
      for (const input of [text, json]) {
        let caught: unknown;
        try {
          Vocabulary.fromJSON(input as never);
        } catch (error) {
          caught = error;
        }
        if (typeof input !== 'string' && typeof json === 'string') continue;
        expect(caught, text.slice(0, 80)).toBeInstanceOf(DatasetError);
        expect((caught as DatasetError).code).toBe('FORMAT');
        expect((caught as DatasetError).message).toMatch(pattern);
      }
    }
    expect(Vocabulary.fromJSON(good).unkId).toBe(1);
    expect(
      Vocabulary.fromJSON({ version: 1, tokens: ['__proto__'], specials: {} }).idOf('__proto__'),
    ).toBe(0);
  });

  it('refuses a JSON text or token list beyond its limits before reading it', () => {
    const many = { version: 1, tokens: new Array(2 ** 24 + 1), specials: {} } as VocabularyJSON;
    expect(() => Vocabulary.fromJSON(many)).toThrow(/16777217 tokens; at most 16777216/);
    const huge = ' '.repeat(2 ** 28 + 1);
    const started = performance.now();
    expect(() => Vocabulary.fromJSON(huge)).toThrow(/at most 268435456 are read/);
    expect(performance.now() - started).toBeLessThan(50);
  });

  it('rejects malformed JSON, duplicates and out-of-range ids', () => {
    expect(() => Vocabulary.fromJSON('{oops')).toThrow(DatasetError);
    expect(() => Vocabulary.fromJSON({ version: 2 } as never)).toThrow(/version is 2; expected 1/);
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
