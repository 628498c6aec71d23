import type { CellKind } from '@recur/cells';
import { batchIndices, CharTokenizer, seq2seqBatch, tokenizerFromJSON } from '@recur/datasets';
import { checkOptions, RecurError } from '@recur/tensor';
import type { AttentionScore } from '../attention.js';
import { CELL_KINDS, checkChoice, checkSeed, checkSize, orDefault } from '../config.js';
import { disposeModel } from '../model-io.js';
import { Seq2Seq, type Seq2SeqBatch, seq2seqTensors } from '../seq2seq.js';
import { fail, loadStart, saveStart } from './start-file.js';
import { checkFitOptions, type FitOptions, type FitReport, runTraining } from './training-run.js';

/** Options of a {@link Translator} (all optional). */
export interface TranslatorOptions {
  /** `'lstm'` (default), `'gru'`, `'rnn'` or `'irnn'`. */
  cell?: CellKind;
  /** Units of the encoder and of the decoder (default 128). */
  hiddenSize?: number;
  /** Stacked layers of each (default 1). */
  numLayers?: number;
  /** Width of the source and target character embeddings (default 32). */
  embeddingSize?: number;
  /** Attention over the source: `'dot'` (default), `'general'`, `'additive'` or `'none'`. */
  attention?: AttentionScore | 'none';
  /** Seed of the weights and of training (default 0). */
  seed?: number;
}

/** Options of {@link Translator.translate}. */
export interface TranslationOptions {
  /** 1 (default): greedy; more: beam search with that many beams. */
  beamWidth?: number;
  /** The most characters per translation (default: twice the longest target `fit` saw, plus 2). */
  maxLength?: number;
}

/** A source text and its translation. */
export type TextPair = readonly [source: string, target: string];

type Settings = Required<TranslatorOptions>;
const KIND = 'Translator';
const OPTION_KEYS = ['cell', 'hiddenSize', 'numLayers', 'embeddingSize', 'attention', 'seed'];

/**
 * A character-level translator in three lines — the article's encoder–decoder design:
 *
 * ```ts
 * const translator = new Translator();
 * await translator.fit([['25 November 2026', '2026-11-25'], …], { epochs: 4 });
 * translator.translate('3 March 2027'); // '2027-03-03'
 * ```
 *
 * `fit` builds one character tokenizer for the sources and one for the targets (with start and
 * stop tokens), a {@link Seq2Seq} with attention, and trains it with teacher forcing on padded,
 * masked batches reshuffled every epoch (seeded). `translate` decodes greedily or with beam
 * search. The pieces stay reachable: {@link Translator.model}, {@link Translator.sourceTokenizer},
 * {@link Translator.targetTokenizer}; both tokenizers are saved inside the model file.
 */
export class Translator {
  readonly settings: Readonly<Settings>;
  #model: Seq2Seq | null = null;
  #source: CharTokenizer | null = null;
  #target: CharTokenizer | null = null;
  /** The longest target (in characters) training saw: sets the default `maxLength`. */
  #longest = 0;

  constructor(options: TranslatorOptions = {}) {
    checkOptions(KIND, options, OPTION_KEYS);
    const o = options;
    this.settings = Object.freeze({
      cell: checkChoice(KIND, 'cell', orDefault(o.cell, 'lstm'), CELL_KINDS),
      hiddenSize: checkSize(KIND, 'hiddenSize', orDefault(o.hiddenSize, 128)),
      numLayers: checkSize(KIND, 'numLayers', orDefault(o.numLayers, 1)),
      embeddingSize: checkSize(KIND, 'embeddingSize', orDefault(o.embeddingSize, 32)),
      attention: checkChoice(KIND, 'attention', orDefault(o.attention, 'dot'), [
        'dot',
        'general',
        'additive',
        'none',
      ]),
      seed: checkSeed(KIND, 'seed', orDefault(o.seed, 0)),
    });
  }

  /** The underlying {@link Seq2Seq} (after {@link fit} or {@link Translator.load}). */
  get model(): Seq2Seq {
    if (!this.#model) throw notTrained('model');
    return this.#model;
  }

  /** The character tokenizer of the sources. */
  get sourceTokenizer(): CharTokenizer {
    if (!this.#source) throw notTrained('source tokenizer');
    return this.#source;
  }

  /** The character tokenizer of the targets (with start and stop tokens). */
  get targetTokenizer(): CharTokenizer {
    if (!this.#target) throw notTrained('target tokenizer');
    return this.#target;
  }

  /**
   * Trains on `pairs` of (source, target) for the budget of `options` (default one minute; see
   * {@link FitOptions}): Adam (learning rate 0.01 by default), 32 pairs per batch, clipping at
   * norm 1, teacher forcing. With `validation`, the last pairs of a seeded shuffle are held out.
   */
  async fit(pairs: readonly TextPair[], options: FitOptions = {}): Promise<FitReport> {
    const owner = `${KIND}.fit`;
    checkFitOptions(owner, options);
    if (!Array.isArray(pairs) || pairs.length === 0) {
      throw new RecurError(
        'ARGUMENT',
        `${owner}: pairs must be a non-empty array of [source, target], got ${Array.isArray(pairs) ? 'an empty array' : typeof pairs}`,
      );
    }
    pairs.forEach((pair, i) => {
      if (
        !Array.isArray(pair) ||
        pair.length !== 2 ||
        typeof pair[0] !== 'string' ||
        typeof pair[1] !== 'string' ||
        pair[0].length === 0
      ) {
        throw new RecurError(
          'ARGUMENT',
          `${owner}: pairs[${i}] must be [source, target], two strings with a non-empty source; got ${JSON.stringify(pair)?.slice(0, 60)}`,
        );
      }
    });
    if (!this.#model) this.#build(pairs);
    const encoded = pairs.map(([s, t]) => ({
      source: this.sourceTokenizer.encode(s),
      target: this.targetTokenizer.encode(t),
    }));
    this.#longest = Math.max(this.#longest, ...encoded.map((p) => p.target.length));
    const order = batchIndices(pairs.length, {
      batchSize: pairs.length,
      shuffle: true,
      seed: this.settings.seed,
    })[0]!;
    const held = Math.floor(pairs.length * (options.validation ?? 0));
    const trainRows = order.slice(0, order.length - held);
    const validationRows = order.slice(order.length - held);
    const v = this.targetTokenizer.vocabulary;
    const batch = (rows: number[]): Seq2SeqBatch =>
      seq2seqTensors(
        seq2seqBatch(
          rows.map((r) => encoded[r]!),
          { padId: v.padId, bosId: v.bosId, eosId: v.eosId },
        ),
      );
    const batchSize = options.batchSize ?? 32;
    return runTraining<Seq2SeqBatch>(
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

  /** The translation of `source` (or of each of `sources`). */
  translate(source: string, options?: TranslationOptions): string;
  translate(sources: readonly string[], options?: TranslationOptions): string[];
  translate(
    input: string | readonly string[],
    options: TranslationOptions = {},
  ): string | string[] {
    const owner = `${KIND}.translate`;
    checkOptions(owner, options, ['beamWidth', 'maxLength']);
    const one = typeof input === 'string';
    const sources = one ? [input] : input;
    if (!Array.isArray(sources) || sources.length === 0) {
      throw new RecurError(
        'ARGUMENT',
        `${owner}: give a text or a non-empty array of texts, got ${typeof input}`,
      );
    }
    const ids = sources.map((s, i) => {
      if (typeof s !== 'string' || s.length === 0) {
        throw new RecurError(
          'ARGUMENT',
          `${owner}: source ${i} must be a non-empty string, got ${JSON.stringify(s)}`,
        );
      }
      return Array.from(this.sourceTokenizer.encode(s));
    });
    const beamWidth = checkSize(owner, 'beamWidth', orDefault(options.beamWidth, 1));
    const maxLength = checkSize(
      owner,
      'maxLength',
      orDefault(options.maxLength, 2 * this.#longest + 2),
    );
    const out = this.model
      .translate(ids, { maxLength, beamWidth })
      .map((t) => this.targetTokenizer.decode(t));
    return one ? out[0]! : out;
  }

  /** Layers, output shapes and parameter counts (see `Seq2Seq.summary`). */
  summary(): string {
    return `${KIND}: characters (${this.sourceTokenizer.vocabulary.size} → ${this.targetTokenizer.vocabulary.size}) → ${this.model.summary()}`;
  }

  /** How many numbers the model's parameters hold. */
  get parameterCount(): number {
    return this.model.parameterCount;
  }

  /** One safetensors file: the weights, both tokenizers with their vocabularies, the settings. */
  save(): Uint8Array {
    return saveStart(KIND, this.model, this.sourceTokenizer.toJSON(), {
      settings: this.settings,
      targetTokenizer: this.targetTokenizer.toJSON(),
      longestTarget: this.#longest,
    });
  }

  /**
   * The translator {@link save} wrote, checked as hostile: the file (see `loadModel`), the
   * settings (as the constructor checks them), both tokenizers (`tokenizerFromJSON`) and their
   * agreement with the model (vocabulary sizes, start and stop tokens, sizes); anything wrong is
   * a `FORMAT` error and nothing stays allocated.
   */
  static load(bytes: Uint8Array): Translator {
    const owner = `${KIND}.load`;
    return loadStart<Seq2Seq, Translator>(
      KIND,
      bytes,
      'Seq2Seq',
      ['settings', 'targetTokenizer', 'longestTarget'],
      ({ model, tokenizer, fields }) => {
        const out = new Translator(fields.settings as TranslatorOptions);
        const s = out.settings;
        const source = tokenizerFromJSON(tokenizer);
        const target = tokenizerFromJSON(fields.targetTokenizer);
        if (!(source instanceof CharTokenizer && target instanceof CharTokenizer)) {
          fail(owner, 'the tokenizers must be character tokenizers');
        }
        const longest = fields.longestTarget;
        if (
          !(Number.isSafeInteger(longest) && (longest as number) >= 0 && (longest as number) <= 1e6)
        ) {
          fail(
            owner,
            `longestTarget must be an integer in [0, 1e6], got ${JSON.stringify(longest)}`,
          );
        }
        const tv = target.vocabulary;
        if (!(tv.hasSpecial('bos') && tv.hasSpecial('eos')))
          fail(owner, 'the target vocabulary needs start and stop tokens');
        const embedding = { kind: 'embedding', size: s.embeddingSize };
        const expected = {
          sourceVocabularySize: source.vocabulary.size,
          targetVocabularySize: tv.size,
          sourceInput: embedding,
          targetInput: embedding,
          cell: s.cell,
          hiddenSize: s.hiddenSize,
          numLayers: s.numLayers,
          attention: s.attention === 'none' ? null : s.attention,
          startToken: tv.bosId,
          stopToken: tv.eosId,
        };
        const c = model.config;
        for (const [key, value] of Object.entries(expected)) {
          const got = c[key as keyof typeof c];
          if (JSON.stringify(got) !== JSON.stringify(value)) {
            fail(
              owner,
              `the model's ${key} is ${JSON.stringify(got)}; the settings and tokenizers imply ${JSON.stringify(value)}`,
            );
          }
        }
        out.#model = model;
        out.#source = source;
        out.#target = target;
        out.#longest = longest as number;
        return out;
      },
    );
  }

  /** Frees the model's tensors; the translator cannot be used afterwards. */
  dispose(): void {
    if (this.#model) disposeModel(this.#model);
    this.#model = null;
  }

  #build(pairs: readonly TextPair[]): void {
    const s = this.settings;
    this.#source = CharTokenizer.fromText(
      pairs.map((p) => p[0]),
      { vocabulary: { specials: { bos: false, eos: false } } },
    );
    this.#target = CharTokenizer.fromText(pairs.map((p) => p[1]));
    const tv = this.#target.vocabulary;
    const embedding = { kind: 'embedding', size: s.embeddingSize } as const;
    this.#model = new Seq2Seq({
      sourceVocabularySize: this.#source.vocabulary.size,
      targetVocabularySize: tv.size,
      sourceInput: embedding,
      targetInput: embedding,
      cell: s.cell,
      hiddenSize: s.hiddenSize,
      numLayers: s.numLayers,
      attention: s.attention === 'none' ? null : s.attention,
      startToken: tv.bosId,
      stopToken: tv.eosId,
      seed: s.seed,
    });
  }
}

function notTrained(what: string): RecurError {
  return new RecurError(
    'ARGUMENT',
    `${KIND}: no ${what} yet; call fit(pairs) or ${KIND}.load(bytes) first`,
  );
}
