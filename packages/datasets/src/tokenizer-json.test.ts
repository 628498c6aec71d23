import { describe, expect, it } from 'vitest';
import { DatasetError } from './errors.js';
import { tokenizerFromJSON } from './tokenizer-json.js';
import { CharTokenizer, WORD_PATTERNS, WordTokenizer } from './tokenizers.js';

function formatError(json: unknown): DatasetError {
  try {
    tokenizerFromJSON(json);
  } catch (error) {
    expect(error).toBeInstanceOf(DatasetError);
    expect((error as DatasetError).code).toBe('FORMAT');
    return error as DatasetError;
  }
  throw new Error('expected tokenizerFromJSON to throw');
}

describe('tokenizer JSON', () => {
  const words = WordTokenizer.fromTexts(['Call me Ishmael.', "Some years ago, ne'er mind"], {
    lowercase: true,
    pattern: 'words',
    vocabulary: { minCount: 1 },
  });

  it('round-trips a word tokenizer (pattern by name) and a char tokenizer (options kept)', () => {
    const json = JSON.parse(JSON.stringify(words.toJSON()));
    expect(json.pattern).toBe('words');
    const restored = tokenizerFromJSON(json) as WordTokenizer;
    expect(restored).toBeInstanceOf(WordTokenizer);
    expect(restored.pattern).toBe(WORD_PATTERNS.words);
    expect(restored.tokenize('Call me, ISHMAEL.')).toEqual(['call', 'me', ',', 'ishmael', '.']);
    expect(Array.from(restored.encode('some years'))).toEqual(
      Array.from(words.encode('some years')),
    );

    const chars = CharTokenizer.fromText('abc', { addBos: true, addEos: true, unknown: 'error' });
    const back = tokenizerFromJSON(JSON.stringify(chars.toJSON())) as CharTokenizer;
    expect([back.addBos, back.addEos, back.unknown]).toEqual([true, true, 'error']);
    expect(Array.from(back.encode('cab'))).toEqual(Array.from(chars.encode('cab')));
  });

  it('a RegExp equal to a named pattern saves under its name; a custom one cannot be saved', () => {
    const same = new WordTokenizer(words.vocabulary, { pattern: /\S+/gu });
    expect(same.toJSON().pattern).toBe('whitespace');
    const custom = new WordTokenizer(words.vocabulary, { pattern: /\w+/g });
    expect(() => custom.toJSON()).toThrow(/not one of the named patterns/);
    expect(() => new WordTokenizer(words.vocabulary, { pattern: 'sentences' as 'words' })).toThrow(
      /pattern must be one of whitespace, words or a RegExp; got "sentences"/,
    );
  });

  it('never compiles a pattern from a file: anything outside the names is FORMAT, at once', () => {
    const hostile = { ...words.toJSON(), pattern: '(a|aa)+$' };
    const start = performance.now();
    const error = formatError(hostile);
    expect(error.message).toBe(
      'tokenizerFromJSON: pattern must be one of whitespace, words; got "(a|aa)+$"',
    );
    expect(performance.now() - start).toBeLessThan(100);
    expect(formatError({ ...words.toJSON(), pattern: { source: '\\S+' } }).message).toMatch(
      /pattern must be one of/,
    );
  });

  it('reads the pattern source strings that earlier files stored as the names they stand for', () => {
    const legacy = {
      kind: 'word',
      lowercase: true,
      pattern: "[\\p{L}\\p{N}']+|[^\\s\\p{L}\\p{N}']",
      vocabulary: words.vocabulary.toJSON(),
    };
    expect((tokenizerFromJSON(legacy) as WordTokenizer).patternName).toBe('words');
    expect((tokenizerFromJSON({ ...legacy, pattern: '\\S+' }) as WordTokenizer).patternName).toBe(
      'whitespace',
    );
    // The same text with other flags or spacing is not the known source.
    formatError({ ...legacy, pattern: "[\\p{L}\\p{N}']+ |[^\\s\\p{L}\\p{N}']" });
  });

  it('rejects unknown kinds, keys and option values with FORMAT', () => {
    const chars = CharTokenizer.fromText('ab').toJSON();
    expect(formatError(null).message).toMatch(/expected an object/);
    expect(formatError('{').message).toMatch(/not valid JSON/);
    expect(formatError({ ...chars, kind: 'bpe' }).message).toMatch(/kind must be 'char' or 'word'/);
    expect(formatError({ ...chars, pattern: 'words' }).message).toMatch(
      /unknown key "pattern" for kind 'char'/,
    );
    expect(formatError({ ...chars, unknown: 'drop' }).message).toMatch(/unknown must be/);
    expect(formatError({ ...chars, addEos: 'yes' }).message).toMatch(
      /addEos must be true or false/,
    );
    expect(formatError({ ...words.toJSON(), lowercase: 1 }).message).toMatch(/lowercase must be/);
    expect(formatError({ ...chars, vocabulary: 7 }).code).toBe('FORMAT');
    // An option the vocabulary cannot serve: EOS asked for, none in the vocabulary.
    const bare = CharTokenizer.fromText('ab', {
      vocabulary: { specials: { pad: false, bos: false, eos: false, unk: false } },
    }).toJSON();
    expect(formatError({ ...bare, addEos: true }).message).toMatch(/^tokenizerFromJSON: /);
  });
});
