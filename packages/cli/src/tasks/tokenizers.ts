import { CharTokenizer } from '@recur/datasets';

/** No PAD, BOS, EOS or UNK: the vocabulary of a character language model is its characters. */
export const NO_SPECIALS = { pad: false, bos: false, eos: false, unk: false } as const;

/** A character tokenizer over `texts` without special tokens (for a character language model). */
export function plainCharTokenizer(texts: Iterable<string>): CharTokenizer {
  return CharTokenizer.fromText(texts, {
    vocabulary: { specials: NO_SPECIALS },
  });
}
