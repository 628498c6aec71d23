import type { DType } from './backend.js';
import { RecurError } from './errors.js';

/** The element types a tensor may have. */
export const DTYPES: readonly DType[] = ['float32', 'int32'];

/** Throws a DTYPE error naming `op` and `arg` unless `dtype` is one of {@link DTYPES}. */
export function checkDTypeName(op: string, arg: string, dtype: unknown): DType {
  if (dtype !== 'float32' && dtype !== 'int32') {
    const got = typeof dtype === 'string' ? `'${dtype}'` : String(dtype);
    throw new RecurError(
      'DTYPE',
      `${op}: ${arg} must be ${DTYPES.map((d) => `'${d}'`).join(' or ')}, got ${got}`,
    );
  }
  return dtype;
}

const INT32_MIN = -2147483648;
/** Values below this truncate into int32 range (2³¹ − 1 + a fraction). */
const INT32_LIMIT = 2147483648;

/**
 * JavaScript numbers (or float data) as int32, refusing what int32 cannot hold: NaN, ±Infinity
 * and values outside [−2³¹, 2³¹ − 1] throw a RANGE error naming `op`, `arg`, the index and the
 * value (at its position in `shape`, when given; an Int32Array would silently store NaN as 0 and wrap 3e9 to −1294967296). Fractional
 * values truncate toward zero, as {@link cast} and `Int32Array` do.
 */
export function toInt32(
  op: string,
  arg: string,
  values: ArrayLike<number>,
  shape?: readonly number[],
): Int32Array {
  if (values instanceof Int32Array) return values.slice();
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    // one comparison pair per element; it is false for NaN as well as out-of-range values
    if (!(v > INT32_MIN - 1 && v < INT32_LIMIT))
      throw int32Error(op, `${arg}${indexOf(i, shape)}`, v);
    out[i] = v;
  }
  return out;
}

/** `[i,j,…]`: flat index `i` in `shape` (or `[i]` without one). */
function indexOf(flat: number, shape: readonly number[] | undefined): string {
  if (!shape || shape.length < 2) return `[${flat}]`;
  const index: number[] = [];
  let rest = flat;
  for (let d = shape.length - 1; d >= 0; d--) {
    index.unshift(rest % shape[d]!);
    rest = Math.floor(rest / shape[d]!);
  }
  return `[${index.join(',')}]`;
}

/** Checks one number for int32 (see {@link toInt32}); `what` names it in the message. */
export function checkInt32Value(op: string, what: string, value: number): void {
  if (!(value > INT32_MIN - 1 && value < INT32_LIMIT)) throw int32Error(op, what, value);
}

function int32Error(op: string, what: string, value: number): RecurError {
  return new RecurError(
    'RANGE',
    `${op}: ${what} is ${value}, which int32 cannot hold (expected a finite number in [${INT32_MIN}, ${INT32_LIMIT - 1}]; fractions truncate toward zero)`,
  );
}
