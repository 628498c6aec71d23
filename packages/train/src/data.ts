import { Rng } from '@recur/tensor';

/**
 * Where batches come from. For exact resume and reshuffling per epoch, pass a function of the
 * epoch and a generator seeded from `(seed, epoch)`: a resumed run calls it again for the same
 * epoch and skips the batches already done, so it sees exactly the same batches. An array works
 * too (iterated again each epoch); a one-shot iterator only supports one epoch and no resume.
 */
export type DataSource<Batch> =
  | Iterable<Batch>
  | AsyncIterable<Batch>
  | ((epoch: number, rng: Rng) => Iterable<Batch> | AsyncIterable<Batch>);

/** The seed of epoch `epoch`'s data generator: a mix of the run's seed and the epoch. */
export function epochSeed(seed: number, epoch: number): number {
  let h = Math.imul((seed ^ 0x9e3779b9) >>> 0, 0x85ebca6b) ^ Math.imul(epoch + 1, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  return (h ^ (h >>> 15)) >>> 0;
}

/** The batches of one epoch, as an async iterator over sync or async sources. */
export async function* batchesOf<Batch>(
  source: DataSource<Batch>,
  epoch: number,
  seed: number,
): AsyncGenerator<Batch> {
  const iterable =
    typeof source === 'function' ? source(epoch, new Rng(epochSeed(seed, epoch))) : source;
  if (Symbol.asyncIterator in iterable) {
    yield* iterable as AsyncIterable<Batch>;
  } else {
    yield* iterable as Iterable<Batch>;
  }
}

/** The number of batches when it is known without iterating (an array source). */
export function knownLength(source: DataSource<unknown>): number | undefined {
  return Array.isArray(source) ? source.length : undefined;
}
