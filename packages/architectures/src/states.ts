import { gather, type Variable } from '@recur/autograd';
import type { CellState, LayerState } from '@recur/cells';
import { keep, tensor } from '@recur/tensor';

/**
 * The recurrent state of a stacked layer: one {@link LayerState} per layer (`{ forward: { a } }`,
 * `{ forward: { a, c } }` for the LSTM, plus `backward` when bidirectional), each field `[B, H]`.
 */
export type RecurrentState = LayerState<CellState>[];

/** A copy of `states` with `fn` applied to every field (`a`, `c`) of every layer and direction. */
export function mapStates(states: RecurrentState, fn: (v: Variable) => Variable): RecurrentState {
  const mapOne = (s: CellState): CellState => {
    const out: Record<string, Variable> = {};
    for (const [name, v] of Object.entries(s)) out[name] = fn(v as Variable);
    return out as unknown as CellState;
  };
  return states.map((layer) =>
    layer.backward
      ? { forward: mapOne(layer.forward), backward: mapOne(layer.backward) }
      : { forward: mapOne(layer.forward) },
  );
}

/**
 * The same values cut from the graph and kept out of `tidy` scopes: how a state survives from one
 * generation step to the next without growing a graph. Free it with {@link disposeStates}.
 */
export function keepStates(states: RecurrentState): RecurrentState {
  return mapStates(states, (v) => {
    const d = v.detach();
    keep(d.value);
    return d;
  });
}

/** Frees every field's value. */
export function disposeStates(states: RecurrentState | null | undefined): void {
  if (!states) return;
  mapStates(states, (v) => {
    v.dispose();
    return v;
  });
}

/**
 * Rows `rows` of every field (rows may repeat): a beam's states after reordering. Differentiable;
 * the index tensor is freed with the enclosing `tidy` scope.
 */
export function selectStateRows(
  states: RecurrentState,
  rows: Int32Array | readonly number[],
): RecurrentState {
  const indices = tensor(Int32Array.from(rows), [rows.length], 'int32');
  return mapStates(states, (v) => gather(v, indices, 0));
}
