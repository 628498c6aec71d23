import type { Backend, DataId, DType, TensorInfo, TypedArray } from './backend.js';
import { engine } from './engine.js';
import { formatShape, RecurError } from './errors.js';
import { checkShape, type Shape, sizeOf } from './shape.js';

/**
 * The brand every Tensor carries, keyed by `Symbol.for` so that it is the same symbol in every
 * copy of this package: {@link isTensor} recognises tensors where `instanceof` would not (a
 * module evaluated twice, a dependency bundled twice).
 */
const TENSOR_BRAND = Symbol.for('recur.tensor.Tensor');

/**
 * Whether `value` is a {@link Tensor}. Use it rather than `instanceof Tensor` wherever a value
 * crosses packages: it checks the `Symbol.for('recur.tensor.Tensor')` brand, not the class
 * identity.
 */
export function isTensor(value: unknown): value is Tensor {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { [TENSOR_BRAND]?: unknown })[TENSOR_BRAND] === true
  );
}

/** Nested JavaScript arrays of numbers, as `toArray()` returns and `tensor()` accepts. */
export type NestedArray = number | NestedArray[];

/**
 * An n-dimensional array of float32 or int32 values with a shape, stored by a backend. A tensor
 * is a value: ops return new tensors and never change their inputs. It knows nothing of
 * gradients (that is `@recur/autograd`).
 *
 * Memory is explicit: call {@link Tensor.dispose}, or create tensors inside {@link tidy}.
 */
export class Tensor implements TensorInfo {
  static {
    Object.defineProperty(Tensor.prototype, TENSOR_BRAND, { value: true });
  }

  readonly id: number;
  readonly shape: Shape;
  readonly dtype: DType;
  readonly size: number;
  readonly backend: Backend;
  readonly dataId: DataId;
  #disposed = false;

  /** Wraps storage a backend already holds. Use the creation functions (`tensor`, `zeros`…) instead. */
  constructor(dataId: DataId, shape: Shape, dtype: DType, backend: Backend) {
    this.id = engine.nextTensorId();
    this.dataId = dataId;
    this.shape = Object.freeze([...shape]);
    this.dtype = dtype;
    this.size = sizeOf(shape);
    this.backend = backend;
    engine.track(this);
  }

  get rank(): number {
    return this.shape.length;
  }

  get isDisposed(): boolean {
    return this.#disposed;
  }

  /** Throws if the tensor was disposed; `op` names who tried to use it. */
  assertAlive(op: string, arg = 'tensor'): void {
    if (this.#disposed) {
      throw new RecurError(
        'DISPOSED',
        `${op}: ${arg} (tensor #${this.id}, ${formatShape(this.shape)} ${this.dtype}) was disposed and cannot be used`,
      );
    }
  }

  /** A copy of the values in row-major order (reads back from the GPU if it lives there). */
  data(): TypedArray {
    this.assertAlive('data');
    return this.backend.read(this);
  }

  /** The values as nested arrays of the tensor's shape (a number for a scalar). */
  toArray(): NestedArray {
    const values = this.data();
    const build = (dim: number, offset: number): NestedArray => {
      if (dim === this.shape.length) return values[offset]!;
      const n = this.shape[dim]!;
      let inner = 1;
      for (let d = dim + 1; d < this.shape.length; d++) inner *= this.shape[d]!;
      const out: NestedArray[] = new Array(n);
      for (let i = 0; i < n; i++) out[i] = build(dim + 1, offset + i * inner);
      return out;
    };
    return build(0, 0);
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) {
      throw new RecurError(
        'SHAPE',
        `item: expected a tensor with one element, got ${formatShape(this.shape)}`,
      );
    }
    return this.data()[0]!;
  }

  /**
   * The same values viewed with another shape, without copying (the two tensors share storage,
   * which is freed when both are disposed). One dimension may be `-1`, inferred from the rest.
   */
  reshape(shape: readonly number[]): Tensor {
    this.assertAlive('reshape', 'x');
    const resolved = inferShape('reshape', shape, this.size, this.shape);
    return new Tensor(this.dataId, resolved, this.dtype, this.backend);
  }

  /** Frees the tensor's storage (once no reshaped view shares it). Safe to call twice. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    engine.release(this);
  }

  toString(): string {
    return `Tensor(${formatShape(this.shape)}, ${this.dtype}, ${this.backend.name})`;
  }
}

/** Resolves one `-1` in `shape` so that it holds `size` elements, or throws. */
export function inferShape(
  op: string,
  shape: readonly number[],
  size: number,
  from: Shape,
): number[] {
  const out = [...shape];
  const unknown = out.indexOf(-1);
  if (unknown !== -1 && out.indexOf(-1, unknown + 1) !== -1) {
    throw new RecurError('SHAPE', `${op}: shape ${formatShape(shape)} has more than one -1`);
  }
  if (unknown !== -1) {
    const known = out.reduce((p, d, i) => (i === unknown ? p : p * d), 1);
    if (known === 0 || size % known !== 0) {
      throw new RecurError(
        'SHAPE',
        `${op}: cannot view ${formatShape(from)} (${size} elements) as ${formatShape(shape)}`,
      );
    }
    out[unknown] = size / known;
  }
  checkShape(op, 'shape', out);
  if (sizeOf(out) !== size) {
    throw new RecurError(
      'SHAPE',
      `${op}: cannot view ${formatShape(from)} (${size} elements) as ${formatShape(shape)} (${sizeOf(out)} elements)`,
    );
  }
  return out;
}
