import { concat, constant, noGrad, softmaxCrossEntropy, type Variable } from '@recur/autograd';
import { type CellKind, RecurrentLayer } from '@recur/cells';
import { formatShape, oneHot, RecurError, Rng, type Tensor, tensor, tidy } from '@recur/tensor';
import type { TrainingContext } from '@recur/train';
import type { AttentionMemory, AttentionScore } from './attention.js';
import type { Hypothesis } from './beam-search.js';
import {
  CELL_KINDS,
  CONFIG_LIMITS,
  cellOptionsField,
  checkCellOptions,
  checkChoice,
  checkModelOptions,
  checkRate,
  checkSeed,
  checkSize,
  checkToken,
  checkTokenInput,
  type ModelCellOptions,
  orDefault,
} from './config.js';
import { TokenDecoder, type TokenInput, tokenDecoderSpecs } from './decoder.js';
import { greedy } from './decoding.js';
import { recurrentInit } from './initialization.js';
import { countTokens } from './language-model.js';
import { Embedding } from './layers.js';
import {
  buildParameters,
  checkParameterBudget,
  embeddingSpecs,
  type ModelPlan,
  prefixed,
  recurrentLayerSpecs,
} from './parameter-specs.js';
import { beamDecode, type DecodeStart, greedyDecode } from './sequence-decoding.js';
import type { RecurrentState } from './states.js';
import { countParameters, summarize } from './summary.js';
import { dropoutDraws, trainingRng } from './training-rng.js';

/** The configuration of a {@link Seq2Seq} model: plain JSON, saved with the weights. */
export interface Seq2SeqConfig {
  architecture: 'Seq2Seq';
  sourceVocabularySize: number;
  targetVocabularySize: number;
  /** How source tokens enter the encoder (default: an embedding of 32). */
  sourceInput: TokenInput;
  /** How target tokens enter the decoder (default: an embedding of 32). */
  targetInput: TokenInput;
  cell: CellKind;
  /** Cell variant (GRU reset-after, hardSigmoid gates): see {@link ModelCellOptions}; absent = defaults. */
  cellOptions?: ModelCellOptions;
  /** Units of the encoder and of the decoder (equal, so the encoder's state can start the decoder). */
  hiddenSize: number;
  numLayers: number;
  dropout: number;
  /** Luong attention over the encoder outputs (`dot`, `general`) or Bahdanau's `additive`; null for none. */
  attention: AttentionScore | null;
  /** Target token fed at the first decoder step. */
  startToken: number;
  /** Target token that ends a translation. */
  stopToken: number;
  seed: number;
}

/** Options of the {@link Seq2Seq} constructor: the config with defaults. */
export type Seq2SeqOptions = Partial<Omit<Seq2SeqConfig, 'architecture'>> &
  Pick<
    Seq2SeqConfig,
    'sourceVocabularySize' | 'targetVocabularySize' | 'hiddenSize' | 'startToken' | 'stopToken'
  >;

/**
 * A teacher-forcing batch (what `seq2seqBatch` from `@recur/datasets` builds): the decoder reads
 * `start y₁ … y_n` and is trained to emit `y₁ … y_n stop`.
 */
export interface Seq2SeqBatch {
  /** `[B, S]` int32 source ids. */
  source: Tensor;
  /** `[B, S]`, 0 at padded source steps. */
  sourceMask?: Tensor;
  /** `[B, T]` int32: the start token, then the target shifted right. */
  decoderInput: Tensor;
  /** `[B, T]` int32: the target, then the stop token. */
  decoderTarget: Tensor;
  /** `[B, T]`, 0 at padded target steps (ignored by the loss). */
  targetMask?: Tensor;
}

/** What the encoder hands the decoder. */
export interface Encoded {
  /** The encoder's final state, per layer: the decoder's initial state. */
  state: RecurrentState;
  /** The encoder outputs prepared for attention (when the model attends). */
  memory?: AttentionMemory;
}

/** Options of {@link Seq2Seq.translate}. */
export interface TranslateOptions {
  /** The most target tokens per sentence, the stop token included. */
  maxLength: number;
  /** 1 (default): greedy, batched; more: beam search per sentence. */
  beamWidth?: number;
  /** Length normalisation exponent for beam search (default 1). */
  lengthPenalty?: number;
}

/**
 * Many-to-many with different lengths — the article's encoder–decoder: the encoder reads the
 * whole source, its final state becomes the decoder's initial state, and the decoder writes the
 * target one token at a time, each step reading the previous token. Training uses teacher
 * forcing (the true previous token) with probability {@link Seq2Seq.teacherForcing}, else the
 * model's own prediction (scheduled sampling, Bengio et al. 2015). Decoding is greedy or beam
 * search with length normalisation; attention over the encoder outputs is optional.
 *
 * ```ts
 * const model = new Seq2Seq({ sourceVocabularySize: 14, targetVocabularySize: 14, hiddenSize: 64,
 *   startToken: 1, stopToken: 2, attention: 'general' });
 * const { loss } = model.loss(batch);
 * const [answer] = model.translate([[5, 7, 3]], { maxLength: 5, beamWidth: 3 });
 * ```
 */
export class Seq2Seq {
  readonly config: Seq2SeqConfig;
  readonly encoderEmbedding: Embedding | null;
  readonly encoder: RecurrentLayer;
  readonly decoder: TokenDecoder;
  /**
   * Probability that a training step reads the true previous token (1 = pure teacher forcing,
   * one fused decoder pass; below 1 = scheduled sampling, one step at a time, its choices drawn
   * from the training call's rng). A number, or a schedule of the training step — e.g.
   * `(step) => scheduledSamplingRatio(step, { kind: 'inverseSigmoid', k: 300 })` — evaluated
   * at `context.step` in {@link Seq2Seq.loss}. A schedule of the step resumes exactly (the step
   * is in every checkpoint); a number changed by hand during training does not.
   */
  teacherForcing: number | ((step: number) => number) = 1;

  constructor(options: Seq2SeqOptions) {
    const { config: c, parameters } = Seq2Seq.describe(options);
    this.config = c;
    const parts = buildParameters(
      'Seq2Seq',
      parameters,
      (own) => {
        const rng = new Rng(c.seed);
        const encoderEmbedding =
          c.sourceInput.kind === 'embedding'
            ? own(
                new Embedding({
                  vocabularySize: c.sourceVocabularySize,
                  embeddingSize: c.sourceInput.size,
                  rng,
                }),
              )
            : null;
        const encoder = own(
          new RecurrentLayer({
            cell: c.cell,
            inputSize: sourceInputSize(c),
            hiddenSize: c.hiddenSize,
            numLayers: c.numLayers,
            dropout: c.dropout,
            cellOptions: recurrentInit(c.cell, c.cellOptions),
            rng,
          }),
        );
        const decoder = own(
          new TokenDecoder({
            vocabularySize: c.targetVocabularySize,
            input: c.targetInput,
            cell: c.cell,
            cellOptions: c.cellOptions,
            hiddenSize: c.hiddenSize,
            numLayers: c.numLayers,
            dropout: c.dropout,
            attention: c.attention ? { score: c.attention, valueSize: c.hiddenSize } : undefined,
            rng,
          }),
        );
        return { encoderEmbedding, encoder, decoder };
      },
      seq2seqParameters,
    );
    this.encoderEmbedding = parts.encoderEmbedding;
    this.encoder = parts.encoder;
    this.decoder = parts.decoder;
  }

  /**
   * Checks `options` (unknown names, types, sizes within {@link CONFIG_LIMITS}, tokens inside
   * the target vocabulary) and returns the config with defaults and the parameters it implies,
   * allocating nothing.
   */
  static describe(options: Seq2SeqOptions): ModelPlan<Seq2SeqConfig> {
    const owner = 'Seq2Seq';
    checkModelOptions(owner, options, [
      'sourceVocabularySize',
      'targetVocabularySize',
      'sourceInput',
      'targetInput',
      'cell',
      'cellOptions',
      'hiddenSize',
      'numLayers',
      'dropout',
      'attention',
      'startToken',
      'stopToken',
      'seed',
    ]);
    const o = options;
    const embedding: TokenInput = { kind: 'embedding', size: 32 };
    const targetVocabularySize = checkSize(owner, 'targetVocabularySize', o.targetVocabularySize);
    const attention = orDefault(o.attention, null);
    const cell = checkChoice(owner, 'cell', orDefault(o.cell, 'lstm'), CELL_KINDS);
    const config: Seq2SeqConfig = {
      architecture: 'Seq2Seq',
      sourceVocabularySize: checkSize(owner, 'sourceVocabularySize', o.sourceVocabularySize),
      targetVocabularySize,
      sourceInput: checkTokenInput(owner, 'sourceInput', orDefault(o.sourceInput, embedding)),
      targetInput: checkTokenInput(owner, 'targetInput', orDefault(o.targetInput, embedding)),
      cell,
      ...cellOptionsField(checkCellOptions(owner, cell, o.cellOptions)),
      hiddenSize: checkSize(owner, 'hiddenSize', o.hiddenSize),
      numLayers: checkSize(owner, 'numLayers', orDefault(o.numLayers, 1), CONFIG_LIMITS.numLayers),
      dropout: checkRate(owner, 'dropout', orDefault(o.dropout, 0)),
      attention:
        attention === null
          ? null
          : checkChoice<AttentionScore>(owner, 'attention', attention, [
              'dot',
              'general',
              'additive',
            ]),
      startToken: checkToken(owner, 'startToken', o.startToken, targetVocabularySize),
      stopToken: checkToken(owner, 'stopToken', o.stopToken, targetVocabularySize),
      seed: checkSeed(owner, 'seed', orDefault(o.seed, 0)),
    };
    const c = config;
    const parameters = [
      ...(c.sourceInput.kind === 'embedding'
        ? embeddingSpecs('encoder.embedding', c.sourceVocabularySize, c.sourceInput.size)
        : []),
      ...prefixed(
        'encoder.',
        recurrentLayerSpecs({
          cell: c.cell,
          cellOptions: c.cellOptions,
          inputSize: sourceInputSize(c),
          hiddenSize: c.hiddenSize,
          numLayers: c.numLayers,
        }),
      ),
      ...prefixed(
        'decoder.',
        tokenDecoderSpecs({
          vocabularySize: c.targetVocabularySize,
          input: c.targetInput,
          cell: c.cell,
          cellOptions: c.cellOptions,
          hiddenSize: c.hiddenSize,
          numLayers: c.numLayers,
          attention: c.attention ? { score: c.attention, valueSize: c.hiddenSize } : undefined,
        }),
      ),
    ];
    checkParameterBudget(owner, parameters);
    return { config, parameters };
  }

  /** Every parameter: `encoder.embedding`, `encoder.layer0.forward.W_x`, `decoder.W_ao`, … */
  parameters(): Record<string, Variable> {
    return seq2seqParameters(this);
  }

  /** Layers, output shapes and parameter counts as a table, like Keras's `model.summary()`. */
  summary(): string {
    return summarize(this);
  }

  /** How many numbers the parameters hold, all together. */
  get parameterCount(): number {
    return countParameters(this.parameters());
  }

  /**
   * Reads source ids `[B, S]` (padding masked out by `sourceMask`). With `training` and dropout
   * (2+ layers), the masks are drawn from `rng`, which is then required.
   */
  encode(source: Tensor, sourceMask?: Tensor, training = false, rng?: Rng): Encoded {
    if (source.dtype !== 'int32' || source.rank !== 2) {
      throw new RecurError(
        'SHAPE',
        `Seq2Seq.encode: source must be int32 [batch, steps], got ${source.dtype} ${formatShape(source.shape)}`,
      );
    }
    const maskRng = training
      ? trainingRng('Seq2Seq.encode', rng, dropoutDraws(this.config))
      : undefined;
    const x = this.encoderEmbedding
      ? this.encoderEmbedding.apply(source)
      : constant(oneHot(source, this.config.sourceVocabularySize));
    const { outputs, states } = this.encoder.forward(x, {
      ...(sourceMask ? { mask: sourceMask } : {}),
      training,
      ...(maskRng ? { rng: maskRng } : {}),
    });
    if (!this.decoder.attention) return { state: states };
    return { state: states, memory: this.decoder.attention.prepare(outputs, sourceMask) };
  }

  /**
   * Decoder logits `[B, T, V]` for a batch. While `training`, each step reads the true previous
   * token with probability {@link Seq2Seq.teacherForcing} (its value at `step` when it is a
   * schedule), otherwise always (pure teacher forcing). Every random draw of a training pass (those choices, dropout masks) comes from
   * `rng`, required when there is any: the model keeps no generator of its own.
   */
  forward(batch: Seq2SeqBatch, training = false, rng?: Rng, step = 0): Variable {
    checkBatch(batch);
    const ratio = training ? this.#teacherForcingAt(step) : 1;
    const sampling = ratio < 1;
    const draws = [
      dropoutDraws(this.config),
      sampling ? `scheduled sampling (teacherForcing ${ratio})` : null,
    ].filter((d) => d !== null);
    const generator = training
      ? trainingRng('Seq2Seq', rng, draws.length > 0 ? draws.join(' and ') : null)
      : undefined;
    const encoded = this.encode(batch.source, batch.sourceMask, training, generator);
    if (!sampling) {
      const x = this.decoder.embed(batch.decoderInput);
      return this.decoder.run(x, {
        initialState: encoded.state,
        memory: encoded.memory,
        training,
        rng: generator,
      }).logits;
    }
    return this.#scheduledSampling(batch.decoderInput, encoded, generator as Rng, ratio);
  }

  /** {@link teacherForcing} at a training step, checked to be a probability. */
  #teacherForcingAt(step: number): number {
    const value = this.teacherForcing;
    const ratio = typeof value === 'function' ? value(step) : value;
    if (typeof ratio !== 'number' || !(ratio >= 0 && ratio <= 1)) {
      throw new RecurError(
        'RANGE',
        `Seq2Seq: teacherForcing${typeof value === 'function' ? `(${step})` : ''} must be a probability in [0, 1], got ${String(ratio)}`,
      );
    }
    return ratio;
  }

  /**
   * Mean cross-entropy per target token (padding excluded) — the `@recur/train` model interface
   * (no state is carried between batches). Training (the default) draws scheduled sampling's
   * choices and dropout masks from `context.rng` (the trainer's, saved in checkpoints), which is
   * required when there are any.
   */
  loss(
    batch: Seq2SeqBatch,
    _state?: unknown,
    context?: Partial<Pick<TrainingContext, 'training' | 'rng' | 'step'>>,
  ): { loss: Variable; tokens: number } {
    const logits = this.forward(batch, context?.training ?? true, context?.rng, context?.step);
    const options = batch.targetMask ? { mask: batch.targetMask } : {};
    return {
      loss: softmaxCrossEntropy(logits, batch.decoderTarget, options),
      tokens: countTokens(batch.decoderTarget, batch.targetMask),
    };
  }

  /**
   * Translates source sentences (token ids, without start/stop) to target ids (without the stop
   * token): greedy for the whole batch, or the best beam per sentence when `beamWidth` > 1.
   */
  translate(sources: readonly (readonly number[])[], options: TranslateOptions): number[][] {
    const beamWidth = options.beamWidth ?? 1;
    if (beamWidth === 1) {
      return noGrad(() =>
        tidy(() => {
          const { ids, mask } = padIds(sources);
          return greedyDecode(
            this.decoder,
            this.#start(this.encode(ids, mask)),
            sources.length,
            this.#limits(options),
          );
        }),
      );
    }
    return sources.map((source) => this.beamSearch(source, options)[0]!.tokens);
  }

  /** The `beamWidth` best translations of one source sentence, best first. */
  beamSearch(
    source: readonly number[],
    options: TranslateOptions & { numResults?: number },
  ): Hypothesis[] {
    return noGrad(() =>
      tidy(() => {
        const { ids, mask } = padIds([source]);
        return beamDecode(this.decoder, this.#start(this.encode(ids, mask)), {
          ...this.#limits(options),
          beamWidth: options.beamWidth ?? 4,
          ...(options.lengthPenalty !== undefined ? { lengthPenalty: options.lengthPenalty } : {}),
          ...(options.numResults !== undefined ? { numResults: options.numResults } : {}),
        });
      }),
    );
  }

  #start(encoded: Encoded): DecodeStart {
    return { state: encoded.state, memory: encoded.memory };
  }

  #limits(options: TranslateOptions): { startToken: number; stopToken: number; maxLength: number } {
    return {
      startToken: this.config.startToken,
      stopToken: this.config.stopToken,
      maxLength: options.maxLength,
    };
  }

  /**
   * One decoder step at a time: step t reads the true token `decoderInput[:, t]` with probability
   * `teacherForcing`, else the model's greedy prediction from step t − 1 (no gradient through
   * the choice). The first step always reads the start token.
   */
  #scheduledSampling(decoderInput: Tensor, encoded: Encoded, rng: Rng, ratio: number): Variable {
    const [B, T] = decoderInput.shape as [number, number];
    const V = this.config.targetVocabularySize;
    const gold = decoderInput.data();
    const steps: Variable[] = [];
    let state = encoded.state;
    let predicted: number[] = [];
    for (let t = 0; t < T; t++) {
      const tokens = Array.from({ length: B }, (_, b) =>
        t === 0 || rng.next() < ratio ? gold[b * T + t]! : predicted[b]!,
      );
      const out = this.decoder.run(this.decoder.embedStep(tokens), {
        initialState: state,
        memory: encoded.memory,
        training: true,
        rng,
      });
      steps.push(out.logits);
      state = out.state;
      const logits = out.logits.value.data();
      predicted = Array.from({ length: B }, (_, b) => greedy(logits.subarray(b * V, (b + 1) * V)));
    }
    return concat(steps, 1); // each step's logits are [B, 1, V]
  }
}

/**
 * The teacher-forcing probability for training step `step` under a decay schedule (Bengio et al.
 * 2015): `linear` = max(minimum, 1 − step/k), `exponential` = k^step (k < 1),
 * `inverseSigmoid` = k / (k + exp(step / k)) (k ≥ 1).
 */
export function scheduledSamplingRatio(
  step: number,
  schedule: { kind: 'linear' | 'exponential' | 'inverseSigmoid'; k: number; minimum?: number },
): number {
  const { kind, k, minimum = 0 } = schedule;
  let ratio: number;
  if (kind === 'linear') ratio = 1 - step / k;
  else if (kind === 'exponential') ratio = k ** step;
  else if (kind === 'inverseSigmoid') ratio = k / (k + Math.exp(step / k));
  else
    throw new RecurError(
      'ARGUMENT',
      `scheduledSamplingRatio: kind is ${String(kind)}; expected linear, exponential or inverseSigmoid`,
    );
  return Math.min(1, Math.max(minimum, ratio));
}

/** Padded `[B, T]` token ids with their mask, as `padSequences` of `@recur/datasets` returns them. */
export interface PaddedIds {
  ids: Int32Array;
  mask: Float32Array;
  shape: readonly [number, number];
}

/**
 * A {@link Seq2SeqBatch} of tensors from padded arrays — what `seq2seqBatch` of
 * `@recur/datasets` builds:
 *
 * ```ts
 * const batch = seq2seqTensors(seq2seqBatch(pairs, { padId: 0, bosId, eosId }));
 * const { loss } = model.loss(batch);
 * ```
 */
export function seq2seqTensors(padded: {
  source: PaddedIds;
  decoderInput: PaddedIds;
  decoderTarget: PaddedIds;
}): Required<Seq2SeqBatch> {
  const { source, decoderInput, decoderTarget } = padded;
  return {
    source: tensor(source.ids, [...source.shape], 'int32'),
    sourceMask: tensor(source.mask, [...source.shape]),
    decoderInput: tensor(decoderInput.ids, [...decoderInput.shape], 'int32'),
    decoderTarget: tensor(decoderTarget.ids, [...decoderTarget.shape], 'int32'),
    targetMask: tensor(decoderTarget.mask, [...decoderTarget.shape]),
  };
}

/** Pads token rows with 0 into `[B, S]` ids and a mask (1 = real token). */
export function padIds(rows: readonly (readonly number[])[]): { ids: Tensor; mask: Tensor } {
  if (rows.length === 0) throw new RecurError('ARGUMENT', 'padIds: no sequences given');
  const S = Math.max(1, ...rows.map((r) => r.length));
  const ids = new Int32Array(rows.length * S);
  const mask = new Float32Array(rows.length * S);
  rows.forEach((row, b) => {
    row.forEach((token, t) => {
      ids[b * S + t] = token;
      mask[b * S + t] = 1;
    });
  });
  return { ids: tensor(ids, [rows.length, S], 'int32'), mask: tensor(mask, [rows.length, S]) };
}

function sourceInputSize(c: Seq2SeqConfig): number {
  return c.sourceInput.kind === 'embedding' ? c.sourceInput.size : c.sourceVocabularySize;
}

function seq2seqParameters(parts: {
  encoderEmbedding: Embedding | null;
  encoder: RecurrentLayer;
  decoder: TokenDecoder;
}): Record<string, Variable> {
  const out: Record<string, Variable> = {};
  if (parts.encoderEmbedding) out['encoder.embedding'] = parts.encoderEmbedding.table;
  for (const [name, p] of Object.entries(parts.encoder.parameters())) out[`encoder.${name}`] = p;
  for (const [name, p] of Object.entries(parts.decoder.parameters())) out[`decoder.${name}`] = p;
  return out;
}

function checkBatch(batch: Seq2SeqBatch): void {
  const { decoderInput, decoderTarget } = batch;
  if (decoderInput.dtype !== 'int32' || decoderTarget.dtype !== 'int32') {
    throw new RecurError(
      'DTYPE',
      `Seq2Seq: decoderInput and decoderTarget must be int32, got ${decoderInput.dtype} and ${decoderTarget.dtype}`,
    );
  }
  if (
    decoderInput.rank !== 2 ||
    decoderInput.shape[0] !== decoderTarget.shape[0] ||
    decoderInput.shape[1] !== decoderTarget.shape[1]
  ) {
    throw new RecurError(
      'SHAPE',
      `Seq2Seq: decoderInput ${formatShape(decoderInput.shape)} and decoderTarget ${formatShape(decoderTarget.shape)} must both be [batch, steps]`,
    );
  }
  if (batch.source.shape[0] !== decoderInput.shape[0]) {
    throw new RecurError(
      'SHAPE',
      `Seq2Seq: source ${formatShape(batch.source.shape)} and decoderInput ${formatShape(decoderInput.shape)} have different batch sizes`,
    );
  }
}
