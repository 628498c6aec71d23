import type { Backend, DType } from '../backend.js';
import { engine } from '../engine.js';
import { formatShape, RecurError } from '../errors.js';
import { isTensor, Tensor } from '../tensor.js';

/** A tensor, or a plain number that becomes a float32 scalar on the other operand's backend. */
export type TensorLike = Tensor | number;

/** Throws unless `x` is a live Tensor; `op` and `arg` name the caller in the message. */
export function checkTensor(op: string, arg: string, x: unknown): Tensor {
  if (!isTensor(x)) {
    const what = x === null ? 'null' : Array.isArray(x) ? 'an array' : typeof x;
    throw new RecurError('ARGUMENT', `${op}: ${arg} must be a Tensor, got ${what}`);
  }
  x.assertAlive(op, arg);
  return x;
}

export function checkDType(op: string, arg: string, x: Tensor, dtype: DType): void {
  if (x.dtype !== dtype) {
    throw new RecurError(
      'DTYPE',
      `${op}: ${arg} must be ${dtype}, got ${x.dtype} (shape ${formatShape(x.shape)})`,
    );
  }
}

/** The backend all `tensors` live on; throws when they are on different backends. */
export function sameBackend(op: string, tensors: readonly Tensor[]): Backend {
  const first = tensors[0];
  if (!first) return engine.backend;
  for (const t of tensors) {
    if (t.backend !== first.backend) {
      throw new RecurError(
        'BACKEND',
        `${op}: inputs live on different backends ('${first.backend.name}' and '${t.backend.name}'); move one with toBackend()`,
      );
    }
  }
  return first.backend;
}

/** Wraps a kernel's result storage as a tensor on `backend`. */
export function wrap(
  backend: Backend,
  dataId: object,
  shape: readonly number[],
  dtype: DType,
): Tensor {
  return new Tensor(dataId, shape, dtype, backend);
}

/**
 * Runs `fn` with numbers in `args` turned into scalar tensors on `backend`, disposing those
 * scalars afterwards.
 */
export function withScalars<R>(
  op: string,
  backend: Backend,
  args: readonly TensorLike[],
  names: readonly string[],
  fn: (tensors: Tensor[]) => R,
): R {
  // check every tensor before making any scalar, so a bad argument leaks nothing
  args.forEach((a, i) => {
    if (typeof a !== 'number') checkTensor(op, names[i] ?? `argument ${i}`, a);
  });
  const temps: Tensor[] = [];
  const tensors = args.map((a) => {
    if (typeof a !== 'number') return a;
    const t = wrap(backend, backend.write(Float32Array.of(a), [], 'float32'), [], 'float32');
    temps.push(t);
    return t;
  });
  try {
    return fn(tensors);
  } finally {
    for (const t of temps) t.dispose();
  }
}

/** The backend of the first tensor among `args`, or the active one when all are numbers. */
export function backendOf(op: string, args: readonly TensorLike[]): Backend {
  const tensors = args.filter((a): a is Tensor => isTensor(a));
  return tensors.length ? sameBackend(op, tensors) : engine.backend;
}
