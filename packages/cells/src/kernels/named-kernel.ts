import {
  type Backend,
  checkOptions,
  defineKernel,
  isTensor,
  type KernelOutput,
  RecurError,
  type Tensor,
} from '@recur/tensor';

/**
 * A fused kernel whose operands and results are named — `{ x, W_x, W_a, b, a0, c0, mask }` in,
 * `{ A, C, G }` out — instead of positional arrays with holes. Built on the tensor package's
 * positional `defineKernel` (which dispatches on the backend): the names are stated once, in
 * `inputs` and `outputs`, and every implementation reads and returns them by name.
 */
export interface NamedKernelSpec<In, Out extends string, Attrs> {
  /** For messages and profiling, e.g. `lstmSequenceForward`. */
  name: string;
  /** The operand names, required ones first (the order the backend receives them). */
  inputs: readonly (keyof In & string)[];
  /** The trailing operands that may be absent (e.g. `mask`). */
  optional?: readonly (keyof In & string)[];
  /** The result names. */
  outputs: readonly Out[];
  /**
   * Validates the operands and attributes before anything runs (a `RecurError` naming the
   * kernel and the operand): public kernels never compute from operands they did not check.
   */
  check: (inputs: In, attrs: Attrs) => void;
  /** Implementations by backend name (`cpu`, `gpu`). */
  backends: Readonly<
    Record<string, (backend: Backend, inputs: In, attrs: Attrs) => Record<Out, KernelOutput>>
  >;
  /** The same computation composed from primitive ops, for any other backend. */
  fallback: (inputs: In, attrs: Attrs) => Record<Out, Tensor>;
}

/** A callable named kernel: dispatches on the operands' backend. */
export type NamedKernel<In, Out extends string, Attrs> = ((
  inputs: In,
  attrs: Attrs,
) => Record<Out, Tensor>) & {
  readonly kernelName: string;
  /** The operand names, in order (optional ones last). */
  readonly inputNames: readonly string[];
  /** The result names, in order. */
  readonly outputNames: readonly Out[];
  /** Whether `backend` runs this kernel natively (not through the fallback). */
  supports(backend: Backend): boolean;
};

/** Defines a {@link NamedKernel} (see {@link NamedKernelSpec}). */
export function defineNamedKernel<In extends object, Out extends string, Attrs>(
  spec: NamedKernelSpec<In, Out, Attrs>,
): NamedKernel<In, Out, Attrs> {
  const optional = spec.optional ?? [];
  const names = [...spec.inputs, ...optional];
  const byName = (list: readonly Tensor[]): In =>
    Object.fromEntries(names.map((n, i) => [n, list[i]])) as In;
  const inOrder = <V>(out: Record<Out, V>): V[] => spec.outputs.map((o) => out[o]);
  const positional = defineKernel<Attrs>({
    name: spec.name,
    backends: Object.fromEntries(
      Object.entries(spec.backends).map(([backendName, impl]) => [
        backendName,
        (backend: Backend, list: readonly Tensor[], attrs: Attrs) =>
          inOrder(impl(backend, byName(list), attrs)),
      ]),
    ),
    fallback: (list, attrs) => inOrder(spec.fallback(byName(list), attrs)),
  });
  const run = (inputs: In, attrs: Attrs): Record<Out, Tensor> => {
    checkOptions(spec.name, inputs, names);
    const given = inputs as Record<string, unknown>;
    for (const n of names) {
      const value = given[n];
      if (value === undefined && optional.includes(n)) continue;
      if (!isTensor(value)) {
        const what = value === null ? 'null' : value === undefined ? 'missing' : typeof value;
        throw new RecurError(
          'ARGUMENT',
          `${spec.name}: operand '${n}' must be a Tensor, got ${what === 'object' ? ((value as object).constructor?.name ?? 'an object') : what}`,
        );
      }
      value.assertAlive(spec.name, n);
    }
    spec.check(inputs, attrs);
    const list = names.map((n) => given[n] as Tensor | undefined);
    while (list.length > 0 && list[list.length - 1] === undefined) list.pop();
    if (list.includes(undefined)) {
      const gap = names[list.indexOf(undefined)]!;
      throw new RecurError(
        'ARGUMENT',
        `${spec.name}: give '${gap}' to give the operands after it (${names.slice(names.indexOf(gap) + 1).join(', ')})`,
      );
    }
    const outputs = positional(list as Tensor[], attrs);
    return Object.fromEntries(spec.outputs.map((o, i) => [o, outputs[i]!])) as Record<Out, Tensor>;
  };
  return Object.assign(run, {
    kernelName: spec.name,
    inputNames: names,
    outputNames: spec.outputs,
    supports: (backend: Backend) => positional.supports(backend),
  });
}
