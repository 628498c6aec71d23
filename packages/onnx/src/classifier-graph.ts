import type { SequenceClassifierConfig } from '@recur/architectures';
import type { GraphBuilder } from './graph-builder.js';
import { dense, embedTokens } from './inputs.js';
import { lengthMask } from './masks.js';
import type { ParameterReader } from './parameters.js';
import { batchFirst, emitStack, finalStates, stackOutputSize } from './recurrent.js';

/**
 * The graph of a `SequenceClassifier`:
 *
 *     inputs   inputs int64 [batch, steps] (token ids) or float [batch, steps, F] (features);
 *              lengths int32 [batch]: real steps per row, 1..steps (recur's mask as lengths)
 *     outputs  logits float [batch, K] (what `forward` returns);
 *              predictions float [batch, K] (what `predict` returns: softmax, sigmoid or the values)
 *
 * `lengths` is every recurrent node's `sequence_lens`, so a row's final state is the state after
 * its last real step (its first, backwards), as recur's masked layers give. The readouts:
 * `last` concatenates the last layer's `Y_h` directions; `mean` sums the outputs over the real
 * steps and divides by the length; `max` takes the maximum over the real steps (padded steps read
 * −1e9, as in recur).
 */
export function classifierGraph(
  g: GraphBuilder,
  weights: ParameterReader,
  config: SequenceClassifierConfig,
): void {
  const {
    input,
    cell,
    hiddenSize: H,
    numLayers,
    bidirectional,
    readout,
    head,
    outputSize: K,
  } = config;
  const inputs =
    input.kind === 'features'
      ? g.input({
          name: 'inputs',
          dataType: 'float32',
          shape: ['batch', 'steps', input.size],
          docString: 'feature vectors [batch, steps, features]',
        })
      : g.input({
          name: 'inputs',
          dataType: 'int64',
          shape: ['batch', 'steps'],
          docString: 'token ids [batch, steps]',
        });
  const lengths = g.input({
    name: 'lengths',
    dataType: 'int32',
    shape: ['batch'],
    docString: 'real (unpadded) steps of each row, from 1 to steps; padding comes last',
  });
  let x: string;
  let inputSize: number;
  if (input.kind === 'features') {
    x = g.op('Transpose', [inputs], { perm: [1, 0, 2] });
    inputSize = input.size;
  } else {
    const V = input.vocabularySize;
    const encoding =
      input.kind === 'embedding'
        ? {
            kind: 'embedding' as const,
            vocabularySize: V,
            size: input.size,
            parameter: 'embedding',
          }
        : { kind: 'onehot' as const, vocabularySize: V };
    x = embedTokens(g, weights, inputs, encoding);
    inputSize = input.kind === 'embedding' ? input.size : V;
  }
  const stack = {
    prefix: 'rnn.',
    cell,
    cellOptions: config.cellOptions,
    inputSize,
    hiddenSize: H,
    numLayers,
    bidirectional,
  };
  const { y, states } = emitStack(g, weights, stack, x, { scope: 'rnn.', lengths });
  const D = stackOutputSize(stack);
  let pooled: string;
  if (readout === 'last') {
    pooled = finalStates(g, states[states.length - 1]!.h);
  } else {
    const outputs = batchFirst(g, y); // [B, T, D]
    const mask = g.op('Unsqueeze', [lengthMask(g, inputs, 1, lengths), g.ints('axis_2', [2])]); // bool [B, T, 1]
    if (readout === 'mean') {
      const kept = g.op('Mul', [outputs, g.op('Cast', [mask], { to: 1 })]);
      const total = g.op('ReduceSum', [kept, g.ints('axis_steps', [1])], { keepdims: 0 });
      const count = g.op('Cast', [g.op('Unsqueeze', [lengths, g.ints('axis_1', [1])])], { to: 1 });
      pooled = g.op('Div', [total, count]);
    } else {
      const floor = g.constant('padding_value', 'float32', [], [-1e9]);
      const masked = g.op('Where', [mask, outputs, floor]);
      pooled = g.op('ReduceMax', [masked], { axes: [1], keepdims: 0 });
    }
  }
  const logits = dense(g, weights, pooled, { W: 'W_ao', b: 'b_o' }, D, K);
  g.output(logits, {
    name: 'logits',
    dataType: 'float32',
    shape: ['batch', K],
    docString: `the ${head} head's inputs, as SequenceClassifier.forward returns them`,
  });
  const predictions =
    head === 'softmax'
      ? g.op('Softmax', [logits], { axis: -1 })
      : head === 'sigmoid'
        ? g.op('Sigmoid', [logits])
        : logits;
  g.output(predictions, {
    name: 'predictions',
    dataType: 'float32',
    shape: ['batch', K],
    docString: 'probabilities (softmax, sigmoid) or values (linear), as SequenceClassifier.predict',
  });
}
