import {
  add,
  checkOptions,
  formatShape,
  onesLike,
  RecurError,
  shapesEqual,
  type Tensor,
  zerosLike,
} from '@recur/tensor';
import { freedError, type Node } from './node.js';
import type { Variable } from './variable.js';

/** Options of {@link backward} and {@link grad}. */
export interface BackwardOptions {
  /**
   * Keep the graph's saved tensors so another backward pass can run through it (default false:
   * they are released, and a second pass throws).
   */
  retainGraph?: boolean;
}

/** Options of {@link grad}. */
export interface GradOptions extends BackwardOptions {
  /** The gradient of `output` to start from; required when `output` is not a scalar. */
  seed?: Tensor;
}

/**
 * Reverse-mode differentiation from `loss`: one topological sort of the graph, then one pass
 * from the loss back to the leaves. Gradients ACCUMULATE (+=) into `.grad` of every leaf with
 * `requiresGrad` (and of variables that called `retainGrad()`): a weight used at every time step
 * receives the sum of its per-step gradients. Clear them with {@link zeroGrad} between steps.
 *
 * `loss` must be a scalar (one element) unless `seed`, a gradient of the loss's shape, is
 * given. The saved tensors of the graph are released afterwards (unless `retainGraph`).
 */
export function backward(loss: Variable, seed?: Tensor, options: BackwardOptions = {}): void {
  checkOptions('backward', options, ['retainGraph']);
  if (!loss.requiresGrad) {
    throw new RecurError(
      'ARGUMENT',
      `backward: ${loss.label} does not require gradients: it depends on no variable with ` +
        'requiresGrad (use parameter() for trainable weights), or it was computed inside noGrad()',
    );
  }
  const order = prepare('backward', loss, seed);
  if (!order.some((n) => n.inputs.some((v) => v?.requiresGrad && v.isLeaf)) && !loss.isLeaf) {
    throw new RecurError(
      'ARGUMENT',
      `backward: the graph of ${loss.label} has no trainable leaves (no input with requiresGrad)`,
    );
  }
  run(loss, seed, order, null);
  if (!options.retainGraph) for (const node of order) node.release();
}

/**
 * The gradients of `output` with respect to `inputs` — leaves or intermediate variables — like
 * `torch.autograd.grad`. Nothing is written to any `.grad`. An input the output does not depend
 * on gets zeros. Used for diagnostics such as ‖∂L/∂a⟨t⟩‖ for every step t. The caller owns the
 * returned tensors. Releases the graph unless `retainGraph` (then `backward` can follow).
 */
export function grad(
  output: Variable,
  inputs: readonly Variable[],
  options: GradOptions = {},
): Tensor[] {
  checkOptions('grad', options, ['retainGraph', 'seed']);
  if (!Array.isArray(inputs)) {
    throw new RecurError('ARGUMENT', 'grad: inputs must be an array of Variables');
  }
  const order = output.requiresGrad ? prepare('grad', output, options.seed) : [];
  const targets = new Map<Variable, Tensor | null>(inputs.map((v) => [v, null]));
  if (output.requiresGrad) run(output, options.seed, order, targets);
  if (!options.retainGraph) for (const node of order) node.release();
  const seen = new Set<Tensor>();
  return inputs.map((v) => {
    const g = targets.get(v) ?? null;
    if (g === null || seen.has(g)) return g ? g.reshape(g.shape) : zerosLike(v.value);
    seen.add(g);
    return g;
  });
}

/** Drops the gradients of `params` (disposing them), ready for the next accumulation. */
export function zeroGrad(params: Iterable<Variable>): void {
  for (const p of params) p.zeroGrad();
}

/** Validates the seed and the graph; returns the nodes, consumers before producers. */
function prepare(op: string, output: Variable, seed: Tensor | undefined): Node[] {
  output.value.assertAlive(op, output.label);
  if (seed === undefined && output.size !== 1) {
    throw new RecurError(
      'SHAPE',
      `${op}: ${output.label} is not a scalar; reduce it to one element (e.g. with mean) ` +
        'or pass a seed gradient of its shape',
    );
  }
  if (seed !== undefined) {
    seed.assertAlive(op, 'seed');
    if (!shapesEqual(seed.shape, output.shape) || seed.dtype !== 'float32') {
      throw new RecurError(
        'SHAPE',
        `${op}: seed is ${formatShape(seed.shape)} ${seed.dtype} but ${output.label} needs a float32 seed of its shape`,
      );
    }
  }
  const order = topologicalOrder(output);
  for (const node of order) {
    if (node.released) throw freedError(op, node);
    const disposed = node.findDisposed();
    if (disposed) {
      throw new RecurError(
        'DISPOSED',
        `${op}: a tensor ${node.label} saved for backward (${formatShape(disposed.shape)}) was disposed. ` +
          'Call backward inside the same tidy() as the forward pass, and do not dispose intermediate values before it',
      );
    }
  }
  return order;
}

/** Every node `output` depends on, each after all nodes that consume its outputs. */
export function topologicalOrder(output: Variable): Node[] {
  const post: Node[] = [];
  const root = output.creator;
  if (!root) return post;
  const visited = new Set<Node>([root]);
  const stack: [Node, number][] = [[root, 0]];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const [node, i] = top;
    if (i < node.inputs.length) {
      top[1] = i + 1;
      const input = node.inputs[i];
      const creator = input?.requiresGrad ? input.creator : null;
      if (creator && !visited.has(creator)) {
        visited.add(creator);
        stack.push([creator, 0]);
      }
    } else {
      stack.pop();
      post.push(node);
    }
  }
  return post.reverse();
}

/**
 * The reverse pass. With `targets` (from {@link grad}) gradients are collected there and only
 * nodes on a path to a target run; without, leaves accumulate into `.grad`.
 */
function run(
  output: Variable,
  seed: Tensor | undefined,
  order: readonly Node[],
  targets: Map<Variable, Tensor | null> | null,
): void {
  const relevant = targets ? relevantNodes(order, targets) : null;
  const needed = (v: Variable | null): boolean =>
    v?.requiresGrad === true &&
    (relevant === null || targets!.has(v) || (v.creator !== null && relevant.has(v.creator)));
  const pending = new Map<Variable, Tensor>();
  const start = seed ? seed.reshape(seed.shape) : onesLike(output.value);
  try {
    deliver(output, start, pending, targets);
    for (const node of order) {
      const gradOutputs = node.outputs.map((v) => take(v, pending, targets));
      if (gradOutputs.every((g) => g === null)) continue;
      const needs = node.inputs.map(needed);
      let gradInputs: (Tensor | null)[] = [];
      try {
        if (needs.some(Boolean)) gradInputs = node.run(gradOutputs, needs);
        checkGradients(node, gradInputs, gradOutputs);
      } finally {
        for (const [j, g] of gradOutputs.entries())
          if (g && !targets?.has(node.outputs[j]!)) g.dispose();
      }
      node.inputs.forEach((v, i) => {
        const g = gradInputs[i] ?? null;
        if (g === null) return;
        if (needs[i] && v) deliver(v, g, pending, targets);
        else g.dispose();
      });
    }
  } finally {
    for (const g of pending.values()) g.dispose();
  }
}

/** Hands gradient `g` (owned) to variable `v`: its `.grad`, the grad() results, or pending. */
function deliver(
  v: Variable,
  g: Tensor,
  pending: Map<Variable, Tensor>,
  targets: Map<Variable, Tensor | null> | null,
): void {
  if (!v.creator) {
    if (targets) {
      if (targets.has(v)) targets.set(v, sum(targets.get(v) ?? null, g));
      else g.dispose();
    } else if (v.requiresGrad) v.accumulateGrad(g, add);
    else g.dispose();
    return;
  }
  pending.set(v, sum(pending.get(v) ?? null, g));
}

/** The complete gradient of non-leaf `v` (all its consumers ran): recorded where asked. */
function take(
  v: Variable,
  pending: Map<Variable, Tensor>,
  targets: Map<Variable, Tensor | null> | null,
): Tensor | null {
  const g = pending.get(v) ?? null;
  pending.delete(v);
  if (g === null) return null;
  if (targets) {
    if (targets.has(v)) targets.set(v, g);
  } else if (v.retainsGrad) {
    v.accumulateGrad(g.reshape(g.shape), add);
  }
  return g;
}

/** `a + b`, disposing both (a may be null). */
function sum(a: Tensor | null, b: Tensor): Tensor {
  if (a === null) return b;
  const out = add(a, b);
  a.dispose();
  b.dispose();
  return out;
}

/** Nodes from which some target can be reached (only those need to run for grad()). */
function relevantNodes(order: readonly Node[], targets: Map<Variable, Tensor | null>): Set<Node> {
  const relevant = new Set<Node>();
  for (let i = order.length - 1; i >= 0; i--) {
    const node = order[i]!;
    const reaches = node.inputs.some(
      (v) => v !== null && (targets.has(v) || (v.creator !== null && relevant.has(v.creator))),
    );
    if (reaches) relevant.add(node);
  }
  return relevant;
}

/**
 * Checks what a backward function returned: one gradient per input, each of the input's shape,
 * and owned by the engine (a tensor returned as-is from gradOutputs becomes a view).
 */
function checkGradients(
  node: Node,
  gradInputs: (Tensor | null)[],
  gradOutputs: readonly (Tensor | null)[],
): void {
  if (gradInputs.length !== 0 && gradInputs.length !== node.inputs.length) {
    dispose(gradInputs);
    throw new RecurError(
      'SHAPE',
      `backward of ${node.label}: returned ${gradInputs.length} gradients for ${node.inputs.length} inputs`,
    );
  }
  const seen = new Set<Tensor>();
  gradInputs.forEach((g, i) => {
    const v = node.inputs[i];
    if (!g || !v) return;
    if (!shapesEqual(g.shape, v.shape)) {
      dispose(gradInputs);
      throw new RecurError(
        'SHAPE',
        `backward of ${node.label}: the gradient of input ${i} is ${formatShape(g.shape)} but the input is ${formatShape(v.shape)}`,
      );
    }
    if (seen.has(g) || gradOutputs.includes(g) || node.holds(g)) {
      gradInputs[i] = g.reshape(g.shape);
    }
    seen.add(gradInputs[i]!);
  });
}

function dispose(ts: readonly (Tensor | null)[]): void {
  for (const t of ts) t?.dispose();
}
