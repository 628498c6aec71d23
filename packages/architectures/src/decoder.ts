import { concat, constant, reshape, tanh, type Variable } from '@recur/autograd';
import { type CellKind, RecurrentLayer } from '@recur/cells';
import { formatShape, oneHot, RecurError, type Rng, type Tensor, tensor } from '@recur/tensor';
import { Attention, type AttentionMemory, type AttentionScore } from './attention.js';
import { Dense, Embedding } from './layers.js';
import type { RecurrentState } from './states.js';

/** How token ids enter a recurrent layer: one-hot rows (width V) or a learned embedding. */
export type TokenInput = { kind: 'onehot' } | { kind: 'embedding'; size: number };

/** Options of {@link TokenDecoder}. */
export interface TokenDecoderOptions {
  vocabularySize: number;
  input: TokenInput;
  cell: CellKind;
  hiddenSize: number;
  numLayers?: number;
  /** Dropout between stacked layers while training (default 0). */
  dropout?: number;
  /** Luong-style attention over an encoder's outputs of width `valueSize` (seq2seq only). */
  attention?: { score: AttentionScore; valueSize: number } | undefined;
  rng: Rng;
}

/** What {@link TokenDecoder.run} returns. */
export interface DecoderOutput {
  /** Unnormalised next-token scores `[B, T, V]`. */
  logits: Variable;
  /** The state after the last step, to continue from. */
  state: RecurrentState;
  /** With attention: the weights over source positions, `[B, T, S]`. */
  attention?: Variable;
}

/**
 * The part every design shares: tokens in, a stacked recurrent layer, a per-step readout out.
 *
 *     x⟨t⟩  = onehot(y⟨t−1⟩) or E[y⟨t−1⟩]
 *     a⟨t⟩  = cell(x⟨t⟩, a⟨t−1⟩)                   (stacked layers, fused over t)
 *     ŷ⟨t⟩ = softmax(a⟨t⟩ W_ao + b_o)
 *
 * With attention (Luong et al. 2015, without input feeding, so teacher-forced steps still run as
 * one fused sequence): `context⟨t⟩ = attend(a⟨t⟩, encoder outputs)`,
 * `ã⟨t⟩ = tanh([a⟨t⟩; context⟨t⟩] W_c + b_c)`, `ŷ⟨t⟩ = softmax(ã⟨t⟩ W_ao + b_o)`.
 */
export class TokenDecoder {
  readonly vocabularySize: number;
  readonly input: TokenInput;
  readonly rnn: RecurrentLayer;
  readonly embedding: Embedding | null;
  readonly attention: Attention | null;
  readonly combine: Dense | null;
  readonly output: Dense;

  constructor(options: TokenDecoderOptions) {
    const { vocabularySize, input, rng } = options;
    this.vocabularySize = vocabularySize;
    this.input = input;
    if (input.kind === 'embedding') {
      this.embedding = new Embedding({ vocabularySize, embeddingSize: input.size, rng });
    } else if (input.kind === 'onehot') {
      this.embedding = null;
    } else {
      throw new RecurError(
        'ARGUMENT',
        `TokenDecoder: input.kind is ${String((input as { kind: unknown }).kind)}; expected onehot or embedding`,
      );
    }
    this.rnn = new RecurrentLayer({
      cell: options.cell,
      inputSize: this.inputSize,
      hiddenSize: options.hiddenSize,
      numLayers: options.numLayers ?? 1,
      dropout: options.dropout ?? 0,
      rng,
    });
    const H = options.hiddenSize;
    if (options.attention) {
      this.attention = new Attention({
        score: options.attention.score,
        querySize: H,
        valueSize: options.attention.valueSize,
        rng,
      });
      this.combine = new Dense({
        inputSize: H + options.attention.valueSize,
        outputSize: H,
        rng,
        names: ['W_c', 'b_c'],
      });
    } else {
      this.attention = null;
      this.combine = null;
    }
    this.output = new Dense({
      inputSize: H,
      outputSize: vocabularySize,
      rng,
      names: ['W_ao', 'b_o'],
    });
  }

  /** Width of each step's input: V (one-hot) or the embedding size. */
  get inputSize(): number {
    return this.input.kind === 'embedding' ? this.input.size : this.vocabularySize;
  }

  /** Token ids `[B, T]` (int32) → the recurrent layer's inputs `[B, T, inputSize]`. */
  embed(ids: Tensor): Variable {
    if (ids.dtype !== 'int32' || ids.rank !== 2) {
      throw new RecurError(
        'SHAPE',
        `TokenDecoder.embed: ids must be int32 [batch, steps], got ${ids.dtype} ${formatShape(ids.shape)}`,
      );
    }
    return this.embedding ? this.embedding.apply(ids) : constant(oneHot(ids, this.vocabularySize));
  }

  /** Token ids of one step, `[B]`, → `[B, 1, inputSize]`. */
  embedStep(tokens: Int32Array | readonly number[]): Variable {
    return this.embed(tensor(Int32Array.from(tokens), [tokens.length, 1], 'int32'));
  }

  /**
   * Runs the layer over inputs `x [B, T, inputSize]` (from {@link TokenDecoder.embed}) and reads
   * out logits at every step. `memory` is required exactly when the decoder has attention.
   */
  run(
    x: Variable | Tensor,
    options: {
      initialState?: RecurrentState | undefined;
      memory?: AttentionMemory | undefined;
      mask?: Tensor | undefined;
      training?: boolean;
      /** The generator of the dropout masks while training (see `RecurrentLayer.forward`). */
      rng?: Rng | undefined;
    } = {},
  ): DecoderOutput {
    const { outputs, states } = this.rnn.forward(x, {
      ...(options.initialState ? { initialState: options.initialState } : {}),
      ...(options.mask ? { mask: options.mask } : {}),
      training: options.training ?? false,
      ...(options.rng ? { rng: options.rng } : {}),
    });
    if (!this.attention) return { logits: this.output.apply(outputs), state: states };
    if (!options.memory)
      throw new RecurError(
        'ARGUMENT',
        'TokenDecoder.run: this decoder has attention; pass the encoder memory',
      );
    const { context, weights } = this.attention.attend(outputs, options.memory);
    const attended = tanh(this.combine!.apply(concat([outputs, context], 2)));
    return { logits: this.output.apply(attended), state: states, attention: weights };
  }

  /** One step for token ids `[B]` from `state`: logits `[B, V]` and the next state. */
  step(
    tokens: Int32Array | readonly number[],
    state: RecurrentState | undefined,
    memory?: AttentionMemory,
  ): { logits: Variable; state: RecurrentState } {
    const out = this.run(this.embedStep(tokens), { initialState: state, memory });
    return { logits: reshape(out.logits, [tokens.length, this.vocabularySize]), state: out.state };
  }

  /** Every parameter, prefixed: `embedding`, `rnn.layer0.forward.W_x`, `attention.W_a`, `W_c`, `W_ao`, … */
  parameters(): Record<string, Variable> {
    const out: Record<string, Variable> = {};
    if (this.embedding) out.embedding = this.embedding.table;
    for (const [name, p] of Object.entries(this.rnn.parameters())) out[`rnn.${name}`] = p;
    if (this.attention)
      for (const [name, p] of Object.entries(this.attention.parameters()))
        out[`attention.${name}`] = p;
    if (this.combine) Object.assign(out, this.combine.parameters());
    Object.assign(out, this.output.parameters());
    return out;
  }
}
