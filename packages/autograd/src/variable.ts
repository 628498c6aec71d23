import {
  checkOptions,
  formatShape,
  isTensor,
  keep,
  RecurError,
  type Shape,
  shapesEqual,
  TENSORS,
  type Tensor,
} from '@recur/tensor';
import { type BackwardOptions, backward } from './backward.js';
import type { Node } from './node.js';

let nextVariableId = 0;

/**
 * The brand every Variable carries, keyed by `Symbol.for` so that it is the same symbol in every
 * copy of this package: {@link isVariable} recognises variables where `instanceof` would not (two
 * copies of `@recur/autograd` installed beside one `@recur/tensor`, a module evaluated twice).
 */
const VARIABLE_BRAND = Symbol.for('recur.autograd.Variable');

/**
 * Whether `value` is a {@link Variable}. Use it rather than `instanceof Variable` wherever a value
 * crosses packages: it checks the `Symbol.for('recur.autograd.Variable')` brand, not the class
 * identity.
 */
export function isVariable(value: unknown): value is Variable {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { [VARIABLE_BRAND]?: unknown })[VARIABLE_BRAND] === true
  );
}

/** Options of the {@link Variable} constructor. */
export interface VariableOptions {
  /** Whether gradients flow to this variable (default false). */
  requiresGrad?: boolean;
  /** For messages and diagnostics, e.g. `W_xh`. */
  name?: string;
  /**
   * Keep the value (and later its gradient) out of every `tidy` scope, as {@link parameter}
   * does. Default false.
   */
  persistent?: boolean;
}

/**
 * A tensor tracked for reverse-mode differentiation: a value, the op that produced it (its
 * {@link Variable.creator}; null for a leaf) and, for leaves with `requiresGrad`, the gradient
 * that {@link backward} accumulates into {@link Variable.grad}.
 *
 * A Variable owns its `value`: intermediate values are freed with the `tidy` scope they were
 * made in (or by {@link Variable.dispose}); a {@link parameter}'s value and grad survive.
 */
export class Variable {
  static {
    Object.defineProperty(Variable.prototype, VARIABLE_BRAND, { value: true });
  }

  /** A process-wide counter, for messages. */
  readonly id: number;
  /** The tensor this variable holds. Replace it with {@link Variable.assign}. */
  value: Tensor;
  /**
   * The gradient accumulated by backward passes (leaves, and variables that called
   * {@link Variable.retainGrad}); null until a backward pass reaches this variable. Kept out of
   * `tidy` scopes: free it with {@link Variable.zeroGrad} or {@link Variable.dispose}.
   */
  grad: Tensor | null = null;
  /** Whether gradients flow to this variable. */
  requiresGrad: boolean;
  name?: string;
  /** The op that produced this variable; null for a leaf. */
  readonly creator: Node | null;
  /** Output index of this variable among its creator's outputs. */
  readonly outputIndex: number;
  #persistent: boolean;
  #retainsGrad = false;

  constructor(
    value: Tensor,
    options: VariableOptions = {},
    creator: Node | null = null,
    outputIndex = 0,
  ) {
    if (!isTensor(value)) {
      const what = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
      throw new RecurError('ARGUMENT', `Variable: value must be a Tensor, got ${what}`);
    }
    value.assertAlive('Variable', 'value');
    checkOptions('Variable', options, ['requiresGrad', 'name', 'persistent']);
    this.id = nextVariableId++;
    this.value = value;
    this.requiresGrad = options.requiresGrad ?? false;
    if (options.name !== undefined) this.name = options.name;
    this.creator = creator;
    this.outputIndex = outputIndex;
    this.#persistent = options.persistent ?? false;
    if (this.requiresGrad && value.dtype !== 'float32') {
      throw new RecurError(
        'DTYPE',
        `Variable: only float32 values can require gradients; ${this.label} is ${value.dtype}`,
      );
    }
    if (this.#persistent) keep(value);
  }

  get shape(): Shape {
    return this.value.shape;
  }

  get dtype(): Tensor['dtype'] {
    return this.value.dtype;
  }

  get rank(): number {
    return this.value.rank;
  }

  get size(): number {
    return this.value.size;
  }

  /** True when no op produced this variable (parameters, constants, detached values). */
  get isLeaf(): boolean {
    return this.creator === null;
  }

  /** Whether the value and grad are kept out of `tidy` scopes (true for parameters). */
  get persistent(): boolean {
    return this.#persistent;
  }

  /** Whether backward stores this variable's gradient in `.grad` although it is not a leaf. */
  get retainsGrad(): boolean {
    return this.#retainsGrad || (this.isLeaf && this.requiresGrad);
  }

  /** For messages: the name, or `#id`, with the shape. */
  get label(): string {
    return `${this.name ?? `variable #${this.id}`} ${formatShape(this.value.shape)}`;
  }

  /**
   * Asks backward to store this intermediate variable's gradient in `.grad` (kept out of tidy
   * scopes, like a leaf's), e.g. to read ‖∂L/∂a⟨t⟩‖ for every step in one pass. Returns this.
   */
  retainGrad(): this {
    this.#retainsGrad = true;
    return this;
  }

  /** The single value of a one-element variable. */
  item(): number {
    return this.value.item();
  }

  /** Runs {@link backward} from this variable (a scalar, or give `seed`). */
  backward(seed?: Tensor, options?: BackwardOptions): void {
    backward(this, seed, options);
  }

  /** Drops the accumulated gradient (disposing it). */
  zeroGrad(): void {
    this.grad?.dispose();
    this.grad = null;
  }

  /**
   * A leaf variable with the same value (a view: no copy) that does not require gradients: cuts
   * the graph here. Carry `a.detach()` from one chunk to the next for truncated BPTT.
   */
  detach(): Variable {
    this.value.assertAlive('detach', this.label);
    const options: VariableOptions = {};
    if (this.name !== undefined) options.name = this.name;
    return new Variable(this.value.reshape(this.value.shape), options);
  }

  /**
   * Replaces the value (same shape and dtype), disposing the old one; a parameter keeps the new
   * value out of tidy scopes. How optimizers update a parameter in place:
   * `p.assign(sub(p.value, mul(p.grad, lr)))`.
   */
  assign(newValue: Tensor): void {
    newValue.assertAlive('assign', 'newValue');
    if (!shapesEqual(newValue.shape, this.value.shape) || newValue.dtype !== this.value.dtype) {
      throw new RecurError(
        'SHAPE',
        `assign: ${this.label} is ${this.value.dtype}; newValue is ${formatShape(newValue.shape)} ${newValue.dtype}`,
      );
    }
    if (newValue === this.value) return;
    this.value.dispose();
    this.value = this.#persistent ? keep(newValue) : newValue;
  }

  /**
   * The tensors this variable owns (value and gradient), so `tidy` keeps a returned Variable
   * alive and `dispose(value)` frees one found in any container.
   */
  [TENSORS](): (Tensor | null)[] {
    return [this.value, this.grad];
  }

  /** Frees the value and the gradient. */
  dispose(): void {
    this.value.dispose();
    this.zeroGrad();
  }

  /** @internal Adds `g` to `.grad` (taking ownership of `g`); kept out of tidy scopes. */
  accumulateGrad(g: Tensor, add: (a: Tensor, b: Tensor) => Tensor): void {
    if (this.grad === null || this.grad.isDisposed) {
      this.grad = keep(g);
      return;
    }
    const sum = keep(add(this.grad, g));
    this.grad.dispose();
    g.dispose();
    this.grad = sum;
  }

  toString(): string {
    return `Variable(${this.label}, ${this.value.dtype}${this.requiresGrad ? ', requiresGrad' : ''})`;
  }
}

/**
 * A trainable leaf: `requiresGrad` is true, and its value and gradient are kept out of `tidy`
 * scopes so they survive a training step run inside `tidy`. Takes ownership of `value`.
 */
export function parameter(value: Tensor, name?: string): Variable {
  const options: VariableOptions = { requiresGrad: true, persistent: true };
  if (name !== undefined) options.name = name;
  return new Variable(value, options);
}

/** A leaf that receives no gradient (inputs, targets, masks). Takes ownership of `value`. */
export function constant(value: Tensor, name?: string): Variable {
  const options: VariableOptions = {};
  if (name !== undefined) options.name = name;
  return new Variable(value, options);
}

/** What differentiable ops accept: a Variable, a Tensor (a constant) or a number (a scalar). */
export type Operand = Variable | Tensor | number;

/** The variable behind an operand, or null for tensors and numbers (they get no gradient). */
export function variableOf(x: Operand): Variable | null {
  return isVariable(x) ? x : null;
}
