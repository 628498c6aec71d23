import { checkInteger, DatasetError } from './errors.js';
import { permutation, type RandomOptions, resolveRng, shuffleInPlace } from './random.js';

/** Options of {@link batchIndices}. */
export interface BatchIndicesOptions extends RandomOptions {
  batchSize: number;
  /** Shuffle before cutting into batches (seeded). Default false. */
  shuffle?: boolean;
  /** Leave out a last batch smaller than `batchSize`. Default false. */
  dropLast?: boolean;
}

/** The indices 0..n-1 cut into batches, optionally in a seeded random order. */
export function batchIndices(n: number, options: BatchIndicesOptions): number[][] {
  checkInteger('batchIndices', 'n', n, 0);
  checkInteger('batchIndices', 'batchSize', options.batchSize, 1);
  const order = options.shuffle
    ? permutation(n, { rng: resolveRng(options) })
    : Array.from({ length: n }, (_, i) => i);
  return chunk(order, options.batchSize, options.dropLast ?? false);
}

function chunk(order: number[], size: number, dropLast: boolean): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < order.length; i += size) {
    const batch = order.slice(i, i + size);
    if (batch.length < size && dropLast) break;
    out.push(batch);
  }
  return out;
}

/** Options of {@link bucketByLength}. */
export interface BucketOptions extends RandomOptions {
  batchSize: number;
  /**
   * Upper bounds (exclusive, increasing) of the length buckets, as in TensorFlow's
   * `bucket_by_sequence_length`: a sequence of length L goes in the first bucket whose bound is
   * > L, or the last, open bucket. Default: no fixed buckets — sequences are sorted by length
   * (random order among equal lengths) and cut into batches of neighbours.
   */
  boundaries?: readonly number[];
  /** Shuffle the batch order and the order within equal lengths (seeded). Default true. */
  shuffle?: boolean;
  /** Leave out incomplete batches (one per bucket at most). Default false. */
  dropLast?: boolean;
}

/**
 * Groups sequence indices into batches of similar length, so little of each padded batch is
 * padding. Returns batches of indices into `lengths`; every index appears once (unless dropped).
 */
export function bucketByLength(lengths: ArrayLike<number>, options: BucketOptions): number[][] {
  checkInteger('bucketByLength', 'batchSize', options.batchSize, 1);
  const shuffle = options.shuffle ?? true;
  const rng = resolveRng(options);
  const n = lengths.length;
  const order = shuffle ? permutation(n, { rng }) : Array.from({ length: n }, (_, i) => i);
  const dropLast = options.dropLast ?? false;
  let batches: number[][];
  if (options.boundaries) {
    const bounds = options.boundaries;
    for (let i = 1; i < bounds.length; i++) {
      if (!(bounds[i]! > bounds[i - 1]!)) {
        throw new DatasetError(
          'ARGUMENT',
          `bucketByLength: boundaries must increase; got [${bounds.join(',')}]`,
        );
      }
    }
    const buckets: number[][] = Array.from({ length: bounds.length + 1 }, () => []);
    for (const i of order) {
      const len = lengths[i]!;
      let k = bounds.findIndex((bound) => len < bound);
      if (k < 0) k = bounds.length;
      buckets[k]!.push(i);
    }
    batches = buckets.flatMap((bucket) => chunk(bucket, options.batchSize, dropLast));
  } else {
    // A stable sort keeps the random order among equal lengths.
    order.sort((a, b) => lengths[a]! - lengths[b]!);
    batches = chunk(order, options.batchSize, dropLast);
  }
  return shuffle ? shuffleInPlace(batches, rng) : batches;
}

/** The fraction of padded positions when `batches` of `lengths` are padded to their longest. */
export function paddingFraction(lengths: ArrayLike<number>, batches: readonly number[][]): number {
  let padded = 0;
  let real = 0;
  for (const batch of batches) {
    let longest = 0;
    for (const i of batch) longest = Math.max(longest, lengths[i]!);
    for (const i of batch) real += lengths[i]!;
    padded += longest * batch.length;
  }
  return padded === 0 ? 0 : 1 - real / padded;
}
