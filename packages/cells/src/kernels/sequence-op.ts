import {
  defineOp,
  isGradEnabled,
  isVariable,
  reshape,
  slice,
  type Variable,
} from '@recur/autograd';
import { checkOptions, type Tensor } from '@recur/tensor';
import type { NamedKernel } from './named-kernel.js';

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

/**
 * Makes a named differentiable op of a forward kernel and its BPTT. `backward` gets the
 * gradients reaching each result (null where none did), the results, the operands' values and
 * which operands need a gradient, and returns the gradients it computed by operand name.
 */
export function defineSequenceOp<In extends object, Out extends string, Attrs>(
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
    const results = op(list as (Variable | Tensor)[], forwardOnlyWhenSafe(attrs, list));
    return byName(outputs, results) as Record<Out, Variable>;
  };
}

/**
 * The attributes with `forwardOnly` kept only where no gradient can be taken (gradients disabled
 * by `noGrad`, or no operand requires one): a caller that reads only `A` and the final state asks
 * for it, and this op decides whether BPTT might still need what it skips.
 */
function forwardOnlyWhenSafe<Attrs>(attrs: Attrs, operands: readonly unknown[]): Attrs {
  const asked = (attrs as { forwardOnly?: unknown }).forwardOnly;
  if (asked !== true) return attrs;
  const recorded =
    isGradEnabled() && operands.some((v) => isVariable(v) && (v as Variable).requiresGrad);
  return recorded ? { ...attrs, forwardOnly: false } : attrs;
}

/** `[B, H]` at time `t` of a `[B, T, H]` variable (a fused path's final state). */
export function stepOf(seq: Variable, t: number): Variable {
  const [B, , H] = seq.shape as [number, number, number];
  return reshape(slice(seq, [0, t, 0], [B, 1, H]), [B, H]);
}
