import { reshape, slice, stack, type Variable, where } from '@recur/autograd';
import {
  checkOptions,
  RecurError,
  slice as sliceTensor,
  type Tensor,
  withBackend,
} from '@recur/tensor';
import type {
  CellState,
  LstmState,
  RecurrentCell,
  SequenceResult,
  StateName,
} from './cells/cell.js';
import {
  assertFinite,
  checkInitialState,
  checkMask,
  checkSequenceInput,
  tensorValue,
} from './checks.js';

/** Options of {@link sequence}. */
export interface SequenceOptions<S extends CellState> {
  /** The state before the first step (`{ a }` or `{ a, c }`, each `[B, H]`); zeros by default. */
  initialState?: S | { [K in keyof S]: Variable | Tensor };
  /**
   * `[B, T]`, float32 or int32: 0 marks a padded step. A padded step copies the previous state
   * through (its output repeats it), passes the gradient through unchanged and adds nothing to
   * the weight gradients.
   */
  mask?: Tensor;
  /** Run from the last step to the first (outputs stay at their own time positions). */
  reverse?: boolean;
  /**
   * `true` (default): the fused sequence kernel with hand-written BPTT, for the built-in cells;
   * `false`: `cell.step` in a loop of autograd ops (the readable reference). Cells without a
   * fused kernel always run composed.
   */
  fused?: boolean;
  /** Also return every cell state (LSTM) and the gate activations. */
  introspect?: boolean;
  /**
   * Also return every step's state as its own Variable (`states`, in time order), the ones the
   * recurrence runs through, so a gradient with respect to `states[t].a` is the gradient BPTT
   * carries at step t — what `gradientFlow` of `@recur/clipping` reads (‖∂L/∂a⟨t⟩‖). Runs the
   * composed path (a fused kernel keeps every a⟨t⟩ inside one op), so `fused: true` is refused
   * with it.
   */
  everyState?: boolean;
  /** Throw a `NONFINITE` RecurError if x, the initial state or the outputs hold NaN or ±Inf. */
  checkFinite?: boolean;
}

export type { SequenceResult } from './cells/cell.js';

/**
 * Forward propagation through time: runs `cell` over `x` (`[B, T, I]`, batch-first) from the
 * initial state, sharing the same parameters at every step, and returns every hidden state and
 * the final state. Backward through the result is BPTT, with each parameter's gradient summed
 * over the steps.
 *
 * ```ts
 * const cell = new LSTMCell({ inputSize: 3, hiddenSize: 16, seed: 1 });
 * const { outputs, state } = sequence(cell, x);      // outputs [B, T, 16]; state { a, c }
 * ```
 */
export function sequence<S extends CellState>(
  cell: RecurrentCell<S>,
  x: Variable | Tensor,
  options: SequenceOptions<S> = {},
): SequenceResult<S> {
  const op = 'sequence';
  if (!cell || typeof cell.step !== 'function') {
    throw new RecurError(
      'ARGUMENT',
      `${op}: cell must be a recurrent cell (RNNCell, IRNNCell, LSTMCell, GRUCell, …)`,
    );
  }
  checkOptions(op, options, [
    'initialState',
    'mask',
    'reverse',
    'fused',
    'introspect',
    'everyState',
    'checkFinite',
  ]);
  const everyState = options.everyState ?? false;
  if (everyState && options.fused === true) {
    throw new RecurError(
      'ARGUMENT',
      `${op}: everyState needs the composed path (one Variable per step), but fused is true; leave fused out or set it to false`,
    );
  }
  const { B } = checkSequenceInput(op, cell, x);
  const xv = tensorValue(op, 'x', x);
  const mask = checkMask(op, options.mask, B, xv.shape[1]!);
  const initial =
    options.initialState === undefined
      ? withBackend(xv.backend, () => cell.zeroState(B))
      : checkInitialState(op, cell, options.initialState, B);
  if (options.checkFinite) {
    assertFinite(op, 'x', xv);
    for (const name of cell.stateNames)
      assertFinite(op, `initialState.${name}`, fieldOf(initial, name).value);
  }
  const reverse = options.reverse ?? false;
  const introspect = options.introspect ?? false;
  const result =
    options.fused !== false && !everyState && cell.fusedSequence
      ? cell.fusedSequence(x, { initial, mask, reverse, introspect })
      : composedSequence(cell, x, initial, mask, reverse, introspect, everyState);
  if (options.checkFinite)
    assertFinite(op, 'outputs (the recurrence diverged)', result.outputs.value);
  return result;
}

/** Whether `cell` has a fused path of its own ({@link RecurrentCell.fusedSequence}). */
export function hasFusedKernel(cell: object): boolean {
  return typeof (cell as Partial<RecurrentCell>).fusedSequence === 'function';
}

/** A state's field by name (`a`, or `c` of an LSTM state). */
function fieldOf(state: CellState, name: StateName): Variable {
  return (state as unknown as Record<StateName, Variable>)[name];
}

function composedSequence<S extends CellState>(
  cell: RecurrentCell<S>,
  x: Variable | Tensor,
  initial: S,
  mask: Tensor | undefined,
  reverse: boolean,
  introspect: boolean,
  everyState: boolean,
): SequenceResult<S> {
  const [B, T, I] = x.shape as [number, number, number];
  const outputs = new Array<Variable>(T);
  const states = new Array<S>(T);
  const cellStates = new Array<Variable>(T);
  const gates = new Array<Variable>(T);
  let state = initial;
  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s;
    const xt = reshape(slice(x, [0, t, 0], [B, 1, I]), [B, I]);
    const trace = introspect
      ? cell.stepWithGates(xt, state)
      : { state: cell.step(xt, state), gates: null };
    let next = trace.state;
    let g = trace.gates;
    if (mask) {
      const m = sliceTensor(mask, [0, t], [B, 1]);
      const kept: Record<string, Variable> = {};
      for (const name of cell.stateNames) {
        kept[name] = where(m, fieldOf(next, name), fieldOf(state, name));
      }
      next = kept as unknown as S;
      if (g) g = where(m, g, 0);
    }
    outputs[t] = (next as { a: Variable }).a;
    if (introspect && 'c' in next) cellStates[t] = (next as unknown as LstmState).c;
    if (g) gates[t] = g;
    states[t] = next;
    state = next;
  }
  const result: SequenceResult<S> = { outputs: stack(outputs, 1), state };
  if (everyState) result.states = states;
  if (introspect && cell.stateNames.includes('c')) result.cellStates = stack(cellStates, 1);
  if (introspect && gates[0]) result.gates = stack(gates, 1).detach();
  return result;
}
