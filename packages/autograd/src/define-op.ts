import { isTensor, RecurError, type Tensor, tidy, zerosLike } from '@recur/tensor';
import { tensorOf } from './ops/operands.js';
import { record } from './record.js';
import type { Variable } from './variable.js';

/** What a custom op's forward returns. */
export interface ForwardResult {
  /** The op's results; each becomes a Variable. */
  outputs: Tensor[];
  /**
   * Tensors backward needs: inputs or outputs (borrowed), or tensors made for backward only,
   * which the op owns and frees when the graph is released.
   */
  saved?: Tensor[];
}

/** A custom differentiable op: forward and backward side by side. */
export interface OpDefinition<Attrs = undefined> {
  /** For messages, e.g. `lstmSequence`. */
  name: string;
  /** Computes the outputs from the inputs' tensors; temporaries it makes are freed. */
  forward(inputs: readonly Tensor[], attrs: Attrs): ForwardResult;
  /**
   * Returns one gradient per input (null where `needs[i]` is false or the gradient is zero),
   * each of that input's shape. `gradOutputs[j]` is null when no gradient reached output j
   * (unless `materializeGrads`, which turns those into zeros). Temporaries are freed.
   */
  backward(
    gradOutputs: readonly (Tensor | null)[],
    saved: readonly Tensor[],
    inputs: readonly Tensor[],
    attrs: Attrs,
    needs: readonly boolean[],
  ): (Tensor | null)[];
  /** Pass zeros instead of null for outputs no gradient reached (default false). */
  materializeGrads?: boolean;
}

/** A differentiable op made by {@link defineOp}. Tensors among the inputs are constants. */
export type CustomOp<Attrs = undefined> = (
  inputs: readonly (Variable | Tensor)[],
  ...attrs: undefined extends Attrs ? [attrs?: Attrs] : [attrs: Attrs]
) => Variable[];

/**
 * Defines a differentiable op with a hand-written backward — e.g. a fused RNN sequence kernel
 * whose backward is BPTT in one kernel. Forward and backward live together; the engine records
 * the op like any built-in one, so `backward`, `grad` and `gradcheck` work through it.
 *
 * ```ts
 * const scaleShift = defineOp<{ alpha: number }>({
 *   name: 'scaleShift',
 *   forward: ([x, b], { alpha }) => ({ outputs: [add(mul(x, alpha), b)] }),
 *   backward: ([g], _saved, [x, b], { alpha }) => [mul(g, alpha), sumTo(g, b.shape)],
 * });
 * const [y] = scaleShift([x, b], { alpha: 2 }); // ops without attrs take just the inputs
 * ```
 */
export function defineOp<Attrs = undefined>(definition: OpDefinition<Attrs>): CustomOp<Attrs> {
  const { name } = definition;
  return (inputs, ...rest) => {
    const attrs = rest[0] as Attrs;
    if (!Array.isArray(inputs))
      throw new RecurError('ARGUMENT', `${name}: inputs must be an array`);
    const values = inputs.map((x, i) => tensorOf(name, `inputs[${i}]`, x));
    const result = tidy(() => {
      const r = definition.forward(values, attrs);
      return { outputs: r?.outputs, saved: r?.saved ?? [] };
    });
    const outputs = checkOutputs(name, result.outputs, values);
    const saved = result.saved;
    const owned = saved.filter((t) => !values.includes(t) && !outputs.includes(t));
    return record({
      name,
      inputs,
      outputs,
      saved: saved.filter((t) => !owned.includes(t)),
      owned,
      backward: (gradOutputs, needs) => {
        const gs = definition.materializeGrads
          ? gradOutputs.map((g, j) => g ?? zerosLike(outputs[j]!))
          : gradOutputs;
        const grads = definition.backward(gs, saved, values, attrs, needs);
        if (!Array.isArray(grads)) {
          throw new RecurError(
            'ARGUMENT',
            `${name}: backward must return an array of gradients (Tensor or null)`,
          );
        }
        return grads.map((g, i) => (needs[i] ? checkGradient(name, i, g) : null));
      },
    });
  };
}

function checkOutputs(name: string, outputs: unknown, inputs: readonly Tensor[]): Tensor[] {
  if (!Array.isArray(outputs) || outputs.length === 0 || outputs.some((t) => !isTensor(t))) {
    throw new RecurError(
      'ARGUMENT',
      `${name}: forward must return { outputs: Tensor[] } with at least one tensor`,
    );
  }
  // An output that is an input (or repeats) becomes a view, so each Variable owns its own tensor.
  return (outputs as Tensor[]).map((t, i, all) =>
    inputs.includes(t) || all.indexOf(t) !== i ? t.reshape(t.shape) : t,
  );
}

function checkGradient(name: string, i: number, g: unknown): Tensor | null {
  if (g === null || g === undefined) return null;
  if (!isTensor(g)) {
    throw new RecurError(
      'ARGUMENT',
      `${name}: backward returned ${typeof g} for input ${i}; expected a Tensor or null`,
    );
  }
  return g;
}
