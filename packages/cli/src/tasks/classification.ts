import { accuracy, SequenceClassifier } from '@recur/architectures';
import {
  DatasetError,
  MNIST_SIZE,
  mnistRowSequences,
  padSequences,
  splitArray,
  type TokenizerJSON,
  tokenizerFromJSON,
  WordTokenizer,
} from '@recur/datasets';
import { loadSpamAssassin, readLabeledText } from '@recur/datasets/node';
import { type Tensor, tensor } from '@recur/tensor';
import { count, round, table } from '../format.js';
import { println } from '../io.js';
import { mnistSplit } from './digits.js';
import { batchCount, excerpt, orderedBatches, shuffledBatches } from './examples.js';
import type { Report, ReportContext, RunOptions, Task, TaskSetup } from './task.js';

/** What a classifier checkpoint keeps as its vocabulary. */
export type ClassifierVocabulary =
  | { input: 'text'; tokenizer: TokenizerJSON; labels: string[]; maxTokens: number }
  | { input: 'digits'; labels: string[] };

/** A labeled text. */
export interface LabeledExample {
  text: string;
  label: number;
}

/** Characters of a text read before tokenizing (a text keeps at most `seqLen` tokens anyway). */
const MAX_CHARS = 4000;

/** The labeled texts of a dataset, split 90/10 (seeded), with the label names. */
export async function loadLabeledTexts(
  options: RunOptions,
): Promise<{ train: LabeledExample[]; heldOut: LabeledExample[]; labels: string[]; name: string }> {
  let examples: LabeledExample[];
  let labels: string[];
  let name: string;
  if (options.dataset === 'spam') {
    labels = ['ham', 'spam'];
    examples = loadSpamAssassin().map((e) => ({
      text: e.text.slice(0, MAX_CHARS),
      label: e.label,
    }));
    name = 'SpamAssassin e-mails (ham or spam)';
  } else {
    const rows: { label: string; text: string }[] = [];
    for await (const { label, text } of readLabeledText(options.file!))
      rows.push({ label, text: text.slice(0, MAX_CHARS) });
    labels = [...new Set(rows.map((r) => r.label))].sort();
    const ids = new Map(labels.map((l, i) => [l, i]));
    examples = rows.map((r) => ({ text: r.text, label: ids.get(r.label)! }));
    name = options.file!;
  }
  if (examples.length < 10) {
    throw new DatasetError('EMPTY', `${name}: ${examples.length} labeled texts; need at least 10`);
  }
  const { train, validation } = splitArray(
    examples,
    { train: 0.9, validation: 0.1 },
    { seed: options.seed },
  );
  return { train, heldOut: validation, labels, name };
}

/** Token ids of `text`, at most `maxTokens`, at least one (UNK for an empty text). */
function encodeText(tokenizer: WordTokenizer, text: string, maxTokens: number): Int32Array {
  const ids = tokenizer.encode(text).subarray(0, maxTokens);
  return ids.length > 0 ? ids : Int32Array.of(tokenizer.vocabulary.unkId);
}

/** Class probabilities `[texts, labels]` of a text classifier. */
export function classifyTexts(
  model: SequenceClassifier,
  vocabulary: Extract<ClassifierVocabulary, { input: 'text' }>,
  texts: readonly string[],
): { label: number; probabilities: number[] }[] {
  const tokenizer = tokenizerFromJSON(vocabulary.tokenizer) as WordTokenizer;
  const out: { label: number; probabilities: number[] }[] = [];
  const K = vocabulary.labels.length;
  for (let i = 0; i < texts.length; i += 256) {
    const chunk = texts
      .slice(i, i + 256)
      .map((t) => encodeText(tokenizer, t.slice(0, MAX_CHARS), vocabulary.maxTokens));
    const batch = padSequences(chunk, { padId: 0 });
    const inputs = tensor(batch.ids, batch.shape, 'int32');
    const mask = tensor(batch.mask, batch.shape);
    const p = model.predict(inputs, mask);
    inputs.dispose();
    mask.dispose();
    for (let b = 0; b < chunk.length; b++) {
      const probabilities = Array.from(p.subarray(b * K, (b + 1) * K));
      out.push({ label: probabilities.indexOf(Math.max(...probabilities)), probabilities });
    }
  }
  return out;
}

/** Predicted classes of row-by-row MNIST digits `[N, 28, 28]`. */
export function classifyDigits(
  model: SequenceClassifier,
  images: Float32Array,
  n: number,
): Int32Array {
  const size = MNIST_SIZE * MNIST_SIZE;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i += 256) {
    const m = Math.min(256, n - i);
    const inputs = tensor(images.subarray(i * size, (i + m) * size), [m, MNIST_SIZE, MNIST_SIZE]);
    out.set(model.classify(inputs), i);
    inputs.dispose();
  }
  return out;
}

/** The number of real (unmasked) steps of a `[B, T]` mask. */
function sumOf(mask: Tensor): number {
  let n = 0;
  for (const m of mask.data()) n += m;
  return n;
}

function newClassifier(
  options: RunOptions,
  input: SequenceClassifier['config']['input'],
  classes: number,
): SequenceClassifier {
  return new SequenceClassifier({
    input,
    cell: options.cell,
    ...(options.cellOptions ? { cellOptions: options.cellOptions } : {}),
    hiddenSize: options.hidden,
    numLayers: options.layers,
    dropout: options.dropout,
    outputSize: classes,
    head: 'softmax',
    readout: input.kind === 'features' ? 'last' : 'mean',
    seed: options.seed,
  });
}

/** Held-out examples in the validation slice (at most). */
const VALIDATION_EXAMPLES = 1000;

/**
 * `recur train --arch classify`: a many-to-one classifier — e-mails as ham or spam (words),
 * MNIST digits read row by row (28 steps of 28 pixels), or your labeled texts; reported as
 * held-out accuracy beside always predicting the most common class.
 */
export const classificationTask: Task = {
  arch: 'classify',

  async setup(options: RunOptions): Promise<TaskSetup> {
    if (options.dataset === 'mnist-rows') return setupDigits(options);
    const { train, heldOut, labels, name } = await loadLabeledTexts(options);
    const tokenizer = WordTokenizer.fromTexts(
      train.map((e) => e.text),
      {
        lowercase: true,
        pattern: 'words',
        vocabulary: { maxSize: 5000, minCount: 2, specials: { bos: false, eos: false } },
      },
    );
    const maxTokens = options.seqLen;
    const examples = train.map((e) => ({
      ids: encodeText(tokenizer, e.text, maxTokens),
      label: e.label,
    }));
    const held = heldOut.slice(0, VALIDATION_EXAMPLES).map((e) => ({
      ids: encodeText(tokenizer, e.text, maxTokens),
      label: e.label,
    }));
    const V = tokenizer.vocabulary.size;
    const model = newClassifier(
      options,
      options.embedding > 0
        ? { kind: 'embedding', vocabularySize: V, size: options.embedding }
        : { kind: 'onehot', vocabularySize: V },
      labels.length,
    );
    const vocabulary: ClassifierVocabulary = {
      input: 'text',
      tokenizer: tokenizer.toJSON(),
      labels,
      maxTokens,
    };
    const toBatch = (batch: typeof examples) => {
      const padded = padSequences(
        batch.map((e) => e.ids),
        { padId: 0 },
      );
      return {
        inputs: tensor(padded.ids, padded.shape, 'int32'),
        mask: tensor(padded.mask, padded.shape),
        labels: tensor(
          Int32Array.from(batch, (e) => e.label),
          [batch.length],
          'int32',
        ),
      };
    };
    return {
      model,
      data: shuffledBatches(examples, options.batch, toBatch),
      batchesPerEpoch: batchCount(examples.length, options.batch),
      validation: orderedBatches(held, options.batch, toBatch),
      validationDescription: `cross-entropy on ${count(held.length)} held-out texts`,
      unit: 'words',
      tokens: (batch) => sumOf((batch as { mask: Tensor }).mask),
      vocabulary,
      description: `${name}: ${count(train.length)} training texts (first ${maxTokens} words each), ${count(heldOut.length)} held out; ${count(V)} words; labels ${labels.join(', ')}`,
      report: async (context) => {
        const predicted = classifyTexts(
          model,
          vocabulary,
          heldOut.map((e) => e.text),
        );
        return reportAccuracy(
          context,
          labels,
          train.map((e) => e.label),
          heldOut.map((e, i) => ({
            what: excerpt(e.text, 50),
            label: e.label,
            predicted: predicted[i]!.label,
          })),
        );
      },
    };
  },
};

function setupDigits(options: RunOptions): TaskSetup {
  const { train, heldOut } = mnistSplit(options.seed);
  const rows = mnistRowSequences(train);
  const size = MNIST_SIZE * MNIST_SIZE;
  const examples = Array.from(rows.labels, (label, i) => ({
    pixels: rows.inputs.subarray(i * size, (i + 1) * size),
    label,
  }));
  const labels = Array.from({ length: 10 }, (_, d) => String(d));
  const model = newClassifier(options, { kind: 'features', size: MNIST_SIZE }, 10);
  const toBatch = (batch: typeof examples) => {
    const inputs = new Float32Array(batch.length * size);
    batch.forEach((e, b) => {
      inputs.set(e.pixels, b * size);
    });
    return {
      inputs: tensor(inputs, [batch.length, MNIST_SIZE, MNIST_SIZE]),
      labels: tensor(
        Int32Array.from(batch, (e) => e.label),
        [batch.length],
        'int32',
      ),
    };
  };
  const heldRows = mnistRowSequences(heldOut);
  const n = Math.min(VALIDATION_EXAMPLES, heldRows.labels.length);
  const held = Array.from(heldRows.labels.subarray(0, n), (label, i) => ({
    pixels: heldRows.inputs.subarray(i * size, (i + 1) * size),
    label,
  }));
  return {
    model,
    data: shuffledBatches(examples, options.batch, toBatch),
    batchesPerEpoch: batchCount(examples.length, options.batch),
    validation: orderedBatches(held, options.batch, toBatch),
    validationDescription: `cross-entropy on ${count(held.length)} held-out images`,
    unit: 'rows',
    tokens: (batch) => (batch as { inputs: Tensor }).inputs.shape[0]! * MNIST_SIZE,
    vocabulary: { input: 'digits', labels } satisfies ClassifierVocabulary,
    description: `MNIST digits read row by row (28 steps × 28 pixels): ${count(examples.length)} training images, ${count(heldOut.labels.length)} held out`,
    report: async (context) => {
      const held = mnistRowSequences(heldOut);
      const predicted = classifyDigits(model, held.inputs, held.labels.length);
      return reportAccuracy(
        context,
        labels,
        Array.from(rows.labels),
        Array.from(held.labels, (label, i) => ({
          what: `image ${i + 1}`,
          label,
          predicted: predicted[i]!,
        })),
      );
    },
  };
}

async function reportAccuracy(
  context: ReportContext,
  labels: readonly string[],
  trainLabels: readonly number[],
  results: readonly { what: string; label: number; predicted: number }[],
): Promise<Report> {
  const { io, human, flags } = context;
  const counts = new Array<number>(labels.length).fill(0);
  for (const l of trainLabels) counts[l]! += 1;
  const majority = counts.indexOf(Math.max(...counts));
  const acc = accuracy(
    results.map((r) => r.predicted),
    results.map((r) => r.label),
  );
  const baseline = results.filter((r) => r.label === majority).length / results.length;
  const shown = results
    .slice(0, flags.show)
    .map((r) => ({ text: r.what, label: labels[r.label]!, predicted: labels[r.predicted]! }));
  if (human) {
    println(
      io.stdout,
      `\nHeld-out accuracy: ${(100 * acc).toFixed(1)} % on ${count(results.length)} examples (always '${labels[majority]}': ${(100 * baseline).toFixed(1)} %)`,
    );
    if (shown.length > 0) {
      println(
        io.stdout,
        table([['example', 'label', 'model'], ...shown.map((s) => [s.text, s.label, s.predicted])]),
      );
    }
  }
  return {
    heldOut: {
      examples: results.length,
      accuracy: round(acc),
      majorityBaseline: round(baseline),
      majorityLabel: labels[majority],
    },
    examples: shown,
  };
}
