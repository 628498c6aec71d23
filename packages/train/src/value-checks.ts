import { isTensor, RecurError, type Tensor } from '@recur/tensor';

/**
 * The checks every saved value goes through on its way back in — from a checkpoint file or a
 * `loadStateDict` call — and the constructors use too, so a value is accepted on load exactly
 * when it would be accepted as an option. Each throws `RecurError` whose message starts with
 * `op` and names the value.
 */

/**
 * The largest finite float32. Hyper-parameters scale float32 tensors: a larger one (1e300, or
 * Infinity) can only produce ±Infinity, so it is refused like a negative one.
 */
export const FLOAT32_MAX = 3.4028234663852886e38;

/** A number in [min, max] (max defaults to {@link FLOAT32_MAX}); NaN and ±Infinity never pass. */
export function checkNumber(
  op: string,
  name: string,
  value: unknown,
  min: number,
  max = FLOAT32_MAX,
): number {
  if (typeof value !== 'number' || !(value >= min && value <= max)) {
    const range = max === FLOAT32_MAX ? `≥ ${min} and finite in float32` : `in [${min}, ${max}]`;
    throw new RecurError('RANGE', `${op}: ${name} must be a number ${range}, got ${show(value)}`);
  }
  return value;
}

/** A count: a non-negative safe integer (steps, epochs, positions). */
export function checkCount(op: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new RecurError(
      'RANGE',
      `${op}: ${name} must be a non-negative safe integer, got ${show(value)}`,
    );
  }
  return value;
}

/** A finite number (a sum of losses, say). */
export function checkFinite(op: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new RecurError('RANGE', `${op}: ${name} must be a finite number, got ${show(value)}`);
  return value;
}

/** A boolean flag. */
export function checkFlag(op: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean')
    throw new RecurError('ARGUMENT', `${op}: ${name} must be true or false, got ${show(value)}`);
  return value;
}

/** Whether `value` is a plain object (a JSON object, or `Object.create(null)`), not an array. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** A plain object whose keys are all names (never `__proto__`); returns its own entries. */
export function checkRecord(op: string, name: string, value: unknown): [string, unknown][] {
  if (!isPlainObject(value)) {
    throw new RecurError('ARGUMENT', `${op}: ${name} must be an object, got ${describe(value)}`);
  }
  const entries = Object.entries(value);
  for (const [key] of entries) {
    if (key === '__proto__')
      throw new RecurError('ARGUMENT', `${op}: ${name} has the reserved key "__proto__"`);
  }
  return entries;
}

/** A plain object with no keys besides `known` (missing ones are the caller's to check). */
export function checkKeys(op: string, name: string, value: unknown, known: readonly string[]) {
  for (const [key] of checkRecord(op, name, value)) {
    if (!known.includes(key)) {
      throw new RecurError(
        'ARGUMENT',
        `${op}: ${name} has an unknown key ${JSON.stringify(key)} (expected ${known.join(', ')})`,
      );
    }
  }
  return value as Record<string, unknown>;
}

/** A tensor (of any dtype). */
export function checkTensor(op: string, name: string, value: unknown): Tensor {
  if (!isTensor(value))
    throw new RecurError('ARGUMENT', `${op}: ${name} must be a Tensor, got ${describe(value)}`);
  return value;
}

/** A float32 tensor. */
export function checkFloatTensor(op: string, name: string, value: unknown): Tensor {
  checkTensor(op, name, value);
  if ((value as Tensor).dtype !== 'float32')
    throw new RecurError('DTYPE', `${op}: ${name} must be float32, got ${(value as Tensor).dtype}`);
  return value as Tensor;
}

/** Runs `check`, prefixing the name of the field it checks to any `RecurError` it throws. */
export function inField<T>(field: string, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof RecurError) throw new RecurError(error.code, `${field}: ${error.message}`);
    throw error;
  }
}

function show(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object')
    return `a ${Object.getPrototypeOf(value)?.constructor?.name ?? 'object'}`;
  return `${typeof value} ${show(value)}`;
}
