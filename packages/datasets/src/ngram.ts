import { checkInteger, DatasetError } from './errors.js';
import { CharTokenizer } from './tokenizers.js';

/** Options of {@link ngramCrossEntropy}. */
export interface NgramOptions {
  /** n: 1 = unigram, 2 = bigram, 3 = trigram, … */
  order: number;
  /** Number of distinct ids (every id must lie in [0, vocabSize)). */
  vocabSize: number;
  /** Add-k (Lidstone) smoothing: P(w | ctx) = (c(ctx w) + k) / (c(ctx) + k·V). Default 0.1. */
  k?: number;
}

const DENSE_LIMIT = 2 ** 24;

/**
 * Cross-entropy in nats per token of an add-k smoothed n-gram model counted on `train` and
 * evaluated on `evaluation` — a baseline a sequence model should beat. Positions of `evaluation`
 * with fewer than n − 1 tokens before them (the first n − 1) are not scored.
 */
export function ngramCrossEntropy(
  train: Int32Array,
  evaluation: Int32Array,
  options: NgramOptions,
): number {
  const { order, vocabSize: V, k = 0.1 } = options;
  checkInteger('ngramCrossEntropy', 'order', order, 1);
  checkInteger('ngramCrossEntropy', 'vocabSize', V, 1);
  if (!(k > 0)) throw new DatasetError('ARGUMENT', `ngramCrossEntropy: k must be > 0; got ${k}`);
  const size = V ** order;
  if (size > Number.MAX_SAFE_INTEGER) {
    throw new DatasetError(
      'ARGUMENT',
      `ngramCrossEntropy: vocabSize ${V} ** order ${order} is too large`,
    );
  }
  for (const [name, ids] of [
    ['train', train],
    ['evaluation', evaluation],
  ] as const) {
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (id < 0 || id >= V) {
        throw new DatasetError(
          'RANGE',
          `ngramCrossEntropy: ${name}[${i}] = ${id} is outside [0, ${V})`,
        );
      }
    }
  }
  const grams = makeCounter(size);
  const contexts = makeCounter(size / V);
  // key of the n-gram ending at i: Σ ids[i-n+1..i] in base V; context key = key without the last id.
  const forEachGram = (ids: Int32Array, fn: (context: number, gram: number, i: number) => void) => {
    for (let i = order - 1; i < ids.length; i++) {
      let context = 0;
      for (let j = i - order + 1; j < i; j++) context = context * V + ids[j]!;
      fn(context, context * V + ids[i]!, i);
    }
  };
  forEachGram(train, (context, gram) => {
    grams.add(gram);
    contexts.add(context);
  });
  let total = 0;
  let count = 0;
  forEachGram(evaluation, (context, gram) => {
    total -= Math.log((grams.get(gram) + k) / (contexts.get(context) + k * V));
    count++;
  });
  if (count === 0) {
    throw new DatasetError(
      'EMPTY',
      `ngramCrossEntropy: evaluation has ${evaluation.length} tokens; need at least ${order}`,
    );
  }
  return total / count;
}

interface Counter {
  add(key: number): void;
  get(key: number): number;
}

function makeCounter(size: number): Counter {
  if (size <= DENSE_LIMIT) {
    const counts = new Float64Array(size);
    return { add: (key) => void counts[key]!++, get: (key) => counts[key]! };
  }
  const counts = new Map<number, number>();
  return {
    add: (key) => void counts.set(key, (counts.get(key) ?? 0) + 1),
    get: (key) => counts.get(key) ?? 0,
  };
}

/** Baselines of a character language model, in nats per character. */
export interface CharBaselines {
  /** Distinct characters of train + validation (V). */
  vocabSize: number;
  /** ln V: predicting every character equally likely. */
  uniform: number;
  unigram: number;
  bigram: number;
  trigram: number;
}

/**
 * Uniform, unigram, bigram and trigram cross-entropies (nats/char) of a validation text under
 * add-k smoothed models counted on a training text; the vocabulary is every character of both.
 * Divide by ln 2 for bits/char.
 */
export function charBaselines(
  train: string,
  validation: string,
  options: { k?: number } = {},
): CharBaselines {
  const tokenizer = CharTokenizer.fromText([train, validation], {
    vocabulary: { specials: { pad: false, bos: false, eos: false, unk: false } },
  });
  const trainIds = tokenizer.encode(train);
  const validationIds = tokenizer.encode(validation);
  const V = tokenizer.vocabulary.size;
  const at = (order: number) =>
    ngramCrossEntropy(trainIds, validationIds, { order, vocabSize: V, k: options.k ?? 0.1 });
  return { vocabSize: V, uniform: Math.log(V), unigram: at(1), bigram: at(2), trigram: at(3) };
}
