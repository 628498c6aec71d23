import type { TokenInput } from '@recur/architectures';
import type { GraphBuilder } from './graph-builder.js';
import { dense, embedTokens, type TokenEncoding } from './inputs.js';
import type { ParameterReader } from './parameters.js';
import {
  batchFirst,
  type CellKind,
  emitStack,
  hasCellState,
  type LayerStateValues,
} from './recurrent.js';

/** What a token decoder (a language model, a seq2seq decoder) is made of. */
export interface TokenDecoderSpec {
  /** Prefix of its parameter names: `''` (LanguageModel) or `decoder.` (Seq2Seq). */
  prefix: string;
  vocabularySize: number;
  input: TokenInput;
  cell: CellKind;
  hiddenSize: number;
  numLayers: number;
}

/** `TokenInput` of a decoder → how its ids are embedded, with the table's parameter name. */
export function tokenEncoding(prefix: string, V: number, input: TokenInput): TokenEncoding {
  return input.kind === 'embedding'
    ? { kind: 'embedding', vocabularySize: V, size: input.size, parameter: `${prefix}embedding` }
    : { kind: 'onehot', vocabularySize: V };
}

/** Declares the graph outputs `Y_h_{l}` (and `Y_c_{l}`) for every layer's final state. */
export function stateOutputs(
  g: GraphBuilder,
  states: readonly LayerStateValues[],
  dirs: number,
  H: number,
  batch: string,
): void {
  states.forEach((s, l) => {
    const doc = `layer ${l}'s state after the last step, [num_directions, batch, hidden]`;
    g.output(s.h, {
      name: `Y_h_${l}`,
      dataType: 'float32',
      shape: [dirs, batch, H],
      docString: doc,
    });
    if (s.c) {
      g.output(s.c, {
        name: `Y_c_${l}`,
        dataType: 'float32',
        shape: [dirs, batch, H],
        docString: `layer ${l}'s LSTM memory cell after the last step`,
      });
    }
  });
}

/**
 * Token ids in, next-token logits and the final states out, from given initial states — the
 * graph of a {@link LanguageModel} and of a Seq2Seq decoder:
 *
 *     inputs   tokens int64 [batch, steps]; initial_h_{l} (and initial_c_{l}) float [1, batch, H]
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
  const { prefix, vocabularySize: V, input, cell, hiddenSize: H, numLayers } = spec;
  const tokens = g.input({
    name: 'tokens',
    dataType: 'int64',
    shape: ['batch', 'steps'],
    docString: 'token ids [batch, steps]',
  });
  const initial: LayerStateValues[] = [];
  for (let l = 0; l < numLayers; l++) {
    const state = (field: 'h' | 'c') =>
      g.input({
        name: `initial_${field}_${l}`,
        dataType: 'float32',
        shape: [1, 'batch', H],
        docString: `layer ${l}'s initial ${field === 'h' ? 'hidden state' : 'memory cell'} (zeros to start)`,
      });
    initial.push(hasCellState(cell) ? { h: state('h'), c: state('c') } : { h: state('h') });
  }
  const x = embedTokens(g, weights, tokens, tokenEncoding(prefix, V, input));
  const inputSize = input.kind === 'embedding' ? input.size : V;
  const stack = {
    prefix: `${prefix}rnn.`,
    cell,
    inputSize,
    hiddenSize: H,
    numLayers,
    bidirectional: false,
  };
  const { y, states } = emitStack(g, weights, stack, x, { scope: 'rnn.', initial });
  const logits = dense(
    g,
    weights,
    batchFirst(g, y),
    { W: `${prefix}W_ao`, b: `${prefix}b_o` },
    H,
    V,
  );
  g.output(logits, {
    name: 'logits',
    dataType: 'float32',
    shape: ['batch', 'steps', V],
    docString: 'next-token scores (before softmax) at every step',
  });
  stateOutputs(g, states, 1, H, 'batch');
}
