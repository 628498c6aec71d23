import { DatasetError } from '../errors.js';

/** A fixed guess and how well it does. */
export interface PositionalMajorityResult {
  /** The string guessed for every example: the most frequent character at each position. */
  guess: string;
  /** Fraction of target characters the guess gets right (position by position). */
  charAccuracy: number;
  /** Fraction of targets equal to the guess. */
  sequenceAccuracy: number;
}

/**
 * The best input-blind guess for a seq2seq task scored per character: at every position, the
 * most frequent character there among `train` (its length the most frequent length). Scored on
 * `evaluation` (default: `train`). A model that has learned anything must beat both accuracies.
 */
export function positionalMajority(
  train: readonly string[],
  evaluation: readonly string[] = train,
): PositionalMajorityResult {
  if (train.length === 0 || evaluation.length === 0) {
    throw new DatasetError('EMPTY', 'positionalMajority: train and evaluation must be non-empty');
  }
  const lengthCounts = new Map<number, number>();
  const columns: Map<string, number>[] = [];
  for (const text of train) {
    const chars = Array.from(text);
    lengthCounts.set(chars.length, (lengthCounts.get(chars.length) ?? 0) + 1);
    chars.forEach((ch, i) => {
      const column = columns[i] ?? new Map<string, number>();
      columns[i] = column;
      column.set(ch, (column.get(ch) ?? 0) + 1);
    });
  }
  const mostFrequent = <K>(counts: Map<K, number>): K =>
    [...counts.entries()].reduce((best, entry) => (entry[1] > best[1] ? entry : best))[0];
  const length = mostFrequent(lengthCounts);
  const guess = Array.from({ length }, (_, i) => mostFrequent(columns[i]!)).join('');
  const guessChars = Array.from(guess);
  let right = 0;
  let total = 0;
  let whole = 0;
  for (const text of evaluation) {
    const chars = Array.from(text);
    chars.forEach((ch, i) => {
      if (guessChars[i] === ch) right++;
    });
    total += chars.length;
    if (text === guess) whole++;
  }
  return { guess, charAccuracy: right / total, sequenceAccuracy: whole / evaluation.length };
}
