import { isVariable, Variable } from '@recur/autograd';
import { formatShape, isTensor, RecurError, type Tensor } from '@recur/tensor';
import type { CellState, RecurrentCell } from './cells/cell.js';

/** The tensor behind a Variable or Tensor argument, or a clear error. */
export function tensorValue(op: string, arg: string, x: unknown): Tensor {
  const t = isVariable(x) ? x.value : x;
  if (!isTensor(t)) {
    const what = x === null ? 'null' : Array.isArray(x) ? 'an array' : typeof x;
    throw new RecurError('ARGUMENT', `${op}: ${arg} must be a Variable or a Tensor, got ${what}`);
  }
  t.assertAlive(op, arg);
  return t;
}

/** Checks `x` is a float32 `[B, T, I]` sequence for `cell` with T, B ≥ 1; returns the sizes. */
export function checkSequenceInput(
  op: string,
  cell: { readonly inputSize: number },
  x: Variable | Tensor,
): { B: number; T: number; I: number } {
  const xv = tensorValue(op, 'x', x);
  if (xv.rank !== 3) {
    throw new RecurError(
      'SHAPE',
      `${op}: x must be [batch, time, features], got ${formatShape(xv.shape)}`,
    );
  }
  const [B, T, I] = xv.shape as [number, number, number];
  if (xv.dtype !== 'float32')
    throw new RecurError('DTYPE', `${op}: x must be float32, got ${xv.dtype}`);
  if (I !== cell.inputSize) {
    throw new RecurError(
      'SHAPE',
      `${op}: x is ${formatShape(xv.shape)} with ${I} features per step, but the cell's inputSize is ${cell.inputSize}`,
    );
  }
  if (T === 0)
    throw new RecurError(
      'ARGUMENT',
      `${op}: x ${formatShape(xv.shape)} is an empty sequence (0 time steps)`,
    );
  if (B === 0)
    throw new RecurError('ARGUMENT', `${op}: x ${formatShape(xv.shape)} is an empty batch`);
  return { B, T, I };
}

/**
 * Masks already found to hold only 0 and 1. A tensor's values never change, so each mask is
 * read once however many layers, directions and calls use it.
 */
const checkedMasks = new WeakSet<Tensor>();

/**
 * Checks a `[B, T]` mask (float32 or int32) whose values are 1 (a real step) or 0 (padding):
 * any other value — 2, −1, 0.5, NaN — is a RANGE error naming its position. The values are read
 * once per mask tensor (one read-back on a GPU backend), not per step.
 */
export function checkMask(op: string, mask: unknown, B: number, T: number): Tensor | undefined {
  if (mask === undefined || mask === null) return undefined;
  if (!isTensor(mask))
    throw new RecurError('ARGUMENT', `${op}: mask must be a Tensor [batch, time]`);
  mask.assertAlive(op, 'mask');
  if (mask.rank !== 2 || mask.shape[0] !== B || mask.shape[1] !== T) {
    throw new RecurError(
      'SHAPE',
      `${op}: mask must be [${B},${T}] (batch, time of x), got ${formatShape(mask.shape)}`,
    );
  }
  if (!checkedMasks.has(mask)) {
    const values = mask.data();
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v !== 0 && v !== 1) {
        throw new RecurError(
          'RANGE',
          `${op}: mask must hold only 0 (padding) and 1 (a real step); mask[${Math.floor(i / T)},${i % T}] is ${v}`,
        );
      }
    }
    checkedMasks.add(mask);
  }
  return mask;
}

/** Checks an initial state `{ a }` / `{ a, c }` against the cell and batch; Tensors become constants. */
export function checkInitialState<S extends CellState>(
  op: string,
  cell: RecurrentCell<S>,
  state: unknown,
  B: number,
): S {
  if (state === null || typeof state !== 'object') {
    throw new RecurError(
      'ARGUMENT',
      `${op}: initialState must be an object { ${cell.stateNames.join(', ')} }, got ${state === null ? 'null' : typeof state}`,
    );
  }
  const out: Record<string, Variable> = {};
  for (const name of cell.stateNames) {
    const v = (state as Record<string, unknown>)[name];
    if (v === undefined) {
      throw new RecurError(
        'ARGUMENT',
        `${op}: initialState.${name} is missing (a ${cell.kind} state is { ${cell.stateNames.join(', ')} })`,
      );
    }
    const t = tensorValue(op, `initialState.${name}`, v);
    if (t.rank !== 2 || t.shape[0] !== B || t.shape[1] !== cell.hiddenSize) {
      throw new RecurError(
        'SHAPE',
        `${op}: initialState.${name} must be [${B},${cell.hiddenSize}] (batch of x, hiddenSize), got ${formatShape(t.shape)}`,
      );
    }
    out[name] = isVariable(v) ? v : new Variable(t.reshape(t.shape));
  }
  return out as unknown as S;
}

/** Throws a NONFINITE error naming the first NaN or ±Infinity in `t`, if any. */
export function assertFinite(op: string, what: string, t: Tensor): void {
  const values = t.data();
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) {
      const index: number[] = [];
      let rest = i;
      for (let d = t.rank - 1; d >= 0; d--) {
        index.unshift(rest % t.shape[d]!);
        rest = Math.floor(rest / t.shape[d]!);
      }
      throw new RecurError(
        'NONFINITE',
        `${op}: ${what} ${formatShape(t.shape)} holds ${v} at [${index.join(',')}]`,
      );
    }
  }
}
