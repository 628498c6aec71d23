import type { CellKind } from '@recur/cells';
import { CharTokenizer, TbpttStream, tokenizerFromJSON } from '@recur/datasets';
import { checkOptions, RecurError, type Tensor, tensor } from '@recur/tensor';
import { CELL_KINDS, checkChoice, checkRate, checkSeed, checkSize, orDefault } from '../config.js';
import { LanguageModel, type LanguageModelBatch } from '../language-model.js';
import { disposeModel } from '../model-io.js';
import { fail, loadStart, saveStart } from './start-file.js';
import { checkFitOptions, type FitOptions, type FitReport, runTraining } from './training-run.js';

/** Options of a {@link TextGenerator}: the network's shape (all optional). */
export interface TextGeneratorOptions {
  /** `'lstm'` (default), `'gru'`, `'rnn'` or `'irnn'`. */
  cell?: CellKind;
  /** Units per layer (default 128). */
  hiddenSize?: number;
  /** Stacked layers (default 1). */
  numLayers?: number;
  /** Width of the learned character embedding (default 32). */
  embeddingSize?: number;
  /** Dropout between stacked layers while training (default 0). */
  dropout?: number;
  /** Characters per truncated-BPTT chunk (default 50, as char-rnn). */
  steps?: number;
  /** Seed of the weights and of training (default 0). */
  seed?: number;
}

/** Options of {@link TextGenerator.generate}. */
export interface TextGenerationOptions {
  /** Characters to write after the prompt (default 200). */
  length?: number;
  /** Sampling temperature: lower is more conservative, 0 always takes the likeliest (default 0.8). */
  temperature?: number;
  /** Sample only among the k likeliest characters (default: all). */
  topK?: number;
  /** Seed of the sampling (default 0): the same seed writes the same text. */
  seed?: number;
}

type Settings = Required<TextGeneratorOptions>;
const KIND = 'TextGenerator';
const OPTION_KEYS = [
  'cell',
  'hiddenSize',
  'numLayers',
  'embeddingSize',
  'dropout',
  'steps',
  'seed',
];

/**
 * A character-level text generator in three lines — the article's many-to-many design:
 *
 * ```ts
 * const gen = new TextGenerator({ cell: 'lstm' });
 * await gen.fit(text, { minutes: 1 });
 * gen.generate('The ');
 * ```
 *
 * `fit` picks the characters of the text as the vocabulary (plus UNK for characters it never
 * saw), builds a {@link LanguageModel}, cuts the text into parallel streams read in chunks
 * (truncated BPTT, the state carried between chunks) and trains it with `@recur/train`'s
 * `Trainer` for the budget given. Calling `fit` again trains the same model further. The pieces
 * stay reachable: {@link TextGenerator.model} and {@link TextGenerator.tokenizer}.
 * {@link TextGenerator.save} writes one safetensors file holding the weights, the tokenizer with
 * its vocabulary, and these settings.
 */
export class TextGenerator {
  readonly settings: Readonly<Settings>;
  #model: LanguageModel | null = null;
  #tokenizer: CharTokenizer | null = null;

  constructor(options: TextGeneratorOptions = {}) {
    checkOptions(KIND, options, OPTION_KEYS);
    const o = options;
    this.settings = Object.freeze({
      cell: checkChoice(KIND, 'cell', orDefault(o.cell, 'lstm'), CELL_KINDS),
      hiddenSize: checkSize(KIND, 'hiddenSize', orDefault(o.hiddenSize, 128)),
      numLayers: checkSize(KIND, 'numLayers', orDefault(o.numLayers, 1)),
      embeddingSize: checkSize(KIND, 'embeddingSize', orDefault(o.embeddingSize, 32)),
      dropout: checkRate(KIND, 'dropout', orDefault(o.dropout, 0)),
      steps: checkSize(KIND, 'steps', orDefault(o.steps, 50)),
      seed: checkSeed(KIND, 'seed', orDefault(o.seed, 0)),
    });
  }

  /** The underlying {@link LanguageModel} (after {@link fit} or {@link TextGenerator.load}). */
  get model(): LanguageModel {
    if (!this.#model) throw notTrained('model');
    return this.#model;
  }

  /** The character tokenizer `fit` built from the text (after {@link fit} or {@link TextGenerator.load}). */
  get tokenizer(): CharTokenizer {
    if (!this.#tokenizer) throw notTrained('tokenizer');
    return this.#tokenizer;
  }

  /**
   * Trains on `text` for the budget of `options` (default one minute; see {@link FitOptions}):
   * Adam (learning rate 0.02 by default), 32 streams per batch, clipping at norm 5. With
   * `validation`, the end of the text is held out and its loss (nats per character) reported.
   */
  async fit(text: string, options: FitOptions = {}): Promise<FitReport> {
    const owner = `${KIND}.fit`;
    checkFitOptions(owner, options);
    if (typeof text !== 'string' || Array.from(text).length < 2) {
      throw new RecurError(
        'ARGUMENT',
        `${owner}: text must be a string of at least 2 characters, got ${typeof text === 'string' ? `${text.length} characters` : typeof text}`,
      );
    }
    if (!this.#model) this.#build(text);
    const ids = this.tokenizer.encode(text);
    const held = Math.floor(ids.length * (options.validation ?? 0));
    const trainIds = ids.subarray(0, ids.length - held);
    const batchSize = options.batchSize ?? 32;
    const train = this.#batches(trainIds, batchSize, 'drop');
    const validation =
      held >= 2 ? this.#batches(ids.subarray(ids.length - held), batchSize, 'keep') : null;
    if (train.length === 0) {
      throw new RecurError(
        'ARGUMENT',
        `${owner}: the training text has ${trainIds.length} characters; give at least 2`,
      );
    }
    return runTraining(
      {
        model: this.model,
        train,
        batchesPerEpoch: train.length,
        validation,
        carryState: true,
        seed: this.settings.seed,
        learningRate: 0.02,
        clipNorm: 5,
      },
      options,
    );
  }

  /**
   * Writes `length` characters after `prompt` (the prompt itself is not repeated), sampling at
   * `temperature` with the given `seed`. Characters the model never saw become UNK.
   */
  generate(prompt: string, options: TextGenerationOptions = {}): string {
    const owner = `${KIND}.generate`;
    checkOptions(owner, options, ['length', 'temperature', 'topK', 'seed']);
    const { length = 200, temperature = 0.8, topK, seed = 0 } = options;
    if (typeof prompt !== 'string' || prompt.length === 0) {
      throw new RecurError(
        'ARGUMENT',
        `${owner}: prompt must be a non-empty string (the model continues it), got ${JSON.stringify(prompt)}`,
      );
    }
    if (!(typeof temperature === 'number' && temperature >= 0 && Number.isFinite(temperature))) {
      throw new RecurError(
        'RANGE',
        `${owner}: temperature must be a finite number >= 0, got ${String(temperature)}`,
      );
    }
    const ids = this.model.generate({
      prompt: Array.from(this.tokenizer.encode(prompt)),
      maxTokens: length,
      strategy:
        temperature === 0
          ? { kind: 'greedy' }
          : { kind: 'sample', temperature, ...(topK !== undefined ? { topK } : {}) },
      seed: checkSeed(owner, 'seed', seed),
    });
    return this.tokenizer.decode(ids);
  }

  /** Layers, output shapes and parameter counts (see `LanguageModel.summary`). */
  summary(): string {
    return `${KIND}: characters (${this.tokenizer.vocabulary.size}) → ${this.model.summary()}`;
  }

  /** How many numbers the model's parameters hold. */
  get parameterCount(): number {
    return this.model.parameterCount;
  }

  /** One safetensors file: the weights, the tokenizer with its vocabulary, and the settings. */
  save(): Uint8Array {
    return saveStart(KIND, this.model, this.tokenizer.toJSON(), { settings: this.settings });
  }

  /**
   * The generator {@link save} wrote. The file is checked as hostile (see `loadModel`), then the
   * settings (as the constructor checks them), the tokenizer (`tokenizerFromJSON`) and their
   * agreement with the model (vocabulary size, cell, sizes); anything wrong is a `FORMAT` error
   * and nothing stays allocated.
   */
  static load(bytes: Uint8Array): TextGenerator {
    return loadStart<LanguageModel, TextGenerator>(
      KIND,
      bytes,
      'LanguageModel',
      ['settings'],
      ({ model, tokenizer, fields }) => {
        const owner = `${KIND}.load`;
        const generator = new TextGenerator(fields.settings as TextGeneratorOptions);
        const chars = tokenizerFromJSON(tokenizer);
        if (!(chars instanceof CharTokenizer))
          fail(owner, 'the tokenizer is not a character tokenizer');
        const c = model.config;
        const s = generator.settings;
        const expected = {
          vocabularySize: chars.vocabulary.size,
          cell: s.cell,
          hiddenSize: s.hiddenSize,
          numLayers: s.numLayers,
          input: { kind: 'embedding', size: s.embeddingSize },
        };
        for (const [key, value] of Object.entries(expected)) {
          const got = c[key as keyof typeof c];
          if (JSON.stringify(got) !== JSON.stringify(value)) {
            fail(
              owner,
              `the model's ${key} is ${JSON.stringify(got)}; the settings and tokenizer imply ${JSON.stringify(value)}`,
            );
          }
        }
        generator.#model = model;
        generator.#tokenizer = chars;
        return generator;
      },
    );
  }

  /** Frees the model's tensors; the generator cannot be used afterwards. */
  dispose(): void {
    if (this.#model) disposeModel(this.#model);
    this.#model = null;
    this.#tokenizer = null;
  }

  #build(text: string): void {
    const tokenizer = CharTokenizer.fromText(text, {
      vocabulary: { specials: { pad: false, bos: false, eos: false } },
    });
    const s = this.settings;
    this.#model = new LanguageModel({
      vocabularySize: tokenizer.vocabulary.size,
      input: { kind: 'embedding', size: s.embeddingSize },
      cell: s.cell,
      hiddenSize: s.hiddenSize,
      numLayers: s.numLayers,
      dropout: s.dropout,
      seed: s.seed,
    });
    this.#tokenizer = tokenizer;
  }

  /** The text as parallel streams in chunks (fewer, shorter ones for a short text). */
  #batches(ids: Int32Array, batchSize: number, remainder: 'drop' | 'keep'): LanguageModelBatch[] {
    if (ids.length < 2) return [];
    const steps = Math.min(this.settings.steps, ids.length - 1);
    const streams = Math.max(1, Math.min(batchSize, Math.floor((ids.length - 1) / steps)));
    const stream = new TbpttStream(ids, { batchSize: streams, steps, remainder });
    return [...stream.epochIterator()].map((b) => ({
      inputs: tensor(b.inputs, b.shape, 'int32') as Tensor,
      targets: tensor(b.targets, b.shape, 'int32') as Tensor,
    }));
  }
}

function notTrained(what: string): RecurError {
  return new RecurError(
    'ARGUMENT',
    `${KIND}: no ${what} yet; call fit(text) or TextGenerator.load(bytes) first`,
  );
}
