import { DatasetError } from './errors.js';
import { permutation, type RandomOptions } from './random.js';

/** Fractions of a train / validation / test split; they must sum to 1. */
export interface SplitFractions {
  train: number;
  validation?: number;
  /** Default: whatever train and validation leave. */
  test?: number;
}

/** Three parts of a split. */
export interface Split<T> {
  train: T;
  validation: T;
  test: T;
}

/**
 * Sizes of the parts for `n` items: ⌊n·fraction⌋ each, and what rounding leaves over goes to the
 * last part with a non-zero fraction, so every item lands in exactly one part (a 90/10 split of
 * a text leaves no character out).
 */
export function splitSizes(n: number, fractions: SplitFractions): Split<number> {
  const validation = fractions.validation ?? 0;
  const rest = 1 - fractions.train - validation;
  const test = fractions.test ?? (Math.abs(rest) < 1e-9 ? 0 : rest);
  const all = [fractions.train, validation, test];
  if (all.some((f) => !(f >= 0 && f <= 1)) || Math.abs(all[0]! + all[1]! + all[2]! - 1) > 1e-9) {
    throw new DatasetError(
      'ARGUMENT',
      `split: fractions must lie in [0, 1] and sum to 1; got train ${fractions.train}, validation ${validation}, test ${test}`,
    );
  }
  const sizes = all.map((f) => Math.floor(n * f + 1e-9));
  const last = test > 0 ? 2 : validation > 0 ? 1 : 0;
  sizes[last]! += n - sizes[0]! - sizes[1]! - sizes[2]!;
  return { train: sizes[0]!, validation: sizes[1]!, test: sizes[2]! };
}

/** Options of {@link splitArray}. */
export interface SplitOptions extends RandomOptions {
  /** Shuffle (seeded) before splitting. Default true; false keeps the order (e.g. time series). */
  shuffle?: boolean;
}

/** Splits `items` into train / validation / test, by default after a seeded shuffle. */
export function splitArray<T>(
  items: readonly T[],
  fractions: SplitFractions,
  options: SplitOptions = {},
): Split<T[]> {
  const sizes = splitSizes(items.length, fractions);
  const order =
    (options.shuffle ?? true)
      ? permutation(items.length, options).map((i) => items[i]!)
      : items.slice();
  return {
    train: order.slice(0, sizes.train),
    validation: order.slice(sizes.train, sizes.train + sizes.validation),
    test: order.slice(sizes.train + sizes.validation),
  };
}

/**
 * Splits a text into contiguous parts (first `train` of its characters, then validation, then
 * test) — the split for language models, where shuffling would leak context. Never cuts a
 * surrogate pair.
 */
export function splitText(text: string, fractions: SplitFractions): Split<string> {
  const sizes = splitSizes(text.length, fractions);
  const a = safeCut(text, sizes.train);
  const b = safeCut(text, sizes.train + sizes.validation);
  return { train: text.slice(0, a), validation: text.slice(a, b), test: text.slice(b) };
}

function safeCut(text: string, index: number): number {
  const code = text.charCodeAt(index - 1);
  return code >= 0xd800 && code <= 0xdbff ? index + 1 : index;
}

/** Splits an id sequence into contiguous parts (views, no copies), like {@link splitText}. */
export function splitSequence(ids: Int32Array, fractions: SplitFractions): Split<Int32Array> {
  const sizes = splitSizes(ids.length, fractions);
  const a = sizes.train;
  const b = a + sizes.validation;
  return { train: ids.subarray(0, a), validation: ids.subarray(a, b), test: ids.subarray(b) };
}

/** The indices 0..n-1 split into train / validation / test (shuffled by default, seeded). */
export function splitIndices(
  n: number,
  fractions: SplitFractions,
  options: SplitOptions = {},
): Split<number[]> {
  return splitArray(
    Array.from({ length: n }, (_, i) => i),
    fractions,
    options,
  );
}
