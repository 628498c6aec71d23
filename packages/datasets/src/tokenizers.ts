import { DatasetError } from './errors.js';
import type { CharTokenizerJSON, WordTokenizerJSON } from './tokenizer-json.js';
import { Vocabulary, type VocabularyOptions } from './vocabulary.js';

/** What to do with a character or word missing from the vocabulary. */
export type UnknownPolicy = 'unk' | 'error';

/** Options shared by the tokenizers. */
export interface TokenizerOptions {
  /**
   * `'unk'` maps unknown tokens to UNK (the vocabulary must have one); `'error'` throws a
   * {@link DatasetError} `UNKNOWN_TOKEN` naming the token and its position. Default: `'unk'` when
   * the vocabulary has UNK, else `'error'`.
   */
  unknown?: UnknownPolicy;
  /** Prepend BOS to every encoding. Default false. */
  addBos?: boolean;
  /** Append EOS to every encoding. Default false. */
  addEos?: boolean;
}

/** Options of `decode`. */
export interface DecodeOptions {
  /** Leave out PAD, BOS and EOS. Default true. */
  skipSpecial?: boolean;
  /** Stop at the first EOS (kept in the text only when `skipSpecial` is false). Default true. */
  stopAtEos?: boolean;
  /** Text written for UNK. Default: the UNK token's string. */
  unknownAs?: string;
}

/** Text → ids → text. Ids are plain `Int32Array`s; consumers turn them into tensors. */
export interface Tokenizer {
  readonly vocabulary: Vocabulary;
  /** The tokens of `text`, before the vocabulary lookup. */
  tokenize(text: string): string[];
  /** The ids of `text` (with BOS/EOS if the tokenizer adds them). */
  encode(text: string): Int32Array;
  /** The text of `ids`. */
  decode(ids: ArrayLike<number>, options?: DecodeOptions): string;
}

/** Line (1-based) and column (1-based, in code points) of code point `index` of `text`. */
export function lineAndColumn(text: string, index: number): { line: number; column: number } {
  let line = 1;
  let column = 1;
  let i = 0;
  for (const ch of text) {
    if (i === index) break;
    if (ch === '\n') {
      line++;
      column = 1;
    } else {
      column++;
    }
    i++;
  }
  return { line, column };
}

function describeChar(ch: string): string {
  const code = ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
  return `${JSON.stringify(ch)} (U+${code})`;
}

abstract class BaseTokenizer implements Tokenizer {
  readonly vocabulary: Vocabulary;
  readonly unknown: UnknownPolicy;
  readonly addBos: boolean;
  readonly addEos: boolean;

  constructor(name: string, vocabulary: Vocabulary, options: TokenizerOptions) {
    this.vocabulary = vocabulary;
    this.unknown = options.unknown ?? (vocabulary.hasSpecial('unk') ? 'unk' : 'error');
    if (this.unknown === 'unk' && !vocabulary.hasSpecial('unk')) {
      throw new DatasetError(
        'ARGUMENT',
        `${name}: unknown is 'unk' but the vocabulary has no UNK token; enable specials.unk or pass unknown: 'error'`,
      );
    }
    if (this.unknown !== 'unk' && this.unknown !== 'error') {
      throw new DatasetError(
        'ARGUMENT',
        `${name}: unknown must be 'unk' or 'error'; got ${String(this.unknown)}`,
      );
    }
    this.addBos = options.addBos ?? false;
    this.addEos = options.addEos ?? false;
    // Fail now, not at the first encode, when BOS / EOS are asked for but missing.
    if (this.addBos) vocabulary.specialId('bos');
    if (this.addEos) vocabulary.specialId('eos');
  }

  abstract tokenize(text: string): string[];

  /** The error for the unknown token `tokens[index]` of `text`. */
  protected abstract unknownError(text: string, tokens: string[], index: number): DatasetError;

  /** The separator put between tokens by `decode`. */
  protected abstract readonly separator: string;

  encode(text: string): Int32Array {
    const tokens = this.tokenize(text);
    const offset = this.addBos ? 1 : 0;
    const out = new Int32Array(tokens.length + offset + (this.addEos ? 1 : 0));
    if (this.addBos) out[0] = this.vocabulary.bosId;
    for (let i = 0; i < tokens.length; i++) {
      let id = this.vocabulary.idOf(tokens[i]!);
      if (id === undefined) {
        if (this.unknown === 'error') throw this.unknownError(text, tokens, i);
        id = this.vocabulary.unkId;
      }
      out[i + offset] = id;
    }
    if (this.addEos) out[out.length - 1] = this.vocabulary.eosId;
    return out;
  }

  decode(ids: ArrayLike<number>, options: DecodeOptions = {}): string {
    const { skipSpecial = true, stopAtEos = true } = options;
    const vocab = this.vocabulary;
    const eos = vocab.hasSpecial('eos') ? vocab.eosId : -1;
    const unk = vocab.hasSpecial('unk') ? vocab.unkId : -1;
    const parts: string[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (id === eos && stopAtEos) {
        if (!skipSpecial) parts.push(vocab.tokenOf(id));
        break;
      }
      if (id === unk) {
        parts.push(options.unknownAs ?? vocab.tokenOf(id));
      } else if (!(skipSpecial && vocab.isSpecial(id))) {
        parts.push(vocab.tokenOf(id));
      }
    }
    return parts.join(this.separator);
  }
}

/**
 * Character-level tokenizer: one id per code point (so emoji and other astral characters are one
 * token). `decode(encode(text)) === text` for any text whose characters are all in the vocabulary.
 */
export class CharTokenizer extends BaseTokenizer {
  protected readonly separator = '';

  constructor(vocabulary: Vocabulary, options: TokenizerOptions = {}) {
    super('CharTokenizer', vocabulary, options);
  }

  /** Builds the character vocabulary of `text` (sorted by code point) and a tokenizer on it. */
  static fromText(
    text: string | Iterable<string>,
    options: TokenizerOptions & { vocabulary?: VocabularyOptions } = {},
  ): CharTokenizer {
    const chars = typeof text === 'string' ? text : charsOf(text);
    return new CharTokenizer(Vocabulary.build(chars, options.vocabulary), options);
  }

  tokenize(text: string): string[] {
    return Array.from(text);
  }

  /** The JSON form (kind, options, vocabulary); `tokenizerFromJSON` rebuilds it. */
  toJSON(): CharTokenizerJSON {
    return {
      kind: 'char',
      unknown: this.unknown,
      addBos: this.addBos,
      addEos: this.addEos,
      vocabulary: this.vocabulary.toJSON(),
    };
  }

  protected unknownError(text: string, tokens: string[], index: number): DatasetError {
    const { line, column } = lineAndColumn(text, index);
    return new DatasetError(
      'UNKNOWN_TOKEN',
      `CharTokenizer.encode: unknown character ${describeChar(tokens[index]!)} at index ${index} (line ${line}, column ${column}); ` +
        `the vocabulary has ${this.vocabulary.size} ids; pass unknown: 'unk' with a vocabulary that has UNK to map it`,
      { line, column },
    );
  }
}

function* charsOf(texts: Iterable<string>): Generator<string> {
  for (const text of texts) yield* text;
}

/**
 * The named word patterns of {@link WordTokenizer}: `whitespace` (whitespace-separated words)
 * and `words` (runs of letters, digits and apostrophes; every other non-space character is a
 * token of its own, so punctuation stands apart). A saved tokenizer names its pattern; a file
 * never holds a regular expression.
 */
export const WORD_PATTERNS: Readonly<Record<WordPattern, RegExp>> = {
  whitespace: /\S+/gu,
  words: /[\p{L}\p{N}']+|[^\s\p{L}\p{N}']/gu,
};

/** The name of a {@link WORD_PATTERNS} entry. */
export type WordPattern = 'whitespace' | 'words';

/** The pattern name of `pattern` when it is one of {@link WORD_PATTERNS} (same source and flags). */
function patternName(pattern: RegExp): WordPattern | null {
  for (const [name, known] of Object.entries(WORD_PATTERNS)) {
    if (known.source === pattern.source && known.flags === pattern.flags)
      return name as WordPattern;
  }
  return null;
}

/** Options of {@link WordTokenizer}. */
export interface WordTokenizerOptions extends TokenizerOptions {
  /** Lowercase before splitting. Default false. */
  lowercase?: boolean;
  /**
   * What a token is: a name from {@link WORD_PATTERNS} (`'whitespace'`, the default, or
   * `'words'`), or your own global RegExp (a tokenizer with one cannot be saved with `toJSON`).
   */
  pattern?: WordPattern | RegExp;
  /** Put between tokens by `decode`. Default `' '`. */
  separator?: string;
}

/**
 * Word-level tokenizer: tokens are the matches of `pattern` (whitespace-separated words by
 * default). `decode(encode(text))` gives the tokens joined by single spaces, so it returns
 * `text` itself when `text` is already whitespace-normalized and every word is known.
 */
export class WordTokenizer extends BaseTokenizer {
  protected readonly separator: string;
  readonly lowercase: boolean;
  readonly pattern: RegExp;
  /** The {@link WORD_PATTERNS} name of `pattern`, or null for a custom RegExp. */
  readonly patternName: WordPattern | null;

  constructor(vocabulary: Vocabulary, options: WordTokenizerOptions = {}) {
    super('WordTokenizer', vocabulary, options);
    this.lowercase = options.lowercase ?? false;
    const pattern = options.pattern ?? 'whitespace';
    if (typeof pattern === 'string') {
      if (!Object.hasOwn(WORD_PATTERNS, pattern)) {
        throw new DatasetError(
          'ARGUMENT',
          `WordTokenizer: pattern must be one of ${Object.keys(WORD_PATTERNS).join(', ')} or a RegExp; got ${JSON.stringify(pattern)}`,
        );
      }
      this.pattern = WORD_PATTERNS[pattern];
    } else if (pattern instanceof RegExp) {
      this.pattern = pattern;
    } else {
      throw new DatasetError(
        'ARGUMENT',
        `WordTokenizer: pattern must be a pattern name or a RegExp; got ${typeof pattern}`,
      );
    }
    if (!this.pattern.global) {
      throw new DatasetError('ARGUMENT', 'WordTokenizer: pattern must have the g flag');
    }
    this.patternName = patternName(this.pattern);
    this.separator = options.separator ?? ' ';
  }

  /**
   * The JSON form (kind, options, pattern name, vocabulary); `tokenizerFromJSON` rebuilds it.
   * Throws `ARGUMENT` for a custom RegExp pattern: saved files name their pattern, never hold one.
   */
  toJSON(): WordTokenizerJSON {
    if (this.patternName === null) {
      throw new DatasetError(
        'ARGUMENT',
        `WordTokenizer.toJSON: the pattern /${this.pattern.source}/${this.pattern.flags} is not one of the named patterns (${Object.keys(WORD_PATTERNS).join(', ')}); only those can be saved`,
      );
    }
    return {
      kind: 'word',
      lowercase: this.lowercase,
      pattern: this.patternName,
      separator: this.separator,
      unknown: this.unknown,
      addBos: this.addBos,
      addEos: this.addEos,
      vocabulary: this.vocabulary.toJSON(),
    };
  }

  /**
   * Builds a word vocabulary from `texts` (most frequent first; `vocabulary.minCount` and
   * `vocabulary.maxSize` trim it, the rest becomes UNK) and a tokenizer on it.
   */
  static fromTexts(
    texts: Iterable<string>,
    options: WordTokenizerOptions & { vocabulary?: VocabularyOptions } = {},
  ): WordTokenizer {
    const splitter = new WordTokenizer(
      Vocabulary.fromTokens([], { specials: { pad: false, bos: false, eos: false } }),
      { ...options, unknown: 'unk', addBos: false, addEos: false },
    );
    const counts = new Map<string, number>();
    for (const text of texts) {
      for (const word of splitter.tokenize(text)) counts.set(word, (counts.get(word) ?? 0) + 1);
    }
    const vocabulary = Vocabulary.fromCounts(counts, { order: 'frequency', ...options.vocabulary });
    return new WordTokenizer(vocabulary, options);
  }

  tokenize(text: string): string[] {
    const source = this.lowercase ? text.toLowerCase() : text;
    return Array.from(source.matchAll(this.pattern), (m) => m[0]);
  }

  protected unknownError(text: string, tokens: string[], index: number): DatasetError {
    const source = this.lowercase ? text.toLowerCase() : text;
    const match = Array.from(source.matchAll(this.pattern))[index];
    const at = match?.index ?? 0;
    const { line, column } = lineAndColumn(source, Array.from(source.slice(0, at)).length);
    return new DatasetError(
      'UNKNOWN_TOKEN',
      `WordTokenizer.encode: unknown word ${JSON.stringify(tokens[index])} at word ${index} (line ${line}, column ${column}); ` +
        `the vocabulary has ${this.vocabulary.size} ids; pass unknown: 'unk' with a vocabulary that has UNK to map it`,
      { line, column },
    );
  }
}
