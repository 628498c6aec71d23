import type { DType, TypedArray } from '../backend.js';
import { checkDTypeName, checkInt32Value, toInt32 } from '../dtype.js';
import { engine } from '../engine.js';
import { formatShape, RecurError } from '../errors.js';
import { checkOptions } from '../options.js';
import { isRng, Rng } from '../rng.js';
import { checkShape, type Shape, sizeOf } from '../shape.js';
import type { NestedArray, Tensor } from '../tensor.js';
import { wrap } from './check.js';

function flatten(values: NestedArray, shape: number[], depth: number, out: number[]): void {
  if (typeof values === 'number') {
    if (depth === 0) shape.length = 0;
    out.push(values);
    return;
  }
  if (!Array.isArray(values)) {
    throw new RecurError(
      'ARGUMENT',
      `tensor: values must be numbers or nested arrays, got ${typeof values}`,
    );
  }
  if (shape.length <= depth) shape.push(values.length);
  else if (shape[depth] !== values.length) {
    throw new RecurError(
      'SHAPE',
      `tensor: nested arrays are ragged; dimension ${depth} has length ${shape[depth]} in one place and ${values.length} in another`,
    );
  }
  for (const v of values) {
    if (typeof v === 'number' && depth + 1 < shape.length) {
      throw new RecurError('SHAPE', `tensor: nested arrays are ragged at depth ${depth + 1}`);
    }
    flatten(v, shape, depth + 1, out);
  }
}

/**
 * Makes a tensor on the active backend from a number, nested arrays, or a flat array or typed
 * array with a `shape`. `dtype` (`'float32'` or `'int32'`) defaults to the typed array's
 * (Int32Array → int32) or float32. For int32, fractional values truncate toward zero (as
 * {@link cast} does); NaN, ±Infinity and values outside the int32 range throw a RANGE error
 * naming their index.
 */
export function tensor(
  values: NestedArray | ArrayLike<number>,
  shape?: Shape,
  dtype?: DType,
): Tensor {
  const kind: DType =
    dtype === undefined
      ? values instanceof Int32Array
        ? 'int32'
        : 'float32'
      : checkDTypeName('tensor', 'dtype', dtype);
  let flat: ArrayLike<number>;
  let inferred: number[];
  if (typeof values === 'number' || (Array.isArray(values) && shape === undefined)) {
    const out: number[] = [];
    inferred = [];
    flatten(values as NestedArray, inferred, 0, out);
    if (typeof values === 'number') inferred = [];
    flat = out;
  } else {
    flat = values as ArrayLike<number>;
    inferred = [flat.length];
  }
  const finalShape = shape ? [...shape] : inferred;
  checkShape('tensor', 'shape', finalShape);
  if (sizeOf(finalShape) !== flat.length) {
    throw new RecurError(
      'SHAPE',
      `tensor: shape ${formatShape(finalShape)} holds ${sizeOf(finalShape)} values but ${flat.length} were given`,
    );
  }
  const typed: TypedArray =
    kind === 'int32' ? toInt32('tensor', 'values', flat, finalShape) : Float32Array.from(flat);
  const backend = engine.backend;
  return wrap(backend, backend.write(typed, finalShape, kind), finalShape, kind);
}

/** A tensor of `shape` with every element `value` (for int32, a value int32 can hold). */
export function full(shape: Shape, value: number, dtype: DType = 'float32'): Tensor {
  return filled('full', shape, value, dtype);
}

export function zeros(shape: Shape, dtype: DType = 'float32'): Tensor {
  return filled('zeros', shape, 0, dtype);
}

export function ones(shape: Shape, dtype: DType = 'float32'): Tensor {
  return filled('ones', shape, 1, dtype);
}

function filled(op: string, shape: Shape, value: number, dtype: DType): Tensor {
  checkDTypeName(op, 'dtype', dtype);
  checkShape(op, 'shape', shape);
  if (typeof value !== 'number')
    throw new RecurError('ARGUMENT', `${op}: value must be a number, got ${typeof value}`);
  if (dtype === 'int32') checkInt32Value(op, 'value', value);
  const backend = engine.backend;
  return wrap(backend, backend.fill(shape, value, dtype), shape, dtype);
}

export function zerosLike(x: Tensor): Tensor {
  return wrap(x.backend, x.backend.fill(x.shape, 0, x.dtype), x.shape, x.dtype);
}

export function onesLike(x: Tensor): Tensor {
  return wrap(x.backend, x.backend.fill(x.shape, 1, x.dtype), x.shape, x.dtype);
}

/**
 * Where random values come from: a seed (a fresh generator) or a shared {@link Rng}. One of
 * them is required — there is no hidden global generator — so every run is reproducible;
 * without either, the random creation ops throw an ARGUMENT error saying so.
 */
export interface RandomOptions {
  seed?: number;
  rng?: Rng;
}

function rngFrom(op: string, options: RandomOptions, known: readonly string[]): Rng {
  checkOptions(op, options, known);
  const { rng, seed } = options;
  if (rng !== undefined) {
    if (!isRng(rng))
      throw new RecurError('ARGUMENT', `${op}: rng must be an Rng, got ${typeof rng}`);
    return rng;
  }
  if (seed === undefined) {
    throw new RecurError(
      'ARGUMENT',
      `${op}: give a seed or an rng, so the run is reproducible (e.g. { seed: 42 })`,
    );
  }
  if (!Number.isFinite(seed))
    throw new RecurError('ARGUMENT', `${op}: seed must be a finite number, got ${seed}`);
  return new Rng(seed);
}

function checkFinite(op: string, values: Record<string, number>): void {
  for (const [name, v] of Object.entries(values)) {
    if (!Number.isFinite(v))
      throw new RecurError('RANGE', `${op}: ${name} must be a finite number, got ${v}`);
  }
}

/**
 * Normal draws N(mean, std²), reproducible from `seed` or `rng` (one is required; see
 * {@link RandomOptions}).
 */
export function randomNormal(
  shape: Shape,
  options: RandomOptions & { mean?: number; std?: number } = {},
): Tensor {
  checkShape('randomNormal', 'shape', shape);
  const rng = rngFrom('randomNormal', options, ['seed', 'rng', 'mean', 'std']);
  const { mean = 0, std = 1 } = options;
  checkFinite('randomNormal', { mean, std });
  if (std < 0) throw new RecurError('RANGE', `randomNormal: std must be ≥ 0, got ${std}`);
  const values = new Float32Array(sizeOf(shape));
  for (let i = 0; i < values.length; i++) values[i] = rng.normal(mean, std);
  return tensor(values, shape);
}

/**
 * Uniform draws in [low, high), reproducible from `seed` or `rng` (one is required; see
 * {@link RandomOptions}).
 */
export function randomUniform(
  shape: Shape,
  options: RandomOptions & { low?: number; high?: number } = {},
): Tensor {
  checkShape('randomUniform', 'shape', shape);
  const rng = rngFrom('randomUniform', options, ['seed', 'rng', 'low', 'high']);
  const { low = 0, high = 1 } = options;
  checkFinite('randomUniform', { low, high });
  if (!(high > low)) {
    throw new RecurError(
      'RANGE',
      `randomUniform: high (${high}) must be greater than low (${low})`,
    );
  }
  const values = new Float32Array(sizeOf(shape));
  for (let i = 0; i < values.length; i++) values[i] = rng.uniform(low, high);
  return tensor(values, shape);
}

/** `[start, start+step, …)` below `stop`. */
export function range(start: number, stop: number, step = 1, dtype: DType = 'float32'): Tensor {
  checkDTypeName('range', 'dtype', dtype);
  checkFinite('range', { start, stop, step });
  if (step === 0) throw new RecurError('ARGUMENT', 'range: step must not be 0');
  const n = Math.max(0, Math.ceil((stop - start) / step));
  checkShape('range', 'length', [n]);
  if (dtype === 'int32' && n > 0) {
    checkInt32Value('range', 'start', start);
    checkInt32Value('range', 'the last value', start + (n - 1) * step);
  }
  const values = dtype === 'int32' ? new Int32Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) values[i] = start + i * step;
  return tensor(values, [n], dtype);
}

/** The `n × n` identity matrix (times `gain`). */
export function eye(n: number, gain = 1): Tensor {
  if (!Number.isInteger(n) || n < 0)
    throw new RecurError('ARGUMENT', `eye: n must be a non-negative integer, got ${n}`);
  checkShape('eye', 'shape', [n, n]);
  const values = new Float32Array(n * n);
  for (let i = 0; i < n; i++) values[i * n + i] = gain;
  return tensor(values, [n, n]);
}
