import {
  concat,
  noGrad,
  relu,
  reshape,
  slice as sliceVariable,
  softmaxCrossEntropy,
  tanh,
  type Variable,
} from '@recur/autograd';
import { CELLS, type CellKind } from '@recur/cells';
import { formatShape, RecurError, Rng, slice, type Tensor, tidy } from '@recur/tensor';
import type { TrainingContext } from '@recur/train';
import type { Hypothesis } from './beam-search.js';
import {
  CELL_KINDS,
  CONFIG_LIMITS,
  checkChoice,
  checkModelOptions,
  checkRate,
  checkSeed,
  checkSize,
  checkToken,
  checkTokenInput,
  orDefault,
} from './config.js';
import { TokenDecoder, type TokenInput, tokenDecoderSpecs } from './decoder.js';
import { countTokens } from './language-model.js';
import { Dense } from './layers.js';
import {
  buildParameters,
  checkParameterBudget,
  denseSpecs,
  type ModelPlan,
  type ParameterSpec,
  prefixed,
} from './parameter-specs.js';
import { beamDecode, type DecodeStart, greedyDecode } from './sequence-decoding.js';
import type { RecurrentState } from './states.js';
import { dropoutDraws, trainingRng } from './training-rng.js';

/**
 * How the image reaches the decoder:
 * - `state`: its encoding becomes the decoder's initial state (`a⟨0⟩`, and `c⟨0⟩` for the LSTM,
 *   per layer), and step 1 reads the start token;
 * - `input`: its encoding is the input of step 1 (`x⟨1⟩`, as in the article's one-to-many
 *   picture and Show-and-Tell), from a zero state; the start token is not read.
 */
export type ImageInjection = 'state' | 'input';

/** The configuration of a {@link Captioner}: plain JSON, saved with the weights. */
export interface CaptionerConfig {
  architecture: 'Captioner';
  /** Width of the image vector (e.g. 784 pixels, or features from another network). */
  featureSize: number;
  /** Hidden widths of the image encoder's ReLU layers (an MLP, trained end to end). */
  encoderSizes: number[];
  vocabularySize: number;
  /** How words enter the decoder (default: an embedding of 32). */
  input: TokenInput;
  cell: CellKind;
  hiddenSize: number;
  numLayers: number;
  dropout: number;
  injection: ImageInjection;
  startToken: number;
  stopToken: number;
  seed: number;
}

/** Options of the {@link Captioner} constructor: the config with defaults. */
export type CaptionerOptions = Partial<Omit<CaptionerConfig, 'architecture'>> &
  Pick<
    CaptionerConfig,
    'featureSize' | 'vocabularySize' | 'hiddenSize' | 'startToken' | 'stopToken'
  >;

/** A teacher-forcing batch: images and their captions (`start w₁ … w_n` → `w₁ … w_n stop`). */
export interface CaptionBatch {
  /** `[B, featureSize]` float32. */
  images: Tensor;
  /** `[B, T]` int32: the start token, then the caption shifted right. */
  decoderInput: Tensor;
  /** `[B, T]` int32: the caption, then the stop token. */
  decoderTarget: Tensor;
  /** `[B, T]`, 0 at padded steps. */
  targetMask?: Tensor;
}

/**
 * One-to-many — the article's image captioner: one vector in (an image, through a small MLP
 * encoder trained end to end), a sequence out, each predicted word fed back as the next input
 * until the stop token. Greedy (batched) or beam-search decoding.
 *
 * ```ts
 * const captioner = new Captioner({ featureSize: 784, encoderSizes: [64], vocabularySize: 13,
 *   hiddenSize: 64, startToken: 1, stopToken: 2 });
 * const { loss } = captioner.loss({ images, decoderInput, decoderTarget });
 * const [words] = captioner.caption(images, { maxLength: 6, beamWidth: 3 });
 * ```
 */
export class Captioner {
  readonly config: CaptionerConfig;
  readonly encoder: Dense[];
  /** Image code → initial state fields (`state`) or → the first input (`input`). */
  readonly bridge: Dense[];
  readonly decoder: TokenDecoder;

  constructor(options: CaptionerOptions) {
    const { config: c, parameters } = Captioner.describe(options);
    this.config = c;
    const parts = buildParameters(
      'Captioner',
      parameters,
      (own) => {
        const rng = new Rng(c.seed);
        let width = c.featureSize;
        const encoder = c.encoderSizes.map((size, i) => {
          const layer = own(
            new Dense({
              inputSize: width,
              outputSize: size,
              rng,
              names: [`encoder${i}.W`, `encoder${i}.b`],
            }),
          );
          width = size;
          return layer;
        });
        const decoder = own(
          new TokenDecoder({
            vocabularySize: c.vocabularySize,
            input: c.input,
            cell: c.cell,
            hiddenSize: c.hiddenSize,
            numLayers: c.numLayers,
            dropout: c.dropout,
            rng,
          }),
        );
        const bridge = bridgeLayers(c, decoder.inputSize).map(({ prefix, outputSize }) =>
          own(
            new Dense({
              inputSize: width,
              outputSize,
              rng,
              names: [`${prefix}.W`, `${prefix}.b`],
            }),
          ),
        );
        return { encoder, bridge, decoder };
      },
      captionerParameters,
    );
    this.encoder = parts.encoder;
    this.bridge = parts.bridge;
    this.decoder = parts.decoder;
  }

  /**
   * Checks `options` (unknown names, types, sizes within {@link CONFIG_LIMITS}, tokens inside
   * the vocabulary) and returns the config with defaults and the parameters it implies,
   * allocating nothing.
   */
  static describe(options: CaptionerOptions): ModelPlan<CaptionerConfig> {
    const owner = 'Captioner';
    checkModelOptions(owner, options, [
      'featureSize',
      'encoderSizes',
      'vocabularySize',
      'input',
      'cell',
      'hiddenSize',
      'numLayers',
      'dropout',
      'injection',
      'startToken',
      'stopToken',
      'seed',
    ]);
    const o = options;
    const vocabularySize = checkSize(owner, 'vocabularySize', o.vocabularySize);
    const config: CaptionerConfig = {
      architecture: 'Captioner',
      featureSize: checkSize(owner, 'featureSize', o.featureSize),
      encoderSizes: checkEncoderSizes(owner, orDefault(o.encoderSizes, [64])),
      vocabularySize,
      input: checkTokenInput(owner, 'input', orDefault(o.input, { kind: 'embedding', size: 32 })),
      cell: checkChoice(owner, 'cell', orDefault(o.cell, 'lstm'), CELL_KINDS),
      hiddenSize: checkSize(owner, 'hiddenSize', o.hiddenSize),
      numLayers: checkSize(owner, 'numLayers', orDefault(o.numLayers, 1), CONFIG_LIMITS.numLayers),
      dropout: checkRate(owner, 'dropout', orDefault(o.dropout, 0)),
      injection: checkChoice(owner, 'injection', orDefault(o.injection, 'state'), [
        'state',
        'input',
      ]),
      startToken: checkToken(owner, 'startToken', o.startToken, vocabularySize),
      stopToken: checkToken(owner, 'stopToken', o.stopToken, vocabularySize),
      seed: checkSeed(owner, 'seed', orDefault(o.seed, 0)),
    };
    const c = config;
    const parameters: ParameterSpec[] = [];
    let width = c.featureSize;
    c.encoderSizes.forEach((size, i) => {
      parameters.push(...denseSpecs(width, size, [`encoder${i}.W`, `encoder${i}.b`]));
      width = size;
    });
    const decoderInputSize = c.input.kind === 'embedding' ? c.input.size : c.vocabularySize;
    for (const { prefix, outputSize } of bridgeLayers(c, decoderInputSize))
      parameters.push(...denseSpecs(width, outputSize, [`${prefix}.W`, `${prefix}.b`]));
    parameters.push(
      ...prefixed(
        'decoder.',
        tokenDecoderSpecs({
          vocabularySize: c.vocabularySize,
          input: c.input,
          cell: c.cell,
          hiddenSize: c.hiddenSize,
          numLayers: c.numLayers,
        }),
      ),
    );
    checkParameterBudget(owner, parameters);
    return { config, parameters };
  }

  /** Every parameter: `encoder0.W`, `bridge.layer0.a.W`, `decoder.rnn.layer0.forward.W_x`, … */
  parameters(): Record<string, Variable> {
    return captionerParameters(this);
  }

  /** Images `[B, featureSize]` → the decoder's start (initial state or first input). */
  encode(images: Tensor): DecodeStart {
    const { featureSize, injection, cell, numLayers } = this.config;
    if (images.dtype !== 'float32' || images.rank !== 2 || images.shape[1] !== featureSize) {
      throw new RecurError(
        'SHAPE',
        `Captioner: images must be float32 [batch, ${featureSize}], got ${images.dtype} ${formatShape(images.shape)}`,
      );
    }
    let code: Variable | Tensor = images;
    for (const layer of this.encoder) code = relu(layer.apply(code));
    const B = images.shape[0]!;
    if (injection === 'input')
      return { firstInput: reshape(this.bridge[0]!.apply(code), [B, 1, this.decoder.inputSize]) };
    // One bridge per state field (`a`, and `c` for the LSTM); a⟨0⟩ = tanh(…), c⟨0⟩ linear.
    const fields = CELLS[cell].stateNames;
    const state: RecurrentState = Array.from({ length: numLayers }, (_, l) => ({
      forward: Object.fromEntries(
        fields.map((f, i) => {
          const v = this.bridge[l * fields.length + i]!.apply(code);
          return [f, f === 'a' ? tanh(v) : v];
        }),
      ) as unknown as RecurrentState[number]['forward'],
    }));
    return { state };
  }

  /**
   * Logits `[B, T, V]` with teacher forcing. With `training` and dropout (2+ layers), the masks
   * are drawn from `rng`, which is then required.
   */
  forward(batch: CaptionBatch, training = false, rng?: Rng): Variable {
    const maskRng = training ? trainingRng('Captioner', rng, dropoutDraws(this.config)) : undefined;
    const start = this.encode(batch.images);
    let x = this.decoder.embed(batch.decoderInput);
    if (start.firstInput) {
      // x⟨1⟩ is the image; the start token's embedding is dropped.
      const [B, T, I] = x.shape as [number, number, number];
      x =
        T === 1
          ? start.firstInput
          : concat([start.firstInput, sliceVariable(x, [0, 1, 0], [B, T - 1, I])], 1);
    }
    return this.decoder.run(x, { initialState: start.state, training, rng: maskRng }).logits;
  }

  /**
   * Mean cross-entropy per caption word (padding excluded) — the `@recur/train` model interface.
   * Training (the default) with dropout draws its masks from `context.rng`, which is then required.
   */
  loss(
    batch: CaptionBatch,
    _state?: unknown,
    context?: Partial<Pick<TrainingContext, 'training' | 'rng'>>,
  ): { loss: Variable; tokens: number } {
    const logits = this.forward(batch, context?.training ?? true, context?.rng);
    const options = batch.targetMask ? { mask: batch.targetMask } : {};
    return {
      loss: softmaxCrossEntropy(logits, batch.decoderTarget, options),
      tokens: countTokens(batch.decoderTarget, batch.targetMask),
    };
  }

  /** Captions (token ids, without the stop token): greedy for the batch, or the best beam per image. */
  caption(
    images: Tensor,
    options: { maxLength: number; beamWidth?: number; lengthPenalty?: number },
  ): number[][] {
    const beamWidth = options.beamWidth ?? 1;
    const limits = {
      startToken: this.config.startToken,
      stopToken: this.config.stopToken,
      maxLength: options.maxLength,
    };
    if (beamWidth === 1)
      return noGrad(() =>
        tidy(() => greedyDecode(this.decoder, this.encode(images), images.shape[0]!, limits)),
      );
    const B = images.shape[0]!;
    const F = this.config.featureSize;
    return Array.from({ length: B }, (_, b) =>
      tidy(
        () => this.beamSearch(slice(images, [b, 0], [1, F]), { ...options, beamWidth })[0]!.tokens,
      ),
    );
  }

  /** The best captions of one image `[1, featureSize]`, best first. */
  beamSearch(
    image: Tensor,
    options: { maxLength: number; beamWidth: number; lengthPenalty?: number; numResults?: number },
  ): Hypothesis[] {
    return noGrad(() =>
      tidy(() =>
        beamDecode(this.decoder, this.encode(image), {
          startToken: this.config.startToken,
          stopToken: this.config.stopToken,
          ...options,
        }),
      ),
    );
  }
}

/**
 * The bridge's dense layers, in order: one to the first input (`input` injection), or one per
 * layer and state field (`a`, and `c` for the LSTM) to the initial state.
 */
function bridgeLayers(
  c: CaptionerConfig,
  decoderInputSize: number,
): { prefix: string; outputSize: number }[] {
  if (c.injection === 'input') return [{ prefix: 'bridge', outputSize: decoderInputSize }];
  const fields = CELLS[c.cell].stateNames;
  return Array.from({ length: c.numLayers }, (_, l) =>
    fields.map((f) => ({ prefix: `bridge.layer${l}.${f}`, outputSize: c.hiddenSize })),
  ).flat();
}

function captionerParameters(parts: {
  encoder: Dense[];
  bridge: Dense[];
  decoder: TokenDecoder;
}): Record<string, Variable> {
  const out: Record<string, Variable> = {};
  for (const layer of [...parts.encoder, ...parts.bridge]) Object.assign(out, layer.parameters());
  for (const [name, p] of Object.entries(parts.decoder.parameters())) out[`decoder.${name}`] = p;
  return out;
}

function checkEncoderSizes(owner: string, value: unknown): number[] {
  if (!Array.isArray(value) || value.length > CONFIG_LIMITS.encoderLayers) {
    throw new RecurError(
      'ARGUMENT',
      `${owner}: encoderSizes must be an array of at most ${CONFIG_LIMITS.encoderLayers} sizes, got ${Array.isArray(value) ? `${value.length} entries` : typeof value}`,
    );
  }
  return value.map((size, i) => checkSize(owner, `encoderSizes[${i}]`, size));
}
