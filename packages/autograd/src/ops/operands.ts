import {
  isTensor,
  RecurError,
  type Shape,
  type Tensor,
  type TensorLike,
  withBackend,
  zeros,
} from '@recur/tensor';
import { isVariable, type Operand, type Variable } from '../variable.js';

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'an array';
  return typeof x === 'object' ? (x.constructor?.name ?? 'an object') : typeof x;
}

/** The tensor behind a Variable or Tensor argument; throws naming `op` and `arg` otherwise. */
export function tensorOf(op: string, arg: string, x: Variable | Tensor): Tensor {
  const t = isVariable(x) ? x.value : x;
  if (!isTensor(t)) {
    throw new RecurError(
      'ARGUMENT',
      `${op}: ${arg} must be a Variable or a Tensor, got ${describe(x)}`,
    );
  }
  t.assertAlive(op, arg);
  return t;
}

/** The tensor or number behind an operand; throws naming `op` and `arg` otherwise. */
export function operandValue(op: string, arg: string, x: Operand): TensorLike {
  if (typeof x === 'number') return x;
  return tensorOf(op, arg, x);
}

/** Zeros of `shape` on the backend `like` lives on (backward must stay on the forward's backend). */
export function zerosOn(like: Tensor, shape: Shape): Tensor {
  return withBackend(like.backend, () => zeros(shape));
}

/** The tensors among `values` (for a node's saved list). */
export function tensorsAmong(values: readonly unknown[]): Tensor[] {
  return values.filter((v): v is Tensor => isTensor(v));
}
