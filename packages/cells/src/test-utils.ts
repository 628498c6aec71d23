import { concat, reshape, Variable } from '@recur/autograd';
import { full, Rng, randomNormal, type Tensor } from '@recur/tensor';
import type { CellKind, CellState, RecurrentCell } from './cells/cell.js';
import { GRUCell } from './cells/gru/cell.js';
import { IRNNCell } from './cells/irnn/cell.js';
import { LSTMCell } from './cells/lstm/cell.js';
import { RNNCell } from './cells/rnn/cell.js';
import { type SequenceOptions, sequence } from './sequence.js';

/** Test helpers (not exported from the package). */

export const KINDS: readonly CellKind[] = ['rnn', 'irnn', 'lstm', 'gru'];

/** A small cell of `kind` with weights large enough that every term matters. */
export function makeCell(
  kind: CellKind,
  inputSize: number,
  hiddenSize: number,
  seed: number,
): RecurrentCell<CellState> {
  const rng = new Rng(seed);
  const sizes = { inputSize, hiddenSize, rng };
  switch (kind) {
    case 'rnn':
      return new RNNCell({ ...sizes, init: 'uniform' });
    case 'irnn':
      // Larger input weights than the default N(0, 0.001²), so the inputs matter; bias > 0 keeps units active.
      return withBias(new IRNNCell({ ...sizes, inputStd: 0.5, gain: 0.9 }), 0.3);
    case 'lstm':
      return new LSTMCell({ ...sizes, init: 'uniform' });
    default:
      return new GRUCell({ ...sizes, init: 'uniform' });
  }
}

function withBias(cell: IRNNCell, value: number): IRNNCell {
  cell.b_h.assign(full([cell.hiddenSize], value));
  return cell;
}

/** The same cell object with its parameters replaced by `params` (same names), for gradcheck. */
export function cellWith<S extends CellState>(
  cell: RecurrentCell<S>,
  params: Record<string, Variable>,
): RecurrentCell<S> {
  return Object.assign(Object.create(Object.getPrototypeOf(cell)), cell, params);
}

/** A float32 leaf that requires gradients (owns `t`). */
export function leaf(t: Tensor): Variable {
  return new Variable(t, { requiresGrad: true });
}

/** Largest absolute elementwise difference of two same-shaped tensors. */
export function maxAbsDiff(a: Tensor, b: Tensor): number {
  if (a.shape.join() !== b.shape.join())
    throw new Error(`shapes differ: [${a.shape}] vs [${b.shape}]`);
  const x = a.data();
  const y = b.data();
  let worst = 0;
  for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i]! - y[i]!));
  return worst;
}

/** Batch, steps, input width and hidden size of a test sequence. */
export interface TestDims {
  B: number;
  T: number;
  I: number;
  H: number;
}

/**
 * A function of (x, initial state…, parameters…) that runs `sequence` and returns the outputs
 * with the final state appended, for gradcheck and for comparing the two paths.
 */
export function sequenceFn(
  cell: RecurrentCell<CellState>,
  options: SequenceOptions<CellState>,
  { B, T, H }: TestDims,
) {
  const names = Object.keys(cell.parameters());
  const stateNames = cell.stateNames;
  return (x: Variable, ...rest: Variable[]): Variable => {
    const initialState = Object.fromEntries(
      stateNames.map((n, i) => [n, rest[i]!]),
    ) as unknown as CellState;
    const params = Object.fromEntries(names.map((n, i) => [n, rest[stateNames.length + i]!]));
    const r = sequence(cellWith(cell, params), x, { ...options, initialState });
    const finals = stateNames.map((n) => (r.state as unknown as Record<string, Variable>)[n]!);
    const parts = [reshape(r.outputs, [B, T * H]), ...finals];
    if (r.cellStates) parts.push(reshape(r.cellStates, [B, T * H]));
    return concat(parts, 1);
  };
}

/** Inputs for {@link sequenceFn}: x, the initial states, then copies of the cell's parameters. */
export function inputsFor(
  cell: RecurrentCell<CellState>,
  seed: number,
  { B, T, I, H }: TestDims,
): Tensor[] {
  const rng = new Rng(seed);
  const x = randomNormal([B, T, I], { rng });
  const states = cell.stateNames.map(() => randomNormal([B, H], { rng, std: 0.5 }));
  const params = Object.values(cell.parameters()).map((p) => p.value.reshape(p.shape));
  return [x, ...states, ...params];
}
