import { noGrad, softmaxCrossEntropy, type Variable } from '@recur/autograd';
import type { CellKind } from '@recur/cells';
import { formatShape, RecurError, Rng, type Tensor, tensor, tidy } from '@recur/tensor';
import type { TrainingContext } from '@recur/train';
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
  checkTokenInput,
  type ModelCellOptions,
  orDefault,
} from './config.js';
import { type DecoderOutput, TokenDecoder, type TokenInput, tokenDecoderSpecs } from './decoder.js';
import { chooseToken, type DecodingStrategy } from './decoding.js';
import { buildParameters, checkParameterBudget, type ModelPlan } from './parameter-specs.js';
import { disposeStates, keepStates, type RecurrentState } from './states.js';
import { countParameters, summarize } from './summary.js';
import { dropoutDraws, trainingRng } from './training-rng.js';

/** The configuration of a {@link LanguageModel}: plain JSON, saved with the weights. */
export interface LanguageModelConfig {
  architecture: 'LanguageModel';
  vocabularySize: number;
  /** One-hot rows or a learned embedding (default `{ kind: 'embedding', size: 32 }`). */
  input: TokenInput;
  cell: CellKind;
  /** Cell variant (GRU reset-after, hardSigmoid gates): see {@link ModelCellOptions}; absent = defaults. */
  cellOptions?: ModelCellOptions;
  hiddenSize: number;
  numLayers: number;
  /** Dropout between stacked layers while training (masks drawn from the training call's rng). */
  dropout: number;
  /** Seed of the initial weights. */
  seed: number;
}

/** Options of the {@link LanguageModel} constructor: the config with defaults. */
export type LanguageModelOptions = Partial<Omit<LanguageModelConfig, 'architecture'>> &
  Pick<LanguageModelConfig, 'vocabularySize' | 'hiddenSize'>;

/** A batch for {@link LanguageModel.loss}: `targets` are `inputs` shifted by one step. */
export interface LanguageModelBatch {
  /** Token ids `[B, T]`, int32. */
  inputs: Tensor;
  /** Next-token ids `[B, T]`, int32. */
  targets: Tensor;
  /** `[B, T]`, 0 at padded steps (ignored by the loss). */
  mask?: Tensor;
}

/** Options of {@link LanguageModel.generate}. */
export interface GenerateOptions {
  /** Token ids to prime the state with (at least one, e.g. a start token). */
  prompt: readonly number[];
  /** How many tokens to generate after the prompt. */
  maxTokens: number;
  /** Greedy (default) or sampling with temperature / top-k / top-p. */
  strategy?: DecodingStrategy;
  /** Stop early after generating this token (it is included in the result). */
  stopToken?: number;
  /** Seed of the sampling generator (or pass `rng`); default 0. */
  seed?: number;
  rng?: Rng;
}

/**
 * Many-to-many with equal lengths — the article's text generator: at every step t the model
 * reads token x⟨t⟩ and predicts x⟨t+1⟩ (character- or word-level; one-hot or embedding input;
 * stacked cells; a softmax at every step). Trained with per-step cross-entropy; generation
 * primes the state with a prompt once and then runs one step per new token.
 *
 * ```ts
 * const lm = new LanguageModel({ vocabularySize: 60, hiddenSize: 128, numLayers: 2, cell: 'lstm' });
 * const { loss } = lm.loss({ inputs, targets });       // inputs, targets: int32 [B, T]
 * const text = lm.generate({ prompt: [start], maxTokens: 200, strategy: { kind: 'sample', temperature: 0.8 } });
 * ```
 */
export class LanguageModel {
  readonly config: LanguageModelConfig;
  readonly decoder: TokenDecoder;

  constructor(options: LanguageModelOptions) {
    const { config, parameters } = LanguageModel.describe(options);
    this.config = config;
    const { vocabularySize, input, cell, hiddenSize, numLayers, dropout, seed } = config;
    this.decoder = buildParameters(
      'LanguageModel',
      parameters,
      (own) =>
        own(
          new TokenDecoder({
            vocabularySize,
            input,
            cell,
            cellOptions: config.cellOptions,
            hiddenSize,
            numLayers,
            dropout,
            rng: new Rng(seed),
          }),
        ),
      (decoder) => decoder.parameters(),
    );
  }

  /**
   * Checks `options` (unknown names, types, sizes within {@link CONFIG_LIMITS}) and returns the
   * config with defaults and the parameters it implies, allocating nothing. Throws `ARGUMENT`
   * (or `RANGE`) naming the option.
   */
  static describe(options: LanguageModelOptions): ModelPlan<LanguageModelConfig> {
    const owner = 'LanguageModel';
    checkModelOptions(owner, options, [
      'vocabularySize',
      'input',
      'cell',
      'cellOptions',
      'hiddenSize',
      'numLayers',
      'dropout',
      'seed',
    ]);
    const o = options;
    const cell = checkChoice(owner, 'cell', orDefault(o.cell, 'lstm'), CELL_KINDS);
    const config: LanguageModelConfig = {
      architecture: 'LanguageModel',
      vocabularySize: checkSize(owner, 'vocabularySize', o.vocabularySize),
      input: checkTokenInput(owner, 'input', orDefault(o.input, { kind: 'embedding', size: 32 })),
      cell,
      ...cellOptionsField(checkCellOptions(owner, cell, o.cellOptions)),
      hiddenSize: checkSize(owner, 'hiddenSize', o.hiddenSize),
      numLayers: checkSize(owner, 'numLayers', orDefault(o.numLayers, 1), CONFIG_LIMITS.numLayers),
      dropout: checkRate(owner, 'dropout', orDefault(o.dropout, 0)),
      seed: checkSeed(owner, 'seed', orDefault(o.seed, 0)),
    };
    const parameters = tokenDecoderSpecs(config);
    checkParameterBudget(owner, parameters);
    return { config, parameters };
  }

  /** Every parameter by name, e.g. `rnn.layer0.forward.W_x`, `W_ao`. */
  parameters(): Record<string, Variable> {
    return this.decoder.parameters();
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
   * Logits `[B, T, V]` for token ids `[B, T]` and the final state. With `training` and dropout
   * (2+ layers), the masks are drawn from `rng`, which is then required.
   */
  forward(
    inputs: Tensor,
    options: {
      initialState?: RecurrentState | undefined;
      mask?: Tensor | undefined;
      training?: boolean;
      rng?: Rng | undefined;
    } = {},
  ): DecoderOutput {
    const rng = options.training
      ? trainingRng('LanguageModel', options.rng, dropoutDraws(this.config))
      : undefined;
    return this.decoder.run(this.decoder.embed(inputs), { ...options, rng });
  }

  /**
   * Mean cross-entropy over the (unmasked) steps, in nats per token — the `@recur/train` model
   * interface. `state` continues a long sequence from the previous chunk (truncated BPTT); the
   * returned `state` is still attached to this chunk's graph: the trainer detaches it (by hand:
   * `keepStates(state)` after `backward`, and `disposeStates` when done with it). Training
   * (the default) with dropout draws its masks from `context.rng`, which is then required.
   */
  loss(
    batch: LanguageModelBatch,
    state?: RecurrentState,
    context?: Partial<Pick<TrainingContext, 'training' | 'rng'>>,
  ): { loss: Variable; state: RecurrentState; tokens: number } {
    checkTokenBatch('LanguageModel.loss', batch.inputs, batch.targets);
    const training = context?.training ?? true;
    const { logits, state: next } = this.forward(batch.inputs, {
      initialState: state,
      mask: batch.mask,
      training,
      rng: context?.rng,
    });
    const loss = softmaxCrossEntropy(logits, batch.targets, batch.mask ? { mask: batch.mask } : {});
    return { loss, state: next, tokens: countTokens(batch.targets, batch.mask) };
  }

  /**
   * Starts a stateful generation: feeds `prompt` once (one fused pass over its tokens) and returns
   * a session that advances one step per token. Free it with `session.dispose()`.
   */
  session(prompt: readonly number[]): GenerationSession {
    return new GenerationSession(this, prompt);
  }

  /** Generates up to `maxTokens` tokens after `prompt` (the prompt is not repeated in the result). */
  generate(options: GenerateOptions): number[] {
    const { maxTokens, strategy = { kind: 'greedy' } } = options;
    if (!Number.isInteger(maxTokens) || maxTokens < 0) {
      throw new RecurError(
        'RANGE',
        `LanguageModel.generate: maxTokens is ${maxTokens}; expected an integer >= 0`,
      );
    }
    const rng = options.rng ?? new Rng(options.seed ?? 0);
    const session = this.session(options.prompt);
    const out: number[] = [];
    try {
      for (let i = 0; i < maxTokens; i++) {
        const token = chooseToken(session.logits, strategy, rng);
        out.push(token);
        if (token === options.stopToken) break;
        if (i + 1 < maxTokens) session.feed(token);
      }
    } finally {
      session.dispose();
    }
    return out;
  }
}

/**
 * A generation in progress: the recurrent state after every token fed so far, and the logits for
 * the next one. Each {@link GenerationSession.feed} runs exactly one recurrent step.
 */
export class GenerationSession {
  readonly #model: LanguageModel;
  #state: RecurrentState | null = null;
  #logits: Float32Array = new Float32Array(0);
  /** How many tokens went through the recurrent layer (prompt included). */
  stepsRun = 0;

  constructor(model: LanguageModel, prompt: readonly number[]) {
    if (prompt.length === 0) {
      throw new RecurError(
        'ARGUMENT',
        'LanguageModel.session: prompt is empty; give at least one token (e.g. a start token)',
      );
    }
    this.#model = model;
    this.#advance(prompt);
  }

  /** Next-token logits after the last token fed (a copy, length V). */
  get logits(): Float32Array {
    return this.#logits.slice();
  }

  /** Feeds one token (one recurrent step from the kept state). */
  feed(token: number): void {
    this.#advance([token]);
  }

  /** Frees the kept state. */
  dispose(): void {
    disposeStates(this.#state);
    this.#state = null;
  }

  #advance(tokens: readonly number[]): void {
    const V = this.#model.config.vocabularySize;
    for (const t of tokens) {
      if (!Number.isInteger(t) || t < 0 || t >= V) {
        throw new RecurError(
          'RANGE',
          `GenerationSession: token ${t} is outside the vocabulary [0, ${V})`,
        );
      }
    }
    const previous = this.#state;
    const { logits, state } = noGrad(() =>
      tidy(() => {
        const ids = tensor(Int32Array.from(tokens), [1, tokens.length], 'int32');
        const out = this.#model.forward(ids, { initialState: previous ?? undefined });
        const last = out.logits.value.data().subarray((tokens.length - 1) * V, tokens.length * V);
        return { logits: Float32Array.from(last), state: keepStates(out.state) };
      }),
    );
    disposeStates(previous);
    this.#state = state;
    this.#logits = logits;
    this.stepsRun += tokens.length;
  }
}

/** Real (unmasked) positions of a `[B, T]` batch, for tokens/s. */
export function countTokens(ids: Tensor, mask?: Tensor): number {
  if (!mask) return ids.size;
  let n = 0;
  for (const m of mask.data()) if (m !== 0) n++;
  return n;
}

/** Checks that inputs and targets are int32 `[B, T]` of one shape. */
export function checkTokenBatch(fn: string, inputs: Tensor, targets: Tensor): void {
  if (inputs.dtype !== 'int32' || targets.dtype !== 'int32') {
    throw new RecurError(
      'DTYPE',
      `${fn}: inputs and targets must be int32 token ids, got ${inputs.dtype} and ${targets.dtype}`,
    );
  }
  if (
    inputs.rank !== 2 ||
    targets.rank !== 2 ||
    inputs.shape[0] !== targets.shape[0] ||
    inputs.shape[1] !== targets.shape[1]
  ) {
    throw new RecurError(
      'SHAPE',
      `${fn}: inputs ${formatShape(inputs.shape)} and targets ${formatShape(targets.shape)} must both be [batch, steps]`,
    );
  }
}
