import type { Variable } from '@recur/autograd';
import { gradientNorms } from '@recur/clipping';
import { keep, RecurError, type Tensor, tidy } from '@recur/tensor';
import { type NamedParameter, nameParameters, type ParameterSet } from '../parameters.js';
import { checkNumber } from '../value-checks.js';
import { checkOptimizerState } from './optimizer-state.js';

/** Hyper-parameters: plain numbers and flags, saved in checkpoints as JSON. */
export type HyperParams = Record<string, number | boolean>;

/**
 * An optimizer's whole state, as {@link Optimizer.stateDict} returns it and
 * {@link Optimizer.loadStateDict} takes it: JSON-able numbers plus tensors (the checkpoint
 * writes those as raw float32 blobs).
 */
export interface OptimizerState {
  /** The optimizer's class name, e.g. `'Adam'`; loading into another kind throws. */
  type: string;
  /** Learning rate and the other hyper-parameters. */
  hyperParams: HyperParams;
  /** Updates applied so far (calls to `step()`). */
  step: number;
  /** Per parameter: how many updates it received (bias corrections use it). */
  paramSteps: Record<string, number>;
  /** Per parameter: its state tensors by slot name (e.g. `exp_avg`). */
  slots: Record<string, Record<string, Tensor>>;
}

/** What one parameter's update sees. */
export interface UpdateInput {
  /** The parameter's current value. */
  value: Tensor;
  /** Its gradient. */
  grad: Tensor;
  /** Its state tensors from the previous update (empty before the first). */
  slots: Readonly<Record<string, Tensor>>;
  /** 1 for the parameter's first update, then 2, 3, … */
  step: number;
  /** The learning rate in force for this update. */
  lr: number;
}

/** What one parameter's update returns: the new value and the new state tensors. */
export interface UpdateOutput {
  value: Tensor;
  slots: Record<string, Tensor>;
}

/** One parameter's computed but not yet applied update. */
interface PendingUpdate {
  name: string;
  variable: Variable;
  previous: Readonly<Record<string, Tensor>>;
  step: number;
  out: UpdateOutput;
}

/**
 * The base of every optimizer: named parameters, a learning rate, per-parameter state tensors,
 * `step()` / `zeroGrad()` and a serializable state. A subclass writes one pure `update()` —
 * tensors in, tensors out — which runs inside `tidy`; the base keeps the results and frees the
 * previous value and state, so live tensor counts stay flat across steps.
 *
 * Parameters whose `grad` is null are skipped (no update, no state change), as in PyTorch.
 */
export abstract class Optimizer {
  /** The learning rate used by the next `step()`; schedules change it. */
  lr: number;
  /** The parameters, by name, in the order given. */
  readonly parameters: readonly NamedParameter[];
  #step = 0;
  readonly #slots = new Map<string, Record<string, Tensor>>();
  readonly #paramSteps = new Map<string, number>();

  /** The optimizer's kind, e.g. `'Adam'`; a state dict only loads into the same kind. */
  readonly type: string;

  protected constructor(type: string, params: ParameterSet, lr: number) {
    this.type = type;
    this.parameters = nameParameters(type, params);
    this.lr = checkNumber(type, 'lr', lr, 0);
  }

  /** Hyper-parameters other than `lr` (saved in the state dict). */
  protected abstract hyperParams(): HyperParams;

  /**
   * Validates hyper-parameters other than `lr` as {@link hyperParams} gives them — every one
   * present, no others, each as the constructor checks its option — and returns them. The
   * constructor and {@link loadStateDict} both go through it (subclasses delegate to a static
   * `checkHyperParams`, which checkpoint loading uses too).
   */
  protected abstract checkHyperParams(
    op: string,
    hyper: Readonly<Record<string, unknown>>,
  ): HyperParams;

  /** Sets hyper-parameters other than `lr` that {@link checkHyperParams} returned. */
  protected abstract setHyperParams(hyper: HyperParams): void;

  /** One parameter's update: pure tensor math; temporaries are freed by the caller's `tidy`. */
  protected abstract update(input: UpdateInput): UpdateOutput;

  /** Validates a hyper-parameter (for subclasses' constructors). */
  protected static check(
    op: string,
    name: string,
    value: unknown,
    min: number,
    max?: number,
  ): number {
    return checkNumber(op, name, value, min, max);
  }

  /** Updates taken so far. */
  get stepCount(): number {
    return this.#step;
  }

  /** Applies one update to every parameter that has a gradient. */
  step(): void {
    this.#apply(this.#compute());
  }

  /**
   * Like {@link step}, but looks at the new values first: when any would hold NaN or ±Infinity,
   * nothing is applied — the weights, the state tensors and the step counts stay as they were —
   * and the names of those parameters are returned. Otherwise the update is applied and the
   * result is empty. Costs one read-back (a max-abs reduction) per parameter.
   */
  stepIfFinite(): string[] {
    const pending = this.#compute();
    const holders: Record<string, { grad: Tensor }> = {};
    for (const p of pending) holders[p.name] = { grad: p.out.value };
    const bad = gradientNorms(holders, { normType: Number.POSITIVE_INFINITY })
      .parameters.filter((p) => !Number.isFinite(p.norm))
      .map((p) => p.name);
    if (bad.length > 0) {
      this.#discard(pending);
      return bad;
    }
    this.#apply(pending);
    return [];
  }

  /** Every parameter's next value and state, kept, nothing applied; all freed on a throw. */
  #compute(): PendingUpdate[] {
    const pending: PendingUpdate[] = [];
    try {
      for (const { name, variable } of this.parameters) {
        const grad = variable.grad;
        if (grad === null) continue;
        const previous = this.#slots.get(name) ?? {};
        const step = (this.#paramSteps.get(name) ?? 0) + 1;
        const lr = this.lr;
        const out = tidy(() =>
          this.update({ value: variable.value, grad, slots: previous, step, lr }),
        );
        keep(out.value);
        for (const t of Object.values(out.slots)) keep(t);
        pending.push({ name, variable, previous, step, out });
      }
    } catch (error) {
      this.#discard(pending);
      throw error;
    }
    return pending;
  }

  #apply(pending: PendingUpdate[]): void {
    this.#step++;
    for (const { name, variable, previous, step, out } of pending) {
      variable.assign(out.value);
      for (const [slot, t] of Object.entries(previous)) if (out.slots[slot] !== t) t.dispose();
      this.#slots.set(name, out.slots);
      this.#paramSteps.set(name, step);
    }
  }

  /** Frees computed values and state tensors that are not the current ones. */
  #discard(pending: PendingUpdate[]): void {
    for (const { variable, previous, out } of pending) {
      if (out.value !== variable.value) out.value.dispose();
      const current = new Set(Object.values(previous));
      for (const t of Object.values(out.slots)) if (!current.has(t)) t.dispose();
    }
  }

  /** Drops every parameter's gradient (disposing it). */
  zeroGrad(): void {
    for (const { variable } of this.parameters) variable.zeroGrad();
  }

  /**
   * The optimizer's state. The tensors are the optimizer's own (not copies): serialize them
   * before the next `step()` and do not dispose them.
   */
  stateDict(): OptimizerState {
    const slots: Record<string, Record<string, Tensor>> = {};
    for (const [name, s] of this.#slots) slots[name] = { ...s };
    return {
      type: this.type,
      hyperParams: { lr: this.lr, ...this.hyperParams() },
      step: this.#step,
      paramSteps: Object.fromEntries(this.#paramSteps),
      slots,
    };
  }

  /**
   * Restores a state saved by {@link stateDict} (from this run or a checkpoint). The tensors are
   * taken as views, so the caller may dispose its own copies afterwards. Everything is checked
   * before anything changes: another optimizer type, an unknown parameter, a slot that is not a
   * float32 tensor of its parameter's shape, a step count that is not a non-negative safe
   * integer (or a parameter's above the optimizer's), or a hyper-parameter the constructor
   * would refuse throws `RecurError` and leaves the optimizer as it was.
   */
  loadStateDict(state: OptimizerState): void {
    const op = `${this.type}.loadStateDict`;
    checkOptimizerState(op, state, new Map(this.parameters.map((p) => [p.name, p.variable.shape])));
    if (state.type !== this.type) {
      throw new RecurError('ARGUMENT', `${op}: the state is for ${state.type}, not ${this.type}`);
    }
    const { lr, ...rest } = state.hyperParams;
    const checkedLr = checkNumber(op, 'hyperParams.lr', lr, 0);
    const hyper = this.checkHyperParams(`${op}: hyperParams`, rest);
    this.lr = checkedLr;
    this.setHyperParams(hyper);
    this.#disposeSlots();
    this.#step = state.step;
    this.#paramSteps.clear();
    for (const [name, n] of Object.entries(state.paramSteps)) this.#paramSteps.set(name, n);
    for (const [name, slots] of Object.entries(state.slots)) {
      const own: Record<string, Tensor> = {};
      for (const [slot, t] of Object.entries(slots)) own[slot] = keep(t.reshape(t.shape));
      this.#slots.set(name, own);
    }
  }

  /** Frees the optimizer's state tensors (not the parameters). */
  dispose(): void {
    this.#disposeSlots();
  }

  #disposeSlots(): void {
    for (const slots of this.#slots.values()) for (const t of Object.values(slots)) t.dispose();
    this.#slots.clear();
  }
}
