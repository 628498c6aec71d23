import type { AttentionScore, ModelCellOptions, TokenInput } from '@recur/architectures';
import { attentionGraph } from './attention-graph.js';
import type { GraphBuilder } from './graph-builder.js';
import { dense, embedTokens, type TokenEncoding } from './inputs.js';
import type { ParameterReader } from './parameters.js';
import { batchFirst, type CellKind, emitStack } from './recurrent.js';
import { stateInputs, stateOutputs } from './state-io.js';

/** What a token decoder (a language model, a seq2seq decoder) is made of. */
export interface TokenDecoderSpec {
  /** Prefix of its parameter names: `''` (LanguageModel) or `decoder.` (Seq2Seq). */
  prefix: string;
  vocabularySize: number;
  input: TokenInput;
  cell: CellKind;
  /** The model config's cell variant (reset-after GRU, hardSigmoid gates). */
  cellOptions?: ModelCellOptions | undefined;
  hiddenSize: number;
  numLayers: number;
  /** A Seq2Seq decoder's attention over the encoder outputs, or null. */
  attention?: AttentionScore | null;
}

/** `TokenInput` of a decoder → how its ids are embedded, with the table's parameter name. */
export function tokenEncoding(prefix: string, V: number, input: TokenInput): TokenEncoding {
  return input.kind === 'embedding'
    ? { kind: 'embedding', vocabularySize: V, size: input.size, parameter: `${prefix}embedding` }
    : { kind: 'onehot', vocabularySize: V };
}

/**
 * Token ids in, next-token logits and the final states out, from given initial states — the
 * graph of a `LanguageModel` and of a `Seq2Seq` decoder:
 *
 *     inputs   tokens int64 [batch, steps]; initial_h_{l} (and initial_c_{l}) float [1, batch, H]
 *              with attention also: memory float [batch, source_steps, H] (the encoder outputs)
 *              and source_lengths int32 [batch]
 *     outputs  logits float [batch, steps, V]; Y_h_{l} (and Y_c_{l}) float [1, batch, H]
 *
 * Feeding `Y_h_{l}`/`Y_c_{l}` back as the next call's initial states continues the sequence,
 * so generation runs one token per call.
 */
export function tokenDecoderGraph(
  g: GraphBuilder,
  weights: ParameterReader,
  spec: TokenDecoderSpec,
): void {
  const { prefix, vocabularySize: V, input, cell, hiddenSize: H, numLayers, attention } = spec;
  const tokens = g.input({
    name: 'tokens',
    dataType: 'int64',
    shape: ['batch', 'steps'],
    docString: 'token ids [batch, steps]',
  });
  const initial = stateInputs(g, cell, numLayers, H);
  const attended = attention
    ? {
        score: attention,
        memory: g.input({
          name: 'memory',
          dataType: 'float32',
          shape: ['batch', 'source_steps', H],
          docString: "the encoder's outputs, as its graph returns them",
        }),
        lengths: g.input({
          name: 'source_lengths',
          dataType: 'int32',
          shape: ['batch'],
          docString: 'real (unpadded) steps of each source row',
        }),
      }
    : null;
  const x = embedTokens(g, weights, tokens, tokenEncoding(prefix, V, input));
  const inputSize = input.kind === 'embedding' ? input.size : V;
  const stack = {
    prefix: `${prefix}rnn.`,
    cell,
    cellOptions: spec.cellOptions,
    inputSize,
    hiddenSize: H,
    numLayers,
    bidirectional: false,
  };
  const { y, states } = emitStack(g, weights, stack, x, { scope: 'rnn.', initial });
  const outputs = batchFirst(g, y);
  const readout = attended ? attentionGraph(g, weights, prefix, outputs, H, attended) : outputs;
  const logits = dense(g, weights, readout, { W: `${prefix}W_ao`, b: `${prefix}b_o` }, H, V);
  g.output(logits, {
    name: 'logits',
    dataType: 'float32',
    shape: ['batch', 'steps', V],
    docString: 'next-token scores (before softmax) at every step',
  });
  stateOutputs(g, states, 1, H, 'batch');
}
