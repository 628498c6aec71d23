import { engine, type MemoryInfo } from './engine.js';
import { isTensor, type Tensor } from './tensor.js';

/** Any value that may hold tensors: a tensor, arrays and plain objects of them. */
export type TensorContainer =
  | Tensor
  | readonly TensorContainer[]
  | { readonly [key: string]: unknown }
  | unknown;

/**
 * The protocol by which an object that holds tensors (e.g. an autograd `Variable`) exposes
 * them to {@link tidy}, {@link dispose} and {@link tensorsIn}: a method under this symbol
 * returning the tensors it owns.
 */
export const TENSORS: unique symbol = Symbol.for('recur.tensors') as never;

/** An object that exposes the tensors it owns through the {@link TENSORS} protocol. */
export interface HoldsTensors {
  [TENSORS](): Iterable<Tensor | null | undefined>;
}

function holdsTensors(value: object): value is HoldsTensors {
  return typeof (value as Partial<HoldsTensors>)[TENSORS] === 'function';
}

function collect(value: unknown, into: Set<Tensor>, seen: Set<unknown>): void {
  if (isTensor(value)) {
    into.add(value);
    return;
  }
  if (value === null || typeof value !== 'object' || seen.has(value)) return;
  seen.add(value);
  if (holdsTensors(value)) {
    for (const item of value[TENSORS]()) if (item) collect(item, into, seen);
    return;
  }
  if (Array.isArray(value)) {
    for (const item of value) collect(item, into, seen);
    return;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null || value instanceof Map) {
    const values = value instanceof Map ? [...value.values()] : Object.values(value);
    for (const item of values) collect(item, into, seen);
  }
}

/**
 * Every tensor found in `value`: arrays, plain objects and Maps are searched, and objects that
 * implement the {@link TENSORS} protocol give their own.
 */
export function tensorsIn(value: unknown): Set<Tensor> {
  const out = new Set<Tensor>();
  collect(value, out, new Set());
  return out;
}

/**
 * Runs `fn` and disposes every tensor it created, except those it returns (found in arrays,
 * plain objects and Maps) and those passed to {@link keep}. Scopes nest.
 */
export function tidy<T>(fn: () => T): T {
  engine.startScope();
  let result: T;
  try {
    result = fn();
  } catch (error) {
    engine.endScope(new Set());
    throw error;
  }
  if (result instanceof Promise) {
    engine.endScope(new Set());
    throw new TypeError('tidy: fn returned a Promise; tidy works with synchronous functions only');
  }
  engine.endScope(tensorsIn(result));
  return result;
}

/** Exempts `tensor` from the enclosing `tidy` scopes; returns it. */
export function keep<T extends Tensor>(tensor: T): T {
  engine.keep(tensor);
  return tensor;
}

/** Disposes every tensor found in `value`. */
export function dispose(value: unknown): void {
  for (const tensor of tensorsIn(value)) tensor.dispose();
}

/** Live tensors, storage buffers and bytes, per backend. Tests assert these stay flat. */
export function memory(): MemoryInfo {
  return engine.memory();
}
