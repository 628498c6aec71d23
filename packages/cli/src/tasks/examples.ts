import { dispose, type Rng } from '@recur/tensor';

/**
 * A data source over examples, reshuffled every epoch by the trainer's seeded generator (so a
 * resumed run sees the same order): the examples in batches of `batchSize` (the last one
 * smaller), each turned into tensors by `toBatch` only when the trainer reaches it.
 */
export function shuffledBatches<E, B>(
  examples: readonly E[],
  batchSize: number,
  toBatch: (batch: E[]) => B,
): (epoch: number, rng: Rng) => Iterable<B> {
  return (_epoch, rng) => {
    const order = rng.shuffle(Array.from({ length: examples.length }, (_, i) => i));
    const groups = function* () {
      for (let i = 0; i < order.length; i += batchSize) {
        yield order.slice(i, i + batchSize).map((j) => examples[j]!);
      }
    };
    return tensorBatches(groups(), toBatch);
  };
}

/**
 * A fixed data source over held-out examples, for validation: the same batches in the same order
 * every time it is read, turned into tensors only when reached.
 */
export function orderedBatches<E, B>(
  examples: readonly E[],
  batchSize: number,
  toBatch: (batch: E[]) => B,
): () => Iterable<B> {
  return () => {
    const groups = function* () {
      for (let i = 0; i < examples.length; i += batchSize) yield examples.slice(i, i + batchSize);
    };
    return tensorBatches(groups(), toBatch);
  };
}

/**
 * Yields `toBatch(item)` for each item, making the tensors only when the consumer asks. The
 * trainer frees each batch it trains on (`disposeBatches`), but when it reaches its last step it
 * has already fetched one more batch and leaves the loop without it: leaving the loop runs this
 * generator's `finally`, which frees that batch (disposing twice is harmless).
 */
export function* tensorBatches<I, B>(items: Iterable<I>, toBatch: (item: I) => B): Generator<B> {
  let last: B | undefined;
  try {
    for (const item of items) {
      last = toBatch(item);
      yield last;
    }
  } finally {
    dispose(last);
  }
}

/** Batches per epoch of {@link shuffledBatches}. */
export function batchCount(examples: number, batchSize: number): number {
  return Math.ceil(examples / batchSize);
}

/** `text` cut to `max` characters with an ellipsis, on one line. */
export function excerpt(text: string, max = 60): string {
  const line = text.replace(/\s+/g, ' ').trim();
  const chars = [...line];
  return chars.length <= max ? line : `${chars.slice(0, max - 1).join('')}…`;
}
