import type { AttentionScore } from '@recur/architectures';
import type { GraphBuilder } from './graph-builder.js';
import { dense } from './inputs.js';
import { lengthMask } from './masks.js';
import type { ParameterReader } from './parameters.js';

/** Where a decoder's attention reads from: graph inputs holding the encoder's outputs. */
export interface AttentionInputs {
  score: AttentionScore;
  /** Encoder outputs `[batch, source_steps, H]`. */
  memory: string;
  /** int32 `[batch]`: real source steps per row. */
  lengths: string;
}

/**
 * recur's decoder attention (`Attention` in `@recur/architectures`) over the decoder outputs
 * `queries [batch, steps, H]`, then the combination layer:
 *
 *     keys      = memory (dot), memory W_a (general), memory W_k (additive)
 *     score_s   = k_s · q (dot, general),  v · tanh(k_s + q W_q) (additive)
 *     α         = softmax over s of score, padded source steps at −1e9
 *     context   = Σ_s α_s memory_s
 *     ã         = tanh([q; context] W_c + b_c)
 *
 * Returns `ã [batch, steps, H]`, which the output layer reads instead of the decoder outputs.
 * The encoder outputs at padded steps (zeros in ONNX, the carried state in recur) get exactly 0
 * weight, so they do not matter.
 */
export function attentionGraph(
  g: GraphBuilder,
  weights: ParameterReader,
  prefix: string,
  queries: string,
  H: number,
  attention: AttentionInputs,
): string {
  const { score, memory, lengths } = attention;
  const param = (name: string, shape: number[]) =>
    g.constant(
      `${prefix}attention.${name}`,
      'float32',
      shape,
      weights.read(`${prefix}attention.${name}`, shape),
    );
  let scores: string; // [batch, steps, source_steps]
  if (score === 'additive') {
    const keys = g.op('MatMul', [memory, param('W_k', [H, H])]); // [B, S, A]
    const query = g.op('MatMul', [queries, param('W_q', [H, H])]); // [B, T, A]
    const hidden = g.op('Tanh', [
      g.op('Add', [
        g.op('Unsqueeze', [query, g.ints('axis_2', [2])]), // [B, T, 1, A]
        g.op('Unsqueeze', [keys, g.ints('axis_1', [1])]), // [B, 1, S, A]
      ]),
    ]);
    const v = g.op('Unsqueeze', [param('v', [H]), g.ints('axis_1', [1])]); // [A, 1]
    scores = g.op('Squeeze', [g.op('MatMul', [hidden, v]), g.ints('axis_3', [3])]);
  } else {
    const keys = score === 'general' ? g.op('MatMul', [memory, param('W_a', [H, H])]) : memory;
    scores = g.op('MatMul', [queries, g.op('Transpose', [keys], { perm: [0, 2, 1] })]);
  }
  const mask = g.op('Unsqueeze', [lengthMask(g, memory, 1, lengths), g.ints('axis_1', [1])]); // [B, 1, S]
  const floor = g.constant('padding_score', 'float32', [], [-1e9]);
  const alpha = g.op('Softmax', [g.op('Where', [mask, scores, floor])], { axis: -1 });
  const context = g.op('MatMul', [alpha, memory]); // [B, T, H]
  const joined = g.op('Concat', [queries, context], { axis: 2 });
  return g.op('Tanh', [
    dense(g, weights, joined, { W: `${prefix}W_c`, b: `${prefix}b_c` }, 2 * H, H),
  ]);
}
