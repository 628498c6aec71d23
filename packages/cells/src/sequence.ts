import { reshape, slice, stack, type Variable, where } from '@recur/autograd';
import {
  checkOptions,
  RecurError,
  slice as sliceTensor,
  type Tensor,
  withBackend,
} from '@recur/tensor';
import type { CellState, LstmState, RecurrentCell, StateName } from './cells/cell.js';
import { GRUCell } from './cells/gru-cell.js';
import { LSTMCell } from './cells/lstm-cell.js';
import { VanillaCell } from './cells/vanilla-cell.js';
import {
  assertFinite,
  checkInitialState,
  checkMask,
  checkSequenceInput,
  tensorValue,
} from './checks.js';
import {
  gruResetAfterSequenceOp,
  gruSequenceOp,
  lstmSequenceOp,
  rnnSequenceOp,
} from './fused-ops.js';

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
  /** Throw a `NONFINITE` RecurError if x, the initial state or the outputs hold NaN or ±Inf. */
  checkFinite?: boolean;
}

/** What {@link sequence} returns. */
export interface SequenceResult<S extends CellState> {
  /** Every step's hidden state `a⟨1⟩ … a⟨T⟩`, `[B, T, H]`. */
  outputs: Variable;
  /** The state after the last step processed (t = T, or t = 1 with `reverse`). */
  state: S;
  /** With `introspect`, for the LSTM: every cell state `c⟨t⟩`, `[B, T, H]` (differentiable). */
  cellStates?: Variable;
  /**
   * With `introspect`, for gated cells: the gate activations of every step, `[B, T, g·H]`
   * (`[Γu, Γf, c̃, Γo]` or `[u, r, ã]`; zeros at padded steps). Detached: no gradient.
   */
  gates?: Variable;
}

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
    'checkFinite',
  ]);
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
  const run = options.fused === false || !hasFusedKernel(cell) ? composedSequence : fusedSequence;
  const result = run(cell, x, initial, mask, options.reverse ?? false, options.introspect ?? false);
  if (options.checkFinite)
    assertFinite(op, 'outputs (the recurrence diverged)', result.outputs.value);
  return result;
}

/** Whether `cell` is one of the built-in cells with a fused sequence kernel. */
export function hasFusedKernel(cell: object): boolean {
  return cell instanceof VanillaCell || cell instanceof LSTMCell || cell instanceof GRUCell;
}

/** A state's field by name (`a`, or `c` of an LSTM state). */
function fieldOf(state: CellState, name: StateName): Variable {
  return (state as unknown as Record<StateName, Variable>)[name];
}

/** `[B, H]` at time `t` of a `[B, T, H]` variable. */
function stepOf(seq: Variable, t: number): Variable {
  const [B, , H] = seq.shape as [number, number, number];
  return reshape(slice(seq, [0, t, 0], [B, 1, H]), [B, H]);
}

function fusedSequence<S extends CellState>(
  cell: RecurrentCell<S>,
  x: Variable | Tensor,
  initial: S,
  mask: Tensor | undefined,
  reverse: boolean,
  introspect: boolean,
): SequenceResult<S> {
  const T = x.shape[1]!;
  const last = reverse ? 0 : T - 1;
  const a0 = (initial as { a: Variable }).a;
  if (cell instanceof VanillaCell) {
    const { A } = rnnSequenceOp(
      { x, W_x: cell.W_xh, W_a: cell.W_ah, b: cell.b_h, a0, mask },
      { activation: cell.activation, reverse },
    );
    return { outputs: A, state: { a: stepOf(A, last) } as S };
  }
  if (cell instanceof LSTMCell) {
    const c0 = (initial as unknown as LstmState).c;
    const { A, C, G } = lstmSequenceOp(
      { x, W_x: cell.W_x, W_a: cell.W_a, b: cell.b, a0, c0, mask },
      { reverse },
    );
    const state = { a: stepOf(A, last), c: stepOf(C, last) } as unknown as S;
    return introspect
      ? { outputs: A, state, cellStates: C, gates: G.detach() }
      : { outputs: A, state };
  }
  if (cell instanceof GRUCell && cell.b_a) {
    const { A, G } = gruResetAfterSequenceOp(
      { x, W_x: cell.W_x, W_a: cell.W_a, b: cell.b, b_a: cell.b_a, a0, mask },
      { reverse },
    );
    const state = { a: stepOf(A, last) } as S;
    if (!introspect) return { outputs: A, state };
    // The diagnostics' gates are [u, r, ã], as the composed step reports them.
    const [B, , H4] = G.shape as [number, number, number];
    const gates = slice(G.detach(), [0, 0, 0], [B, T, (3 * H4) / 4]);
    return { outputs: A, state, gates };
  }
  if (cell instanceof GRUCell) {
    const { A, G } = gruSequenceOp(
      { x, W_x: cell.W_x, W_a: cell.W_a, b: cell.b, a0, mask },
      { reverse },
    );
    const state = { a: stepOf(A, last) } as S;
    return introspect ? { outputs: A, state, gates: G.detach() } : { outputs: A, state };
  }
  throw new RecurError('ARGUMENT', `sequence: no fused kernel for a '${cell.kind}' cell`);
}

function composedSequence<S extends CellState>(
  cell: RecurrentCell<S>,
  x: Variable | Tensor,
  initial: S,
  mask: Tensor | undefined,
  reverse: boolean,
  introspect: boolean,
): SequenceResult<S> {
  const [B, T, I] = x.shape as [number, number, number];
  const outputs = new Array<Variable>(T);
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
    state = next;
  }
  const result: SequenceResult<S> = { outputs: stack(outputs, 1), state };
  if (introspect && cell.stateNames.includes('c')) result.cellStates = stack(cellStates, 1);
  if (introspect && gates[0]) result.gates = stack(gates, 1).detach();
  return result;
}
