import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DatasetError } from './errors.js';
import { CharTokenizer, lineAndColumn, WordTokenizer } from './tokenizers.js';
import { Vocabulary } from './vocabulary.js';

describe('CharTokenizer', () => {
  it('round-trips any text made of its characters, astral ones included', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (text) => {
        const tokenizer = CharTokenizer.fromText(text);
        expect(tokenizer.decode(tokenizer.encode(text))).toBe(text);
        expect(tokenizer.encode(text).length).toBe(Array.from(text).length);
      }),
    );
  });

  it('adds BOS / EOS and decode drops them (stopping at EOS)', () => {
    const tokenizer = CharTokenizer.fromText('abc', { addBos: true, addEos: true });
    const ids = tokenizer.encode('cab');
    expect(Array.from(ids)).toEqual([1, 6, 4, 5, 2]);
    expect(tokenizer.decode(ids)).toBe('cab');
    expect(tokenizer.decode([...ids, 4, 4])).toBe('cab');
    expect(tokenizer.decode([...ids, 4], { stopAtEos: false })).toBe('caba');
    expect(tokenizer.decode(ids, { skipSpecial: false })).toBe('<bos>cab<eos>');
  });

  it("maps unknown characters to UNK with unknown: 'unk'", () => {
    const tokenizer = CharTokenizer.fromText('abc');
    expect(tokenizer.unknown).toBe('unk');
    const ids = tokenizer.encode('abz');
    expect(ids[2]).toBe(tokenizer.vocabulary.unkId);
    expect(tokenizer.decode(ids, { unknownAs: '?' })).toBe('ab?');
  });

  it("names the character and its position with unknown: 'error'", () => {
    const tokenizer = CharTokenizer.fromText('abc\n', { unknown: 'error' });
    let error: unknown;
    try {
      tokenizer.encode('ab\ncé');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DatasetError);
    expect((error as DatasetError).code).toBe('UNKNOWN_TOKEN');
    expect((error as DatasetError).message).toMatch(
      /"é" \(U\+00E9\) at index 4 \(line 2, column 2\)/,
    );
    expect((error as DatasetError).line).toBe(2);
  });

  it("refuses unknown: 'unk' without an UNK token, and BOS without a BOS token", () => {
    const vocab = Vocabulary.build('ab', { specials: { unk: false, bos: false } });
    expect(() => new CharTokenizer(vocab, { unknown: 'unk' })).toThrow(/no UNK token/);
    expect(new CharTokenizer(vocab).unknown).toBe('error');
    expect(() => new CharTokenizer(vocab, { addBos: true })).toThrow(/no BOS token/);
  });
});

describe('WordTokenizer', () => {
  const corpus = ['the cat sat', 'the dog sat down', 'a cat'];

  it('builds a frequency-ordered vocabulary and round-trips normalized text', () => {
    const tokenizer = WordTokenizer.fromTexts(corpus);
    expect(tokenizer.vocabulary.tokens.slice(4, 7)).toEqual(['cat', 'sat', 'the']);
    for (const text of corpus) expect(tokenizer.decode(tokenizer.encode(text))).toBe(text);
    expect(tokenizer.decode(tokenizer.encode('  the   cat\nsat '))).toBe('the cat sat');
  });

  it('round-trips any whitespace-normalized sequence of known words', () => {
    const words = ['alpha', 'beta', 'gamma', "it's", 'naïve', '😀'];
    const tokenizer = WordTokenizer.fromTexts([words.join(' ')]);
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...words), { maxLength: 20 }), (chosen) => {
        const text = chosen.join(' ');
        expect(tokenizer.decode(tokenizer.encode(text))).toBe(text);
      }),
    );
  });

  it('lowercases, splits punctuation with a custom pattern, trims rare words to UNK', () => {
    const tokenizer = WordTokenizer.fromTexts(['Hello, world!', 'hello again, world.'], {
      lowercase: true,
      pattern: /[\p{L}\p{N}']+|[^\s\p{L}\p{N}']/gu,
      vocabulary: { minCount: 2 },
    });
    expect(tokenizer.tokenize('Hello, world!')).toEqual(['hello', ',', 'world', '!']);
    expect(tokenizer.decode(tokenizer.encode('hello again, world!'))).toBe(
      'hello <unk> , world <unk>',
    );
  });

  it("names the unknown word, its index and line with unknown: 'error'", () => {
    const tokenizer = WordTokenizer.fromTexts(corpus, { unknown: 'error' });
    expect(() => tokenizer.encode('the cat\nsat on the mat')).toThrow(
      /unknown word "on" at word 3 \(line 2, column 5\)/,
    );
    expect(() => new WordTokenizer(tokenizer.vocabulary, { pattern: /\S+/ })).toThrow(/g flag/);
  });
});

describe('lineAndColumn', () => {
  it('counts lines and code-point columns', () => {
    expect(lineAndColumn('ab\n😀c', 4)).toEqual({ line: 2, column: 2 });
    expect(lineAndColumn('abc', 0)).toEqual({ line: 1, column: 1 });
  });
});
