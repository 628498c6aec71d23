import { defineOp, type Variable } from '@recur/autograd';
import { checkOptions, type Tensor, zerosLike } from '@recur/tensor';
import {
  type GruResetAfterSequenceInputs,
  type GruResetAfterSequenceResult,
  gruResetAfterSequenceBackward,
  gruResetAfterSequenceForward,
} from './kernels/gru-reset-after-sequence.js';
import {
  type GruSequenceInputs,
  type GruSequenceResult,
  gruSequenceBackward,
  gruSequenceForward,
} from './kernels/gru-sequence.js';
import {
  type LstmSequenceInputs,
  type LstmSequenceResult,
  lstmSequenceBackward,
  lstmSequenceForward,
} from './kernels/lstm-sequence.js';
import type { NamedKernel } from './kernels/named-kernel.js';
import {
  type RnnSequenceAttrs,
  type RnnSequenceInputs,
  type RnnSequenceResult,
  rnnSequenceBackward,
  rnnSequenceForward,
} from './kernels/rnn-sequence.js';
import type { SequenceAttrs } from './kernels/sequence.js';

/**
 * The fused sequence kernels as differentiable ops: forward is the kernel's forward propagation
 * through time, backward its hand-written BPTT. Operands and results are named like the
 * kernels' (`{ x, W_x, W_a, b, a0, c0, mask }` in, `{ A, C, G }` out); parameters may be
 * Variables, and `mask` (a Tensor) gets no gradient.
 */

/** A fused op's operands: each of the kernel's operands, as a Variable or a constant Tensor. */
export type SequenceOperands<In> = { [K in keyof In]: In[K] | Variable };

/** A differentiable fused sequence op: named operands in, named Variables out. */
export type SequenceOp<In, Out extends string, Attrs> = (
  inputs: SequenceOperands<In>,
  attrs: Attrs,
) => Record<Out, Variable>;

/** `{ x, W_x, W_a, b, a0, mask? } → { A }` (vanilla RNN / IRNN: the cell's W_xh, W_ah, b_h). */
export const rnnSequenceOp: SequenceOp<RnnSequenceInputs, RnnSequenceResult, RnnSequenceAttrs> =
  defineSequenceOp('rnnSequence', rnnSequenceForward, ({ A: dA }, { A }, inputs, attrs, needs) => {
    if (!dA) return {};
    const { x, W_x, W_a, a0, mask } = inputs;
    const g = rnnSequenceBackward(
      { x, W_x, W_a, a0, A, dA, mask },
      { ...attrs, skipInputGradient: !needs.x },
    );
    return { x: g.dx, W_x: g.dW_x, W_a: g.dW_a, b: g.db, a0: g.da0 };
  });

/** `{ x, W_x, W_a, b, a0, c0, mask? } → { A, C, G }` (LSTM; G = gate activations, no gradient). */
export const lstmSequenceOp: SequenceOp<LstmSequenceInputs, LstmSequenceResult, SequenceAttrs> =
  defineSequenceOp(
    'lstmSequence',
    lstmSequenceForward,
    ({ A: dA, C: dC }, { A, C, G }, inputs, attrs, needs) => {
      if (!dA && !dC) return {};
      const { x, W_x, W_a, a0, c0, mask } = inputs;
      const g = lstmSequenceBackward(
        { x, W_x, W_a, a0, c0, A, C, G, dA: dA ?? zerosLike(A), dC: dC ?? zerosLike(C), mask },
        { ...attrs, skipInputGradient: !needs.x },
      );
      return { x: g.dx, W_x: g.dW_x, W_a: g.dW_a, b: g.db, a0: g.da0, c0: g.dc0 };
    },
  );

/** `{ x, W_x, W_a, b, a0, mask? } → { A, G }` (GRU; G = gate activations, no gradient). */
export const gruSequenceOp: SequenceOp<GruSequenceInputs, GruSequenceResult, SequenceAttrs> =
  defineSequenceOp(
    'gruSequence',
    gruSequenceForward,
    ({ A: dA }, { A, G }, inputs, attrs, needs) => {
      if (!dA) return {};
      const { x, W_x, W_a, a0, mask } = inputs;
      const g = gruSequenceBackward(
        { x, W_x, W_a, a0, A, G, dA, mask },
        { ...attrs, skipInputGradient: !needs.x },
      );
      return { x: g.dx, W_x: g.dW_x, W_a: g.dW_a, b: g.db, a0: g.da0 };
    },
  );

/** `{ x, W_x, W_a, b, b_a, a0, mask? } → { A, G }` (reset-after GRU; G = `[u, r, ã, n]`). */
export const gruResetAfterSequenceOp: SequenceOp<
  GruResetAfterSequenceInputs,
  GruResetAfterSequenceResult,
  SequenceAttrs
> = defineSequenceOp(
  'gruResetAfterSequence',
  gruResetAfterSequenceForward,
  ({ A: dA }, { A, G }, inputs, attrs, needs) => {
    if (!dA) return {};
    const { x, W_x, W_a, a0, mask } = inputs;
    const g = gruResetAfterSequenceBackward(
      { x, W_x, W_a, a0, A, G, dA, mask },
      { ...attrs, skipInputGradient: !needs.x },
    );
    return { x: g.dx, W_x: g.dW_x, W_a: g.dW_a, b: g.db, b_a: g.db_a, a0: g.da0 };
  },
);

/**
 * Makes a named differentiable op of a forward kernel and its BPTT. `backward` gets the
 * gradients reaching each result (null where none did), the results, the operands' values and
 * which operands need a gradient, and returns the gradients it computed by operand name.
 */
function defineSequenceOp<In extends object, Out extends string, Attrs>(
  name: string,
  forward: NamedKernel<In, Out, Attrs>,
  backward: (
    gradients: Record<Out, Tensor | null>,
    results: Record<Out, Tensor>,
    inputs: In,
    attrs: Attrs,
    needs: Record<keyof In, boolean>,
  ) => Partial<Record<keyof In, Tensor>>,
): SequenceOp<In, Out, Attrs> {
  const names = forward.inputNames;
  const outputs = forward.outputNames;
  const byName = <V>(keys: readonly string[], values: readonly V[]) =>
    Object.fromEntries(keys.map((k, i) => [k, values[i]]));
  const op = defineOp<Attrs>({
    name,
    forward: (values, attrs) => {
      const results = forward(byName(names, values) as In, attrs);
      const list = outputs.map((o) => results[o]);
      return { outputs: list, saved: list };
    },
    backward: (gradients, saved, values, attrs, needs) => {
      const grads = backward(
        byName(outputs, gradients) as Record<Out, Tensor | null>,
        byName(outputs, saved) as Record<Out, Tensor>,
        byName(names, values) as In,
        attrs,
        byName(names, needs) as Record<keyof In, boolean>,
      ) as Record<string, Tensor | undefined>;
      return values.map((_, i) => grads[names[i]!] ?? null);
    },
  });
  return (inputs, attrs) => {
    checkOptions(name, inputs, names);
    const given = inputs as Record<string, Variable | Tensor | undefined>;
    const list = names.map((n) => given[n]);
    while (list.length > 0 && list[list.length - 1] === undefined) list.pop();
    const results = op(list as (Variable | Tensor)[], attrs);
    return byName(outputs, results) as Record<Out, Variable>;
  };
}
