import type { Variable } from '@recur/autograd';
import {
  checkOptions,
  checkShape,
  formatShape,
  RecurError,
  type Rng,
  type Tensor,
  tidy,
} from '@recur/tensor';
import { type InitOptions, rngFrom } from '../initializers.js';
import { takeWeights } from './weights.js';

/** The state of an RNN, IRNN or GRU cell: the hidden state `a⟨t⟩`, `[B, H]`. */
export interface HiddenState {
  a: Variable;
}

/** The state of an LSTM cell: hidden state `a⟨t⟩` and cell state `c⟨t⟩`, each `[B, H]`. */
export interface LstmState {
  a: Variable;
  c: Variable;
}

/** The names of state fields: the hidden state `a` and the LSTM's cell state `c`. */
export type StateName = 'a' | 'c';

/** Any cell's state. */
export type CellState = HiddenState | LstmState;

export type { CellKind } from '../registry.js';

/** A step together with the gate activations that produced it (introspection). */
export interface StepTrace<S extends CellState> {
  state: S;
  /**
   * The gate activations, concatenated in the fused layout (`[Γu, Γf, c̃, Γo]` for the LSTM,
   * `[u, r, ã]` for the GRU), `[B, g·H]`; null for cells without gates.
   */
  gates: Variable | null;
}

/** What {@link sequence} returns (and a cell's fused path, {@link RecurrentCell.fusedSequence}). */
export interface SequenceResult<S extends CellState> {
  /** Every step's hidden state `a⟨1⟩ … a⟨T⟩`, `[B, T, H]`. */
  outputs: Variable;
  /** The state after the last step processed (t = T, or t = 1 with `reverse`). */
  state: S;
  /** With `introspect`, for the LSTM: every cell state `c⟨t⟩`, `[B, T, H]` (differentiable). */
  cellStates?: Variable;
  /**
   * With `introspect`, for gated cells: the gate activations of every step, `[B, T, g·H]`
   * (`[Γu, Γf, c̃, Γo]` or `[u, r, ã]`; zeros at padded steps). Detached: no gradient.
   */
  gates?: Variable;
}

/** What {@link sequence} hands a cell's fused path, checked: the initial state, mask and flags. */
export interface FusedSequenceCall<S extends CellState> {
  initial: S;
  mask: Tensor | undefined;
  reverse: boolean;
  introspect: boolean;
}

/**
 * What every recurrent cell provides: its parameters (named as in the article) and one step
 * `step(x⟨t⟩, state⟨t−1⟩) → state⟨t⟩`. The time loop, masks and dropout live in
 * {@link sequence} and {@link RecurrentLayer}.
 */
export interface RecurrentCell<S extends CellState = CellState> {
  /**
   * Which recurrence it computes: its name in the cell registry (`registry.ts`, a `CellKind`
   * for the registered cells), where each kind is registered once.
   */
  readonly kind: string;
  /** Features per step, I. */
  readonly inputSize: number;
  /** Hidden units, H. */
  readonly hiddenSize: number;
  /** One step of the recurrence; `x` is `[B, I]`, every state field `[B, H]`. */
  step(x: Variable | Tensor, state: S): S;
  /** {@link RecurrentCell.step} that also returns the gate activations. */
  stepWithGates(x: Variable | Tensor, state: S): StepTrace<S>;
  /** The all-zeros state for a batch of `batch` rows (no gradient). */
  zeroState(batch: number): S;
  /** The state field names, e.g. `['a']` or `['a', 'c']`. */
  readonly stateNames: readonly StateName[];
  /** The trainable parameters by their article names (e.g. `{ W_xh, W_ah, b_h }`). */
  parameters(): Record<string, Variable>;
  /** Frees the parameters' values and gradients. */
  dispose(): void;
  /**
   * The cell's fused path, if it has one: the whole sequence `x` `[B, T, I]` through its fused
   * kernel with hand-written BPTT, the same result as `step` in a loop. {@link sequence} calls it
   * (unless `fused: false`) with checked operands; cells without it run composed.
   */
  fusedSequence?(x: Variable | Tensor, call: FusedSequenceCall<S>): SequenceResult<S>;
}

/** Options every cell constructor takes. */
export interface CellOptions extends InitOptions {
  /** Features per step, I. */
  inputSize: number;
  /** Hidden units, H. */
  hiddenSize: number;
}

/** The options every cell takes; each cell adds its own (see {@link initialWeights}). */
const COMMON_OPTIONS = ['inputSize', 'hiddenSize', 'seed', 'rng', 'weights'] as const;

/** How a cell describes its weights to {@link initialWeights}. */
export interface WeightPlan<W extends { [K in keyof W]: Tensor }> {
  /** The cell's own option names, besides inputSize, hiddenSize, seed, rng and weights. */
  options: readonly string[];
  /** Checks the cell's own option values (called before anything is allocated). */
  check?: () => void;
  /** Each weight's shape for these sizes. */
  shapes: (inputSize: number, hiddenSize: number) => Record<keyof W & string, number[]>;
  /** Draws initial weights (may allocate temporaries; all are freed if it throws). */
  draw: (rng: Rng) => W;
}

/**
 * The start of every cell constructor. First every check, with nothing allocated yet: unknown
 * options (by name), the sizes, the cell's own option values, each weight's element count
 * against the tensor limit, and given weights (see {@link takeWeights}). Then it returns the
 * given weights, or draws initial ones from the options' seed or rng (required only when
 * drawing) inside `tidy`, so a draw that fails part-way leaves no tensor behind.
 */
export function initialWeights<W extends { [K in keyof W]: Tensor }>(
  cell: string,
  options: CellOptions & { weights?: unknown },
  plan: WeightPlan<W>,
): W {
  checkOptions(cell, options, [...COMMON_OPTIONS, ...plan.options]);
  for (const key of ['inputSize', 'hiddenSize'] as const) {
    const v = options[key];
    if (!Number.isInteger(v) || v < 1) {
      throw new RecurError('ARGUMENT', `${cell}: ${key} must be a positive integer, got ${v}`);
    }
  }
  plan.check?.();
  const shapes = plan.shapes(options.inputSize, options.hiddenSize);
  for (const [name, shape] of Object.entries<number[]>(shapes))
    checkShape(cell, `weight ${name}`, shape);
  if (options.weights !== undefined) return takeWeights<W>(cell, shapes, options.weights);
  const rng = rngFrom(cell, options);
  return tidy(() => plan.draw(rng));
}

/** Refuses an `init` other than `keras` or `uniform`, naming the cell. */
export function checkInit(cell: string, init: unknown): void {
  if (init !== undefined && init !== 'keras' && init !== 'uniform') {
    throw new RecurError(
      'ARGUMENT',
      `${cell}: init must be 'keras' or 'uniform', got ${typeof init === 'string' ? `'${init}'` : String(init)}`,
    );
  }
}

/** Checks `x` is `[B, I]` and each state field `[B, H]`; returns B. */
export function checkStep(
  cell: string,
  inputSize: number,
  hiddenSize: number,
  x: Variable | Tensor,
  state: Record<string, Variable | undefined>,
  names: readonly string[],
): number {
  const xs = x.shape;
  if (xs.length !== 2 || xs[1] !== inputSize) {
    throw new RecurError(
      'SHAPE',
      `${cell}.step: x must be [batch, ${inputSize}] (inputSize ${inputSize}), got ${formatShape(xs)}`,
    );
  }
  const batch = xs[0]!;
  for (const name of names) {
    const s = state?.[name];
    if (!s)
      throw new RecurError(
        'ARGUMENT',
        `${cell}.step: state.${name} is missing (the state is { ${names.join(', ')} })`,
      );
    if (s.shape.length !== 2 || s.shape[0] !== batch || s.shape[1] !== hiddenSize) {
      throw new RecurError(
        'SHAPE',
        `${cell}.step: state.${name} must be [${batch}, ${hiddenSize}] (batch of x, hiddenSize), got ${formatShape(s.shape)}`,
      );
    }
  }
  return batch;
}
