import { DatasetError } from '../errors.js';
import type { Tokenizer } from '../tokenizers.js';
import { encodeAt } from './encode-at.js';
import type { MalformedRow } from './labeled-text.js';
import { readLines } from './lines.js';

/** A source sentence, its translation, and the line they were read from. */
export interface TranslationPair {
  source: string;
  target: string;
  line: number;
}

/** Options of {@link readTranslationPairs}. */
export interface TranslationPairOptions {
  /**
   * Columns after the second (the attribution column of the Tatoeba / Anki files from
   * manythings.org): `'ignore'` (default) or `'error'`.
   */
  extraColumns?: 'ignore' | 'error';
  /** `'error'` (default) throws on the first malformed line; `'skip'` leaves it out and reports it. */
  onMalformed?: 'error' | 'skip';
  /** Called with each skipped line when `onMalformed` is `'skip'`. */
  onSkip?: (problem: MalformedRow) => void;
}

/**
 * Translation pairs from a TSV file of `source<TAB>target` lines (the Tatoeba / Anki format),
 * streamed. Blank lines are skipped. A line without a tab, or with an empty side, is a
 * mismatched pair (`MISMATCH`, naming file and line); an empty file throws `EMPTY`.
 */
export async function* readTranslationPairs(
  path: string,
  options: TranslationPairOptions = {},
): AsyncGenerator<TranslationPair> {
  const caller = 'readTranslationPairs';
  const onMalformed = options.onMalformed ?? 'error';
  let count = 0;
  for await (const { text, line } of readLines(path, caller)) {
    if (text.trim() === '') continue;
    const fields = text.split('\t');
    let reason: string | null = null;
    if (fields.length < 2) {
      reason = `expected source<TAB>target, found no tab`;
    } else if (fields.length > 2 && options.extraColumns === 'error') {
      reason = `expected 2 tab-separated columns, found ${fields.length}`;
    } else if (fields[0]!.trim() === '') {
      reason = 'empty source';
    } else if (fields[1]!.trim() === '') {
      reason = 'empty target';
    }
    if (reason !== null) {
      if (onMalformed === 'error') {
        throw new DatasetError('MISMATCH', `${caller}: ${path}:${line}: ${reason}`, {
          file: path,
          line,
        });
      }
      options.onSkip?.({ file: path, line, reason });
      continue;
    }
    count++;
    yield { source: fields[0]!, target: fields[1]!, line };
  }
  if (count === 0 && onMalformed === 'error') {
    throw new DatasetError('EMPTY', `${caller}: ${path} holds no pairs`, { file: path });
  }
}

/**
 * Pairs from two line-aligned files (line i of `sourcePath` translates line i of `targetPath`,
 * the WMT / OPUS layout), both streamed. Files of different lengths, or an empty line on one
 * side only, throw `MISMATCH` naming both files and the line.
 */
export async function* readParallelFiles(
  sourcePath: string,
  targetPath: string,
): AsyncGenerator<TranslationPair> {
  const caller = 'readParallelFiles';
  const sources = readLines(sourcePath, caller);
  const targets = readLines(targetPath, caller);
  try {
    for (;;) {
      const [s, t] = await Promise.all([sources.next(), targets.next()]);
      if (s.done && t.done) return;
      if (s.done || t.done) {
        const [short, long] = s.done ? [sourcePath, targetPath] : [targetPath, sourcePath];
        const line = (s.done ? t.value!.line : s.value!.line) as number;
        throw new DatasetError(
          'MISMATCH',
          `${caller}: ${short} ends after ${line - 1} lines but ${long} goes on at line ${line}`,
          { file: short, line },
        );
      }
      const line = s.value.line;
      if ((s.value.text.trim() === '') !== (t.value.text.trim() === '')) {
        const empty = s.value.text.trim() === '' ? sourcePath : targetPath;
        throw new DatasetError(
          'MISMATCH',
          `${caller}: ${empty}:${line}: empty line where the other file has text`,
          {
            file: empty,
            line,
          },
        );
      }
      if (s.value.text.trim() === '') continue;
      yield { source: s.value.text, target: t.value.text, line };
    }
  } finally {
    await sources.return(undefined);
    await targets.return(undefined);
  }
}

/** Everything {@link loadTranslationPairs} returns. */
export interface TranslationData {
  pairs: TranslationPair[];
  /** With tokenizers: the ids of each side. */
  sourceIds?: Int32Array[];
  targetIds?: Int32Array[];
  skipped: MalformedRow[];
}

/**
 * Reads a whole `source<TAB>target` file with {@link readTranslationPairs}; with tokenizers,
 * encodes both sides (an unknown token then reports the file and line).
 */
export async function loadTranslationPairs(
  path: string,
  options: TranslationPairOptions & {
    sourceTokenizer?: Tokenizer;
    targetTokenizer?: Tokenizer;
  } = {},
): Promise<TranslationData> {
  const skipped: MalformedRow[] = [];
  const pairs: TranslationPair[] = [];
  const sourceIds: Int32Array[] = [];
  const targetIds: Int32Array[] = [];
  const { sourceTokenizer, targetTokenizer } = options;
  const reader = readTranslationPairs(path, {
    ...options,
    onSkip: (problem) => {
      skipped.push(problem);
      options.onSkip?.(problem);
    },
  });
  for await (const pair of reader) {
    pairs.push(pair);
    if (sourceTokenizer)
      sourceIds.push(
        encodeAt(sourceTokenizer, pair.source, 'loadTranslationPairs', path, pair.line),
      );
    if (targetTokenizer)
      targetIds.push(
        encodeAt(targetTokenizer, pair.target, 'loadTranslationPairs', path, pair.line),
      );
  }
  if (pairs.length === 0) {
    throw new DatasetError(
      'EMPTY',
      `loadTranslationPairs: ${path}: no pairs (${skipped.length} malformed)`,
      { file: path },
    );
  }
  return {
    pairs,
    ...(sourceTokenizer ? { sourceIds } : {}),
    ...(targetTokenizer ? { targetIds } : {}),
    skipped,
  };
}
