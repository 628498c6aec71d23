import { DatasetError } from './errors.js';
import {
  CharTokenizer,
  type UnknownPolicy,
  WORD_PATTERNS,
  type WordPattern,
  WordTokenizer,
} from './tokenizers.js';
import { Vocabulary, type VocabularyJSON } from './vocabulary.js';

/** The JSON form of a {@link CharTokenizer}. */
export interface CharTokenizerJSON {
  kind: 'char';
  unknown?: UnknownPolicy;
  addBos?: boolean;
  addEos?: boolean;
  vocabulary: VocabularyJSON;
}

/** The JSON form of a {@link WordTokenizer}: its pattern by name, never as a regular expression. */
export interface WordTokenizerJSON {
  kind: 'word';
  lowercase: boolean;
  pattern: WordPattern;
  separator?: string;
  unknown?: UnknownPolicy;
  addBos?: boolean;
  addEos?: boolean;
  vocabulary: VocabularyJSON;
}

/** A saved tokenizer: what `toJSON()` of {@link CharTokenizer} / {@link WordTokenizer} gives. */
export type TokenizerJSON = CharTokenizerJSON | WordTokenizerJSON;

/**
 * Earlier files (recur's CLI before the patterns had names) stored a pattern's source text. These
 * exact strings are read as the names they stand for, by string comparison: nothing read from a
 * file is ever compiled.
 */
const LEGACY_PATTERN_SOURCES: Readonly<Record<string, WordPattern>> = {
  '\\S+': 'whitespace',
  "[\\p{L}\\p{N}']+|[^\\s\\p{L}\\p{N}']": 'words',
};

const KEYS: Record<TokenizerJSON['kind'], readonly string[]> = {
  char: ['kind', 'unknown', 'addBos', 'addEos', 'vocabulary'],
  word: ['kind', 'lowercase', 'pattern', 'separator', 'unknown', 'addBos', 'addEos', 'vocabulary'],
};

const OWNER = 'tokenizerFromJSON';

function fail(message: string): never {
  throw new DatasetError('FORMAT', `${OWNER}: ${message}`);
}

/** `value` for messages: JSON, cut to 60 characters. */
function show(value: unknown): string {
  const text = value === undefined ? 'undefined' : (JSON.stringify(value) ?? String(value));
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function optionalBoolean(json: Record<string, unknown>, key: string): boolean | undefined {
  const value = json[key];
  if (value === undefined || typeof value === 'boolean') return value;
  return fail(`${key} must be true or false; got ${show(value)}`);
}

function wordPattern(value: unknown): WordPattern {
  if (typeof value === 'string') {
    if (Object.hasOwn(WORD_PATTERNS, value)) return value as WordPattern;
    if (Object.hasOwn(LEGACY_PATTERN_SOURCES, value)) return LEGACY_PATTERN_SOURCES[value]!;
  }
  return fail(
    `pattern must be one of ${Object.keys(WORD_PATTERNS).join(', ')}; got ${show(value)}`,
  );
}

/**
 * The tokenizer saved as `json` (an object or its JSON string) by `toJSON()` of
 * {@link CharTokenizer} or {@link WordTokenizer}. Every field is checked against what `toJSON`
 * writes: an unknown kind, option or key, a pattern that is not one of {@link WORD_PATTERNS}, or
 * a bad vocabulary throws `FORMAT`. A word pattern is looked up by name, never compiled.
 */
export function tokenizerFromJSON(json: unknown): CharTokenizer | WordTokenizer {
  let value = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch (error) {
      fail(`not valid JSON (${(error as Error).message})`);
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(`expected an object { kind, vocabulary, ... }; got ${show(value)}`);
  }
  const record = value as Record<string, unknown>;
  const kind = record.kind;
  if (kind !== 'char' && kind !== 'word') fail(`kind must be 'char' or 'word'; got ${show(kind)}`);
  for (const key of Object.keys(record)) {
    if (!KEYS[kind].includes(key)) {
      fail(`unknown key ${show(key)} for kind '${kind}' (expected ${KEYS[kind].join(', ')})`);
    }
  }
  const unknown = record.unknown;
  if (unknown !== undefined && unknown !== 'unk' && unknown !== 'error') {
    fail(`unknown must be 'unk' or 'error'; got ${show(unknown)}`);
  }
  const options = {
    ...(unknown !== undefined ? { unknown: unknown as UnknownPolicy } : {}),
    ...(optionalBoolean(record, 'addBos') ? { addBos: true } : {}),
    ...(optionalBoolean(record, 'addEos') ? { addEos: true } : {}),
  };
  const vocabulary = Vocabulary.fromJSON(record.vocabulary as VocabularyJSON);
  try {
    if (kind === 'char') return new CharTokenizer(vocabulary, options);
    const lowercase = record.lowercase;
    if (typeof lowercase !== 'boolean')
      fail(`lowercase must be true or false; got ${show(lowercase)}`);
    const separator = record.separator;
    if (separator !== undefined && typeof separator !== 'string') {
      fail(`separator must be a string; got ${show(separator)}`);
    }
    return new WordTokenizer(vocabulary, {
      ...options,
      lowercase,
      pattern: wordPattern(record.pattern),
      ...(separator !== undefined ? { separator } : {}),
    });
  } catch (error) {
    // An option the vocabulary cannot serve (unknown: 'unk' without UNK, BOS without BOS…).
    if (error instanceof DatasetError && error.code === 'ARGUMENT') fail(error.message);
    throw error;
  }
}
