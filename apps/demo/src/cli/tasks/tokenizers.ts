import { CharTokenizer } from '@recur/datasets';

/** A character tokenizer over `texts` without special tokens (for a character language model). */
export function plainCharTokenizer(texts: Iterable<string>): CharTokenizer {
  return CharTokenizer.fromText(texts, {
    vocabulary: { specials: { pad: false, bos: false, eos: false, unk: false } },
  });
}
