import type { Seq2SeqConfig } from '@recur/architectures';
import type { GraphBuilder } from './graph-builder.js';
import { embedTokens } from './inputs.js';
import type { ParameterReader } from './parameters.js';
import { batchFirst, emitStack } from './recurrent.js';
import { stateOutputs } from './state-io.js';
import { tokenDecoderGraph, tokenEncoding } from './token-decoder-graph.js';

/**
 * The graph of a `Seq2Seq` encoder (`Seq2Seq.encode`):
 *
 *     inputs   source int64 [batch, source_steps]; source_lengths int32 [batch] (1..source_steps)
 *     outputs  Y_h_{l} (and Y_c_{l}) float [1, batch, H]: the decoder's initial_h_{l} / initial_c_{l}
 *              with attention also: memory float [batch, source_steps, H], the last layer's
 *              outputs, for the decoder's `memory` input
 */
export function seq2seqEncoderGraph(
  g: GraphBuilder,
  weights: ParameterReader,
  config: Seq2SeqConfig,
): void {
  const { sourceVocabularySize: V, sourceInput, cell, hiddenSize: H, numLayers } = config;
  const source = g.input({
    name: 'source',
    dataType: 'int64',
    shape: ['batch', 'source_steps'],
    docString: 'source token ids [batch, source_steps], without start/stop tokens',
  });
  const lengths = g.input({
    name: 'source_lengths',
    dataType: 'int32',
    shape: ['batch'],
    docString: 'real (unpadded) steps of each source row; padding comes last',
  });
  const x = embedTokens(g, weights, source, tokenEncoding('encoder.', V, sourceInput));
  const inputSize = sourceInput.kind === 'embedding' ? sourceInput.size : V;
  const stack = {
    prefix: 'encoder.',
    cell,
    cellOptions: config.cellOptions,
    inputSize,
    hiddenSize: H,
    numLayers,
    bidirectional: false,
  };
  const { y, states } = emitStack(g, weights, stack, x, { scope: 'encoder.', lengths });
  stateOutputs(g, states, 1, H, 'batch');
  if (config.attention !== null) {
    g.output(batchFirst(g, y), {
      name: 'memory',
      dataType: 'float32',
      shape: ['batch', 'source_steps', H],
      docString: "the last layer's outputs at every source step: the decoder's memory input",
    });
  }
}

/** The graph of a `Seq2Seq` decoder, with its attention if it has one: see {@link tokenDecoderGraph}. */
export function seq2seqDecoderGraph(
  g: GraphBuilder,
  weights: ParameterReader,
  config: Seq2SeqConfig,
): void {
  tokenDecoderGraph(g, weights, {
    prefix: 'decoder.',
    vocabularySize: config.targetVocabularySize,
    input: config.targetInput,
    cell: config.cell,
    cellOptions: config.cellOptions,
    hiddenSize: config.hiddenSize,
    numLayers: config.numLayers,
    attention: config.attention,
  });
}
