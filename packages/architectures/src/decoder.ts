import { concat, constant, reshape, tanh, type Variable } from '@recur/autograd';
import { type CellKind, RecurrentLayer } from '@recur/cells';
import { formatShape, oneHot, RecurError, type Rng, type Tensor, tensor } from '@recur/tensor';
import { Attention, type AttentionMemory, type AttentionScore } from './attention.js';
import { checkChoice, type ModelCellOptions } from './config.js';
import { recurrentInit } from './initialization.js';
import { Dense, Embedding } from './layers.js';
import {
  attentionSpecs,
  buildParameters,
  denseSpecs,
  embeddingSpecs,
  type ParameterSpec,
  prefixed,
  recurrentLayerSpecs,
} from './parameter-specs.js';
import type { RecurrentState } from './states.js';

/** How token ids enter a recurrent layer: one-hot rows (width V) or a learned embedding. */
export type TokenInput = { kind: 'onehot' } | { kind: 'embedding'; size: number };

/** Options of {@link TokenDecoder}. */
export interface TokenDecoderOptions {
  vocabularySize: number;
  input: TokenInput;
  cell: CellKind;
  /** Cell variant (GRU reset-after, hardSigmoid gates); absent = the defaults. */
  cellOptions?: ModelCellOptions | undefined;
  hiddenSize: number;
  numLayers?: number;
  /** Dropout between stacked layers while training (default 0). */
  dropout?: number;
  /** Luong-style attention over an encoder's outputs of width `valueSize` (seq2seq only). */
  attention?: { score: AttentionScore; valueSize: number } | undefined;
  rng: Rng;
}

/**
 * The parameters a {@link TokenDecoder} with these (already checked) options makes, named as
 * its `parameters()` names them; nothing is allocated.
 */
export function tokenDecoderSpecs(
  options: Omit<TokenDecoderOptions, 'rng' | 'dropout'>,
): ParameterSpec[] {
  const {
    vocabularySize: V,
    input,
    cell,
    cellOptions,
    hiddenSize: H,
    numLayers = 1,
    attention,
  } = options;
  const inputSize = input.kind === 'embedding' ? input.size : V;
  return [
    ...(input.kind === 'embedding' ? embeddingSpecs('embedding', V, input.size) : []),
    ...prefixed(
      'rnn.',
      recurrentLayerSpecs({ cell, cellOptions, inputSize, hiddenSize: H, numLayers }),
    ),
    ...(attention
      ? [
          ...prefixed(
            'attention.',
            attentionSpecs({
              score: attention.score,
              querySize: H,
              valueSize: attention.valueSize,
            }),
          ),
          ...denseSpecs(H + attention.valueSize, H, ['W_c', 'b_c']),
        ]
      : []),
    ...denseSpecs(H, V, ['W_ao', 'b_o']),
  ];
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
    const { vocabularySize: V, input, rng, attention } = options;
    if (input?.kind !== 'embedding' && input?.kind !== 'onehot') {
      throw new RecurError(
        'ARGUMENT',
        `TokenDecoder: input.kind is ${String((input as { kind?: unknown } | undefined)?.kind)}; expected onehot or embedding`,
      );
    }
    const H = options.hiddenSize;
    if (attention) {
      checkChoice('TokenDecoder', 'attention.score', attention.score, [
        'dot',
        'general',
        'additive',
      ]);
      if (attention.score === 'dot' && attention.valueSize !== H) {
        throw new RecurError(
          'SHAPE',
          `TokenDecoder: dot attention needs valueSize ${attention.valueSize} to equal hiddenSize ${H}`,
        );
      }
    }
    this.vocabularySize = V;
    this.input = input;
    const parts = buildParameters(
      'TokenDecoder',
      tokenDecoderSpecs(options),
      (own) => {
        const embedding =
          input.kind === 'embedding'
            ? own(new Embedding({ vocabularySize: V, embeddingSize: input.size, rng }))
            : null;
        const rnn = own(
          new RecurrentLayer({
            cell: options.cell,
            inputSize: input.kind === 'embedding' ? input.size : V,
            hiddenSize: H,
            numLayers: options.numLayers ?? 1,
            dropout: options.dropout ?? 0,
            cellOptions: recurrentInit(options.cell, options.cellOptions),
            rng,
          }),
        );
        const attend = attention
          ? own(
              new Attention({
                score: attention.score,
                querySize: H,
                valueSize: attention.valueSize,
                rng,
              }),
            )
          : null;
        const combine = attention
          ? own(
              new Dense({
                inputSize: H + attention.valueSize,
                outputSize: H,
                rng,
                names: ['W_c', 'b_c'],
              }),
            )
          : null;
        const output = own(new Dense({ inputSize: H, outputSize: V, rng, names: ['W_ao', 'b_o'] }));
        return { embedding, rnn, attention: attend, combine, output };
      },
      decoderParameters,
    );
    this.embedding = parts.embedding;
    this.rnn = parts.rnn;
    this.attention = parts.attention;
    this.combine = parts.combine;
    this.output = parts.output;
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
    return decoderParameters(this);
  }
}

function decoderParameters(parts: {
  embedding: Embedding | null;
  rnn: RecurrentLayer;
  attention: Attention | null;
  combine: Dense | null;
  output: Dense;
}): Record<string, Variable> {
  const out: Record<string, Variable> = {};
  if (parts.embedding) out.embedding = parts.embedding.table;
  for (const [name, p] of Object.entries(parts.rnn.parameters())) out[`rnn.${name}`] = p;
  if (parts.attention)
    for (const [name, p] of Object.entries(parts.attention.parameters()))
      out[`attention.${name}`] = p;
  if (parts.combine) Object.assign(out, parts.combine.parameters());
  Object.assign(out, parts.output.parameters());
  return out;
}
