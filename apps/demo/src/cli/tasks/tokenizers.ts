import {
  CharTokenizer,
  type Tokenizer,
  Vocabulary,
  type VocabularyJSON,
  WordTokenizer,
} from '@recur/datasets';

/** A tokenizer as saved in a checkpoint: its kind, options and vocabulary. */
export type TokenizerJSON =
  | { kind: 'char'; vocabulary: VocabularyJSON }
  | { kind: 'word'; lowercase: boolean; pattern: string; vocabulary: VocabularyJSON };

/** Words and punctuation apart: what the demo's word-level models read. */
export const WORD_PATTERN = /[\p{L}\p{N}']+|[^\s\p{L}\p{N}']/gu;

/** The JSON form of a {@link CharTokenizer} or {@link WordTokenizer}. */
export function tokenizerToJSON(tokenizer: Tokenizer): TokenizerJSON {
  if (tokenizer instanceof WordTokenizer) {
    return {
      kind: 'word',
      lowercase: tokenizer.lowercase,
      pattern: tokenizer.pattern.source,
      vocabulary: tokenizer.vocabulary.toJSON(),
    };
  }
  return { kind: 'char', vocabulary: tokenizer.vocabulary.toJSON() };
}

/** Rebuilds a tokenizer saved by {@link tokenizerToJSON}. */
export function tokenizerFromJSON(json: TokenizerJSON): CharTokenizer | WordTokenizer {
  const vocabulary = Vocabulary.fromJSON(json.vocabulary);
  if (json.kind === 'word') {
    return new WordTokenizer(vocabulary, {
      lowercase: json.lowercase,
      pattern: new RegExp(json.pattern, 'gu'),
    });
  }
  return new CharTokenizer(vocabulary);
}

/** A character tokenizer over `texts` without special tokens (for a character language model). */
export function plainCharTokenizer(texts: readonly string[]): CharTokenizer {
  return CharTokenizer.fromText(texts, {
    vocabulary: { specials: { pad: false, bos: false, eos: false, unk: false } },
  });
}
