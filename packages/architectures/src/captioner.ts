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
import type { CellKind } from '@recur/cells';
import { formatShape, RecurError, Rng, slice, type Tensor, tidy } from '@recur/tensor';
import type { TrainingContext } from '@recur/train';
import type { Hypothesis } from './beam-search.js';
import { checkConfigSizes, checkToken } from './config.js';
import { TokenDecoder, type TokenInput } from './decoder.js';
import { countTokens } from './language-model.js';
import { Dense } from './layers.js';
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
    this.config = {
      architecture: 'Captioner',
      featureSize: options.featureSize,
      encoderSizes: options.encoderSizes ?? [64],
      vocabularySize: options.vocabularySize,
      input: options.input ?? { kind: 'embedding', size: 32 },
      cell: options.cell ?? 'lstm',
      hiddenSize: options.hiddenSize,
      numLayers: options.numLayers ?? 1,
      dropout: options.dropout ?? 0,
      injection: options.injection ?? 'state',
      startToken: options.startToken,
      stopToken: options.stopToken,
      seed: options.seed ?? 0,
    };
    const c = this.config;
    checkConfigSizes('Captioner', c, ['featureSize', 'vocabularySize', 'hiddenSize', 'numLayers']);
    checkToken('Captioner', 'startToken', c.startToken, c.vocabularySize);
    checkToken('Captioner', 'stopToken', c.stopToken, c.vocabularySize);
    if (c.injection !== 'state' && c.injection !== 'input') {
      throw new RecurError(
        'ARGUMENT',
        `Captioner: injection is ${String(c.injection)}; expected state or input`,
      );
    }
    const rng = new Rng(c.seed);
    let width = c.featureSize;
    this.encoder = c.encoderSizes.map((size, i) => {
      const layer = new Dense({
        inputSize: width,
        outputSize: size,
        rng,
        names: [`encoder${i}.W`, `encoder${i}.b`],
      });
      width = size;
      return layer;
    });
    this.decoder = new TokenDecoder({
      vocabularySize: c.vocabularySize,
      input: c.input,
      cell: c.cell,
      hiddenSize: c.hiddenSize,
      numLayers: c.numLayers,
      dropout: c.dropout,
      rng,
    });
    const fields = c.cell === 'lstm' ? ['a', 'c'] : ['a'];
    this.bridge =
      c.injection === 'input'
        ? [
            new Dense({
              inputSize: width,
              outputSize: this.decoder.inputSize,
              rng,
              names: ['bridge.W', 'bridge.b'],
            }),
          ]
        : Array.from({ length: c.numLayers }, (_, l) =>
            fields.map(
              (f) =>
                new Dense({
                  inputSize: width,
                  outputSize: c.hiddenSize,
                  rng,
                  names: [`bridge.layer${l}.${f}.W`, `bridge.layer${l}.${f}.b`],
                }),
            ),
          ).flat();
  }

  /** Every parameter: `encoder0.W`, `bridge.layer0.a.W`, `decoder.rnn.layer0.forward.W_x`, … */
  parameters(): Record<string, Variable> {
    const out: Record<string, Variable> = {};
    for (const layer of [...this.encoder, ...this.bridge]) Object.assign(out, layer.parameters());
    for (const [name, p] of Object.entries(this.decoder.parameters())) out[`decoder.${name}`] = p;
    return out;
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
    const perLayer = cell === 'lstm' ? 2 : 1;
    const state: RecurrentState = Array.from({ length: numLayers }, (_, l) => {
      const a = tanh(this.bridge[l * perLayer]!.apply(code));
      return {
        forward: perLayer === 2 ? { a, c: this.bridge[l * perLayer + 1]!.apply(code) } : { a },
      };
    });
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
