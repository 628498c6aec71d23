import { dispose, type Tensor } from '@recur/tensor';
import { isGradEnabled } from './grad-mode.js';
import { type BackwardFn, Node } from './node.js';
import { isVariable, type Operand, Variable, variableOf } from './variable.js';

/** What an op hands to {@link record}. */
export interface OpRecord {
  /** For messages, e.g. `matmul`. */
  name: string;
  /** The op's operands, in the order its backward returns gradients. */
  inputs: readonly Operand[];
  /** The forward results; each becomes a Variable that owns it. */
  outputs: readonly Tensor[];
  backward: BackwardFn;
  /** Tensors backward reads that others own (inputs' and outputs' values): checked, not freed. */
  saved?: readonly Tensor[];
  /** Tensors made only for backward: freed when the node is released (or at once under noGrad). */
  owned?: readonly Tensor[];
}

/** Whether an op on these operands should record a node. */
export function needsGraph(inputs: readonly Operand[]): boolean {
  return isGradEnabled() && inputs.some((x) => isVariable(x) && x.requiresGrad);
}

/**
 * Wraps an op's outputs as Variables and, when gradients are enabled and some input requires
 * them, records the node that differentiates it. Every differentiable op ends here.
 */
export function record(op: OpRecord): Variable[] {
  const owned = op.owned ?? [];
  if (!needsGraph(op.inputs)) {
    dispose(owned);
    return op.outputs.map((t) => new Variable(t));
  }
  const node = new Node(op.name, op.inputs.map(variableOf), op.backward, op.saved ?? [], owned);
  node.outputs = op.outputs.map((t, i) => new Variable(t, { requiresGrad: true }, node, i));
  return [...node.outputs];
}

/** {@link record} for the usual one-output op. */
export function recordOne(op: OpRecord): Variable {
  return record(op)[0]!;
}
