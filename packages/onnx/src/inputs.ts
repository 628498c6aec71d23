import type { GraphBuilder } from './graph-builder.js';
import type { ParameterReader } from './parameters.js';

/** How token ids enter the first layer: one-hot rows of width V, or rows of a learned table. */
export type TokenEncoding =
  | { kind: 'onehot'; vocabularySize: number }
  | { kind: 'embedding'; vocabularySize: number; size: number; parameter: string };

/**
 * Token ids `[batch, steps]` (int64) → the first layer's input `[steps, batch, width]`:
 * `Gather` of the embedding table's rows (an id outside the table is an error in the runtime),
 * or `OneHot` of depth V (an id outside `[0, V)` gives a row of zeros there, where recur refuses
 * it). The ids are transposed first, so the lookup writes time-major rows directly.
 */
export function embedTokens(
  g: GraphBuilder,
  weights: ParameterReader,
  tokens: string,
  encoding: TokenEncoding,
): string {
  const ids = g.op('Transpose', [tokens], { perm: [1, 0] });
  if (encoding.kind === 'embedding') {
    const { vocabularySize: V, size, parameter } = encoding;
    const table = g.constant(parameter, 'float32', [V, size], weights.read(parameter, [V, size]));
    return g.op('Gather', [table, ids], { axis: 0 });
  }
  const depth = g.ints('onehot_depth', [encoding.vocabularySize]);
  const values = g.constant('onehot_values', 'float32', [2], [0, 1]);
  return g.op('OneHot', [ids, depth, values], { axis: -1 });
}

/** A dense readout `x W + b` over the last axis, with `W [in, out]` and `b [out]` as in recur. */
export function dense(
  g: GraphBuilder,
  weights: ParameterReader,
  x: string,
  names: { W: string; b: string },
  inSize: number,
  outSize: number,
): string {
  const W = g.constant(
    names.W,
    'float32',
    [inSize, outSize],
    weights.read(names.W, [inSize, outSize]),
  );
  const b = g.constant(names.b, 'float32', [outSize], weights.read(names.b, [outSize]));
  return g.op('Add', [g.op('MatMul', [x, W]), b]);
}
