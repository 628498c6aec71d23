/**
 * Training data for the web demo, as plain typed arrays (tensors are made where they are used):
 * random windows of a character stream for a language model, and fixed sets of synthetic
 * sequences for a classifier.
 */
import {
  addingProblem,
  CharTokenizer,
  charBaselines,
  embeddedReberString,
  SeededRng,
  TEMPORAL_ORDER_SYMBOLS,
  temporalOrder,
} from '@recur/datasets';
import { RecurError } from '@recur/tensor';

/** A reference loss a model should beat. */
export interface Baseline {
  name: string;
  value: number;
}

/** `[B, T]` token ids and their next-token targets. */
export interface TokenWindows {
  inputs: Int32Array;
  targets: Int32Array;
  shape: [number, number];
}

/** A character corpus split 90/10, with its tokenizer and n-gram baselines. */
export interface CharCorpus {
  tokenizer: CharTokenizer;
  train: Int32Array;
  validation: Int32Array;
  baselines: Baseline[];
  description: string;
  /** What generation starts from. */
  prompt: string;
}

function splitCorpus(text: string, description: string, prompt: string): CharCorpus {
  const cut = Math.floor(text.length * 0.9);
  const trainText = text.slice(0, cut);
  const validationText = text.slice(cut);
  const tokenizer = CharTokenizer.fromText(text, {
    vocabulary: { specials: { pad: false, bos: false, eos: false, unk: false } },
  });
  const b = charBaselines(trainText, validationText);
  return {
    tokenizer,
    train: tokenizer.encode(trainText),
    validation: tokenizer.encode(validationText),
    baselines: [
      { name: `uniform (ln ${b.vocabSize})`, value: b.uniform },
      { name: 'unigram', value: b.unigram },
      { name: 'bigram', value: b.bigram },
    ],
    description,
    prompt,
  };
}

/** Moby Dick text (the page embeds an excerpt) as a character corpus. */
export function mobyDickCorpus(text: string): CharCorpus {
  const kb = Math.round(text.length / 1000);
  return splitCorpus(
    text,
    `Character-level language model on ${kb} KB of Moby Dick (90/10 split); loss in nats/char.`,
    'Call me ',
  );
}

/** Embedded Reber grammar strings, back to back, as a character corpus. */
export function reberCorpus(seed: number, strings = 3000): CharCorpus {
  const rng = new SeededRng(seed);
  let text = '';
  for (let i = 0; i < strings; i++) text += embeddedReberString(rng);
  return splitCorpus(
    text,
    `Next-symbol prediction on ${strings} embedded Reber strings (B T|P … T|P E): the second-to-last symbol needs long memory.`,
    'B',
  );
}

/** `count` random windows of `steps + 1` tokens from `ids`: inputs and next-token targets. */
export function randomWindows(
  ids: Int32Array,
  count: number,
  steps: number,
  rng: SeededRng,
): TokenWindows {
  const inputs = new Int32Array(count * steps);
  const targets = new Int32Array(count * steps);
  const span = ids.length - steps - 1;
  if (span < 1) {
    throw new RecurError(
      'RANGE',
      `randomWindows: ids has ${ids.length} tokens; windows of steps + 1 = ${steps + 1} need more`,
    );
  }
  for (let b = 0; b < count; b++) {
    const start = Math.floor(rng.next() * span);
    inputs.set(ids.subarray(start, start + steps), b * steps);
    targets.set(ids.subarray(start + 1, start + steps + 1), b * steps);
  }
  return { inputs, targets, shape: [count, steps] };
}

/** A batch of sequences for a many-to-one model. */
export interface SequenceBatch {
  /** int32 ids `[B, T]` or float32 features `[B, T, F]`. */
  inputs: Int32Array | Float32Array;
  inputShape: number[];
  /** `[B, T]`, 0 at padding (absent when every sequence is full length). */
  mask?: Float32Array;
  /** int32 classes `[B]` or float32 targets `[B, 1]`. */
  labels: Int32Array | Float32Array;
  labelShape: number[];
}

/** A fixed set of sequences and a way to draw batches and describe one example. */
export interface SequenceSet {
  readonly count: number;
  /** Rows `rows` of the set as one batch. */
  batch(rows: readonly number[]): SequenceBatch;
  /** One example in words, for showing predictions. */
  describe(row: number): string;
}

function gatherRows<A extends Int32Array | Float32Array>(
  source: A,
  rowSize: number,
  rows: readonly number[],
): A {
  const out = new (source.constructor as new (n: number) => A)(rows.length * rowSize);
  rows.forEach((r, i) => {
    out.set(source.subarray(r * rowSize, (r + 1) * rowSize), i * rowSize);
  });
  return out;
}

/** The class names of the temporal-order task: the order of X and Y. */
export const TEMPORAL_ORDER_CLASSES: readonly string[] = ['XX', 'XY', 'YX', 'YY'];

/** The temporal-order task (Hochreiter & Schmidhuber 1997, exp. 6a): 4 classes. */
export function temporalOrderSet(count: number, length: number, seed: number): SequenceSet {
  const data = temporalOrder({ count, length, seed });
  const [, T] = data.shape;
  return {
    count,
    batch: (rows) => ({
      inputs: gatherRows(data.inputs, T, rows),
      inputShape: [rows.length, T],
      mask: gatherRows(data.mask, T, rows),
      labels: gatherRows(data.labels, 1, rows),
      labelShape: [rows.length],
    }),
    describe: (row) => {
      const n = data.lengths[row]!;
      const symbols = Array.from(
        data.inputs.subarray(row * T, row * T + n),
        (id) => TEMPORAL_ORDER_SYMBOLS[id],
      );
      return `${symbols.join('')} → ${TEMPORAL_ORDER_CLASSES[data.labels[row]!]}`;
    },
  };
}

/** The adding problem (Le et al. 2015): the sum of the two marked values of T. */
export function addingSet(count: number, length: number, seed: number): SequenceSet {
  const data = addingProblem({ count, length, seed });
  const [, T, F] = data.inputShape;
  return {
    count,
    batch: (rows) => ({
      inputs: gatherRows(data.inputs, T * F, rows),
      inputShape: [rows.length, T, F],
      labels: gatherRows(data.targets, 1, rows),
      labelShape: [rows.length, 1],
    }),
    describe: (row) => {
      const marked: string[] = [];
      for (let t = 0; t < T; t++) {
        const i = (row * T + t) * F;
        if (data.inputs[i + 1] === 1) marked.push(`${data.inputs[i]!.toFixed(2)} (t=${t + 1})`);
      }
      return `${marked.join(' + ')} = ${data.targets[row]!.toFixed(2)}`;
    },
  };
}

/** `count` row numbers drawn uniformly from `[0, size)`. */
export function randomRows(size: number, count: number, rng: SeededRng): number[] {
  return Array.from({ length: count }, () => Math.floor(rng.next() * size));
}
