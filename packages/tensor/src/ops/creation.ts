import type { DType, TypedArray } from '../backend.js';
import { engine } from '../engine.js';
import { formatShape, RecurError } from '../errors.js';
import { Rng } from '../rng.js';
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
 * array with a `shape`. `dtype` defaults to the typed array's (Int32Array → int32) or float32.
 */
export function tensor(
  values: NestedArray | ArrayLike<number>,
  shape?: Shape,
  dtype?: DType,
): Tensor {
  const kind: DType = dtype ?? (values instanceof Int32Array ? 'int32' : 'float32');
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
  const typed: TypedArray = kind === 'int32' ? Int32Array.from(flat) : Float32Array.from(flat);
  const backend = engine.backend;
  return wrap(backend, backend.write(typed, finalShape, kind), finalShape, kind);
}

/** A tensor of `shape` with every element `value`. */
export function full(shape: Shape, value: number, dtype: DType = 'float32'): Tensor {
  checkShape('full', 'shape', shape);
  const backend = engine.backend;
  return wrap(backend, backend.fill(shape, value, dtype), shape, dtype);
}

export function zeros(shape: Shape, dtype: DType = 'float32'): Tensor {
  return full(shape, 0, dtype);
}

export function ones(shape: Shape, dtype: DType = 'float32'): Tensor {
  return full(shape, 1, dtype);
}

export function zerosLike(x: Tensor): Tensor {
  return wrap(x.backend, x.backend.fill(x.shape, 0, x.dtype), x.shape, x.dtype);
}

export function onesLike(x: Tensor): Tensor {
  return wrap(x.backend, x.backend.fill(x.shape, 1, x.dtype), x.shape, x.dtype);
}

/** Where random values come from: a seed (a fresh generator) or a shared {@link Rng}. */
export interface RandomOptions {
  seed?: number;
  rng?: Rng;
}

function rngFrom(op: string, options: RandomOptions): Rng {
  if (options.rng) return options.rng;
  if (options.seed === undefined) {
    throw new RecurError(
      'ARGUMENT',
      `${op}: give a seed or an rng, so the run is reproducible (e.g. { seed: 42 })`,
    );
  }
  return new Rng(options.seed);
}

/** Normal draws N(mean, std²), reproducible from `seed` or `rng`. */
export function randomNormal(
  shape: Shape,
  options: RandomOptions & { mean?: number; std?: number },
): Tensor {
  checkShape('randomNormal', 'shape', shape);
  const rng = rngFrom('randomNormal', options);
  const { mean = 0, std = 1 } = options;
  const values = new Float32Array(sizeOf(shape));
  for (let i = 0; i < values.length; i++) values[i] = rng.normal(mean, std);
  return tensor(values, shape);
}

/** Uniform draws in [low, high), reproducible from `seed` or `rng`. */
export function randomUniform(
  shape: Shape,
  options: RandomOptions & { low?: number; high?: number },
): Tensor {
  checkShape('randomUniform', 'shape', shape);
  const rng = rngFrom('randomUniform', options);
  const { low = 0, high = 1 } = options;
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
  if (step === 0) throw new RecurError('ARGUMENT', 'range: step must not be 0');
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const values = dtype === 'int32' ? new Int32Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) values[i] = start + i * step;
  return tensor(values, [n], dtype);
}

/** The `n × n` identity matrix (times `gain`). */
export function eye(n: number, gain = 1): Tensor {
  if (!Number.isInteger(n) || n < 0)
    throw new RecurError('ARGUMENT', `eye: n must be a non-negative integer, got ${n}`);
  const values = new Float32Array(n * n);
  for (let i = 0; i < n; i++) values[i * n + i] = gain;
  return tensor(values, [n, n]);
}
