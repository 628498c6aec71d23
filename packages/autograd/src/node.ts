import { dispose, RecurError, type Tensor, tidy } from '@recur/tensor';
import type { Variable } from './variable.js';

/**
 * A backward function: given the gradient of each output (null where no gradient reached it)
 * and which inputs need one, returns the gradient of each input (null where not needed). It may
 * build temporaries freely: the engine runs it inside `tidy` and disposes what it returns once
 * accumulated.
 */
export type BackwardFn = (
  gradOutputs: readonly (Tensor | null)[],
  needs: readonly boolean[],
) => (Tensor | null)[];

let nextNodeId = 0;

/**
 * One recorded op in the graph: its inputs, its outputs, the tensors its backward reads, and the
 * backward function itself. `release()` frees what it saved; backward through a released node
 * throws.
 */
export class Node {
  readonly id: number;
  readonly name: string;
  /** The op's operands; null where an operand was a Tensor or number (no gradient). */
  readonly inputs: readonly (Variable | null)[];
  outputs: readonly Variable[] = [];
  #saved: readonly Tensor[];
  #owned: readonly Tensor[];
  #backward: BackwardFn | null;

  constructor(
    name: string,
    inputs: readonly (Variable | null)[],
    backward: BackwardFn,
    saved: readonly Tensor[],
    owned: readonly Tensor[],
  ) {
    this.id = nextNodeId++;
    this.name = name;
    this.inputs = inputs;
    this.#backward = backward;
    this.#saved = saved;
    this.#owned = owned;
  }

  /** Whether an earlier backward pass freed this node's saved tensors. */
  get released(): boolean {
    return this.#backward === null;
  }

  /** For messages: `'tanh' (node #12)`. */
  get label(): string {
    return `'${this.name}' (node #${this.id})`;
  }

  /** A saved tensor that was disposed before backward, if any. */
  findDisposed(): Tensor | undefined {
    return this.#saved.find((t) => t.isDisposed) ?? this.#owned.find((t) => t.isDisposed);
  }

  /**
   * Whether `t` belongs to someone else than the engine: a saved tensor, or the value of an
   * input or output. A backward function returning one as a gradient gets it wrapped in a view.
   */
  holds(t: Tensor): boolean {
    return (
      this.#saved.includes(t) ||
      this.#owned.includes(t) ||
      this.inputs.some((v) => v?.value === t) ||
      this.outputs.some((v) => v.value === t)
    );
  }

  /** Runs the backward function inside `tidy`; the caller owns the returned tensors. */
  run(gradOutputs: readonly (Tensor | null)[], needs: readonly boolean[]): (Tensor | null)[] {
    const fn = this.#backward;
    if (!fn) throw freedError('backward', this);
    return tidy(() => fn(gradOutputs, needs));
  }

  /** Frees the tensors this node made for backward and drops its references. */
  release(): void {
    dispose(this.#owned);
    this.#owned = [];
    this.#saved = [];
    this.#backward = null;
  }
}

/** The error for backward through a graph an earlier backward already freed. */
export function freedError(op: string, node: Node): RecurError {
  return new RecurError(
    'DISPOSED',
    `${op}: the graph through ${node.label} was already freed by an earlier backward pass. ` +
      'Run the forward pass again, pass { retainGraph: true } to the first backward, ' +
      'or detach() values carried over from an earlier step (truncated BPTT)',
  );
}
