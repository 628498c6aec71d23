import type { CellKind } from '@recur/cells';
import {
  batchIndices,
  CharTokenizer,
  padSequences,
  type Tokenizer,
  tokenizerFromJSON,
  WordTokenizer,
} from '@recur/datasets';
import { checkOptions, RecurError, tensor } from '@recur/tensor';
import {
  CELL_KINDS,
  checkBoolean,
  checkChoice,
  checkRate,
  checkSeed,
  checkSize,
  orDefault,
} from '../config.js';
import { disposeModel } from '../model-io.js';
import { type ClassifierBatch, type Readout, SequenceClassifier } from '../sequence-classifier.js';
import { fail, loadStart, saveStart } from './start-file.js';
import { checkFitOptions, type FitOptions, type FitReport, runTraining } from './training-run.js';

/** A class label: a string or a number (saved in the model file as JSON). */
export type Label = string | number;

/** Options of a {@link TextClassifier} (all optional). */
export interface TextClassifierOptions {
  /** What a step reads: `'characters'` (default) or `'words'` (lowercased; the 20,000 commonest). */
  tokens?: 'characters' | 'words';
  /** `'lstm'` (default), `'gru'`, `'rnn'` or `'irnn'`. */
  cell?: CellKind;
  /** Units per layer (default 64). */
  hiddenSize?: number;
  /** Stacked layers (default 1). */
  numLayers?: number;
  /** Width of the learned token embedding (default 32). */
  embeddingSize?: number;
  /** Read each text both ways (default false). */
  bidirectional?: boolean;
  /** The final state (`'last'`, default), or the mean or max of the outputs over the text. */
  readout?: Readout;
  /** Dropout between stacked layers while training (default 0). */
  dropout?: number;
  /** Tokens read per text; longer texts are cut at the end (default 400). */
  maxLength?: number;
  /** Seed of the weights and of training (default 0). */
  seed?: number;
}

type Settings = Required<TextClassifierOptions>;
const KIND = 'TextClassifier';
const OPTION_KEYS = [
  'tokens',
  'cell',
  'hiddenSize',
  'numLayers',
  'embeddingSize',
  'bidirectional',
  'readout',
  'dropout',
  'maxLength',
  'seed',
];

/**
 * A text classifier in three lines — the article's many-to-one design:
 *
 * ```ts
 * const clf = new TextClassifier();
 * await clf.fit(texts, labels, { epochs: 5 });
 * clf.predict('what a wonderful film'); // → one of the labels
 * ```
 *
 * `fit` builds a tokenizer from the texts (characters by default, with UNK for what it never
 * saw), takes the distinct labels as the classes (in order of first appearance), builds a
 * {@link SequenceClassifier} with a softmax head and trains it with `@recur/train`'s `Trainer` on
 * padded, masked batches reshuffled every epoch (seeded). The pieces stay reachable:
 * {@link TextClassifier.model}, {@link TextClassifier.tokenizer}, {@link TextClassifier.labels}.
 */
export class TextClassifier<L extends Label = Label> {
  readonly settings: Readonly<Settings>;
  #model: SequenceClassifier | null = null;
  #tokenizer: CharTokenizer | WordTokenizer | null = null;
  #labels: L[] = [];

  constructor(options: TextClassifierOptions = {}) {
    checkOptions(KIND, options, OPTION_KEYS);
    const o = options;
    this.settings = Object.freeze({
      tokens: checkChoice(KIND, 'tokens', orDefault(o.tokens, 'characters'), [
        'characters',
        'words',
      ]),
      cell: checkChoice(KIND, 'cell', orDefault(o.cell, 'lstm'), CELL_KINDS),
      hiddenSize: checkSize(KIND, 'hiddenSize', orDefault(o.hiddenSize, 64)),
      numLayers: checkSize(KIND, 'numLayers', orDefault(o.numLayers, 1)),
      embeddingSize: checkSize(KIND, 'embeddingSize', orDefault(o.embeddingSize, 32)),
      bidirectional: checkBoolean(KIND, 'bidirectional', orDefault(o.bidirectional, false)),
      readout: checkChoice(KIND, 'readout', orDefault(o.readout, 'last'), ['last', 'mean', 'max']),
      dropout: checkRate(KIND, 'dropout', orDefault(o.dropout, 0)),
      maxLength: checkSize(KIND, 'maxLength', orDefault(o.maxLength, 400)),
      seed: checkSeed(KIND, 'seed', orDefault(o.seed, 0)),
    });
  }

  /** The underlying {@link SequenceClassifier} (after {@link fit} or {@link TextClassifier.load}). */
  get model(): SequenceClassifier {
    if (!this.#model) throw notTrained('model');
    return this.#model;
  }

  /** The tokenizer `fit` built from the texts. */
  get tokenizer(): Tokenizer & { toJSON(): unknown } {
    if (!this.#tokenizer) throw notTrained('tokenizer');
    return this.#tokenizer;
  }

  /** The classes, in the order of the model's outputs. */
  get labels(): readonly L[] {
    return [...this.#labels];
  }

  /**
   * Trains on `texts` and their `labels` for the budget of `options` (default one minute; see
   * {@link FitOptions}): Adam (learning rate 0.01 by default), 32 texts per batch, clipping at
   * norm 1. With `validation`, the last examples of a seeded shuffle are held out. A second
   * `fit` trains the same model further; its labels must be among the first's.
   */
  async fit(
    texts: readonly string[],
    labels: readonly L[],
    options: FitOptions = {},
  ): Promise<FitReport> {
    const owner = `${KIND}.fit`;
    checkFitOptions(owner, options);
    if (
      !Array.isArray(texts) ||
      !Array.isArray(labels) ||
      texts.length !== labels.length ||
      texts.length < 2
    ) {
      throw new RecurError(
        'ARGUMENT',
        `${owner}: give texts and labels as two arrays of the same length (at least 2), got ${describe(texts)} and ${describe(labels)}`,
      );
    }
    labels.forEach((label, i) => {
      if (!(typeof label === 'string' || (typeof label === 'number' && Number.isFinite(label)))) {
        throw new RecurError(
          'ARGUMENT',
          `${owner}: labels[${i}] is ${String(label)}; expected a string or a finite number`,
        );
      }
    });
    if (!this.#model) this.#build(texts, labels);
    const ids = texts.map((text, i) => this.#encode(owner, text, `texts[${i}]`));
    const classes = labels.map((label, i) => {
      const k = this.#labels.indexOf(label);
      if (k < 0) {
        throw new RecurError(
          'ARGUMENT',
          `${owner}: labels[${i}] is ${JSON.stringify(label)}, not one of the model's classes ${JSON.stringify(this.#labels)}`,
        );
      }
      return k;
    });
    const order = batchIndices(texts.length, {
      batchSize: texts.length,
      shuffle: true,
      seed: this.settings.seed,
    })[0]!;
    const held = Math.floor(texts.length * (options.validation ?? 0));
    const trainRows = order.slice(0, order.length - held);
    const validationRows = order.slice(order.length - held);
    const batchSize = options.batchSize ?? 32;
    const batch = (rows: number[]): ClassifierBatch => {
      const padded = padSequences(rows.map((r) => ids[r]!));
      return {
        inputs: tensor(padded.ids, padded.shape, 'int32'),
        mask: tensor(padded.mask, padded.shape),
        labels: tensor(
          Int32Array.from(rows, (r) => classes[r]!),
          [rows.length],
          'int32',
        ),
      };
    };
    return runTraining<ClassifierBatch>(
      {
        model: this.model,
        train: function* (_epoch, rng) {
          for (const rows of batchIndices(trainRows.length, { batchSize, shuffle: true, rng })) {
            yield batch(rows.map((i) => trainRows[i]!));
          }
        },
        batchesPerEpoch: Math.ceil(trainRows.length / batchSize),
        validation:
          held > 0
            ? batchIndices(held, { batchSize }).map((rows) =>
                batch(rows.map((i) => validationRows[i]!)),
              )
            : null,
        seed: this.settings.seed,
        learningRate: 0.01,
        clipNorm: 1,
      },
      options,
    );
  }

  /** The likeliest label of `text` (or of each of `texts`). */
  predict(text: string): L;
  predict(texts: readonly string[]): L[];
  predict(input: string | readonly string[]): L | L[] {
    const one = typeof input === 'string';
    const rows = this.probabilities(one ? [input] : input);
    const best = rows.map((p) => this.#labels[p.indexOf(Math.max(...p))]!);
    return one ? best[0]! : best;
  }

  /** The probability of each of {@link labels}, per text. */
  probabilities(texts: readonly string[]): number[][] {
    const owner = `${KIND}.predict`;
    if (!Array.isArray(texts) || texts.length === 0) {
      throw new RecurError(
        'ARGUMENT',
        `${owner}: give a text or a non-empty array of texts, got ${describe(texts)}`,
      );
    }
    const model = this.model;
    const padded = padSequences(texts.map((t, i) => this.#encode(owner, t, `texts[${i}]`)));
    const inputs = tensor(padded.ids, padded.shape, 'int32');
    const mask = tensor(padded.mask, padded.shape);
    try {
      const p = model.predict(inputs, mask);
      const K = this.#labels.length;
      return texts.map((_, b) => Array.from(p.subarray(b * K, (b + 1) * K)));
    } finally {
      inputs.dispose();
      mask.dispose();
    }
  }

  /** Layers, output shapes and parameter counts (see `SequenceClassifier.summary`). */
  summary(): string {
    return `${KIND}: ${this.settings.tokens} (${this.tokenizer.vocabulary.size}) → ${this.#labels.length} labels → ${this.model.summary()}`;
  }

  /** How many numbers the model's parameters hold. */
  get parameterCount(): number {
    return this.model.parameterCount;
  }

  /** One safetensors file: the weights, the tokenizer with its vocabulary, the labels, the settings. */
  save(): Uint8Array {
    return saveStart(KIND, this.model, this.tokenizer.toJSON(), {
      settings: this.settings,
      labels: this.#labels,
    });
  }

  /**
   * The classifier {@link save} wrote, checked as hostile: the file (see `loadModel`), the
   * settings (as the constructor checks them), the tokenizer (`tokenizerFromJSON`), the labels
   * (distinct strings or numbers, one per output) and their agreement with the model; anything
   * wrong is a `FORMAT` error and nothing stays allocated.
   */
  static load(bytes: Uint8Array): TextClassifier {
    const owner = `${KIND}.load`;
    return loadStart<SequenceClassifier, TextClassifier>(
      KIND,
      bytes,
      'SequenceClassifier',
      ['settings', 'labels'],
      ({ model, tokenizer, fields }) => {
        const out = new TextClassifier(fields.settings as TextClassifierOptions);
        const s = out.settings;
        const tokens = tokenizerFromJSON(tokenizer);
        if (tokens instanceof CharTokenizer !== (s.tokens === 'characters')) {
          fail(owner, `the tokenizer is not one of ${s.tokens}`);
        }
        const labels = fields.labels;
        if (
          !Array.isArray(labels) ||
          new Set(labels).size !== labels.length ||
          labels.some(
            (l) => !(typeof l === 'string' || (typeof l === 'number' && Number.isFinite(l))),
          )
        ) {
          fail(
            owner,
            `labels must be distinct strings or finite numbers, got ${JSON.stringify(labels)?.slice(0, 80)}`,
          );
        }
        const c = model.config;
        const expected = {
          input: {
            kind: 'embedding',
            vocabularySize: tokens.vocabulary.size,
            size: s.embeddingSize,
          },
          cell: s.cell,
          hiddenSize: s.hiddenSize,
          numLayers: s.numLayers,
          bidirectional: s.bidirectional,
          readout: s.readout,
          head: 'softmax',
          outputSize: labels.length,
        };
        for (const [key, value] of Object.entries(expected)) {
          const got = c[key as keyof typeof c];
          if (JSON.stringify(got) !== JSON.stringify(value)) {
            fail(
              owner,
              `the model's ${key} is ${JSON.stringify(got)}; the settings, tokenizer and labels imply ${JSON.stringify(value)}`,
            );
          }
        }
        out.#model = model;
        out.#tokenizer = tokens;
        out.#labels = [...labels];
        return out;
      },
    );
  }

  /** Frees the model's tensors; the classifier cannot be used afterwards. */
  dispose(): void {
    if (this.#model) disposeModel(this.#model);
    this.#model = null;
  }

  #build(texts: readonly string[], labels: readonly L[]): void {
    const s = this.settings;
    const specials = { specials: { bos: false, eos: false } } as const;
    this.#tokenizer =
      s.tokens === 'characters'
        ? CharTokenizer.fromText(texts, { vocabulary: specials })
        : WordTokenizer.fromTexts(texts, {
            lowercase: true,
            pattern: 'words',
            vocabulary: { ...specials, maxSize: 20_000, order: 'frequency' },
          });
    const classes = [...new Set(labels)];
    if (classes.length < 2) {
      throw new RecurError(
        'ARGUMENT',
        `${KIND}.fit: the labels hold ${classes.length} class; a classifier needs at least 2`,
      );
    }
    this.#labels = classes;
    this.#model = new SequenceClassifier({
      input: {
        kind: 'embedding',
        vocabularySize: this.#tokenizer.vocabulary.size,
        size: s.embeddingSize,
      },
      cell: s.cell,
      hiddenSize: s.hiddenSize,
      numLayers: s.numLayers,
      bidirectional: s.bidirectional,
      readout: s.readout,
      dropout: s.dropout,
      outputSize: classes.length,
      seed: s.seed,
    });
  }

  /** The ids of one text, cut to `maxLength`; an empty text (nothing to read) is refused. */
  #encode(owner: string, text: string, what: string): Int32Array {
    if (typeof text !== 'string')
      throw new RecurError('ARGUMENT', `${owner}: ${what} is ${typeof text}; expected a string`);
    const ids = this.tokenizer.encode(text);
    if (ids.length === 0)
      throw new RecurError(
        'ARGUMENT',
        `${owner}: ${what} is empty; every text needs at least one token to classify`,
      );
    return ids.subarray(0, this.settings.maxLength);
  }
}

function describe(value: unknown): string {
  return Array.isArray(value) ? `an array of ${value.length}` : typeof value;
}

function notTrained(what: string): RecurError {
  return new RecurError(
    'ARGUMENT',
    `${KIND}: no ${what} yet; call fit(texts, labels) or ${KIND}.load(bytes) first`,
  );
}
