import { constant, isVariable, type Variable } from '@recur/autograd';
import { isTensor, keep, RecurError, type Tensor } from '@recur/tensor';

/**
 * Helpers for recurrent state carried between truncated-BPTT chunks: any tree of plain objects
 * and arrays whose leaves are Variables, Tensors or JSON values.
 */

function isPlain(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Maps every Variable/Tensor leaf of `tree` with `fn`, rebuilding arrays and plain objects. */
function mapLeaves(
  tree: unknown,
  fn: (leaf: Variable | Tensor, path: string) => unknown,
  path = '',
): unknown {
  if (isVariable(tree) || isTensor(tree)) return fn(tree, path);
  if (Array.isArray(tree)) return tree.map((v, i) => mapLeaves(v, fn, `${path}/${i}`));
  if (isPlain(tree)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(tree)) out[k] = mapLeaves(v, fn, `${path}/${k}`);
    return out;
  }
  return tree;
}

/**
 * Cuts the graph: every Variable becomes a leaf constant over a view of its value, kept out of
 * `tidy` scopes (the trainer disposes it with {@link disposeState} when the next chunk is done).
 */
export function detachState<S>(state: S): S {
  return mapLeaves(state, (leaf) => {
    const value = isVariable(leaf) ? leaf.value : leaf;
    const view = keep(value.reshape(value.shape));
    return isVariable(leaf) ? constant(view) : view;
  }) as S;
}

/** Disposes every Variable and Tensor in `state`. */
export function disposeState(state: unknown): void {
  mapLeaves(state, (leaf) => {
    leaf.dispose();
    return leaf;
  });
}

/** A JSON skeleton of `state` with tensor references, and the tensors by reference name. */
export interface FlatState {
  skeleton: unknown;
  tensors: Record<string, Tensor>;
}

/** Splits a state into a JSON skeleton and its tensors (for checkpoints). */
export function flattenState(state: unknown, prefix = 'state'): FlatState {
  const tensors: Record<string, Tensor> = {};
  const skeleton = mapLeaves(state, (leaf, path) => {
    const name = `${prefix}${path}`;
    tensors[name] = isVariable(leaf) ? leaf.value : leaf;
    return { [isVariable(leaf) ? '$variable' : '$tensor']: name };
  });
  return { skeleton: skeleton === undefined ? null : skeleton, tensors };
}

/** Rebuilds a state from {@link flattenState}'s skeleton; tensors are taken as kept views. */
export function unflattenState(skeleton: unknown, tensors: Record<string, Tensor>): unknown {
  const build = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(build);
    if (isPlain(node)) {
      const ref = (node.$variable ?? node.$tensor) as string | undefined;
      if (typeof ref === 'string' && Object.keys(node).length === 1) {
        const t = tensors[ref];
        if (!t)
          throw new RecurError(
            'FORMAT',
            `restore: the checkpoint has no tensor '${ref}' for the carried state`,
          );
        const view = keep(t.reshape(t.shape));
        return '$variable' in node ? constant(view) : view;
      }
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(node)) out[k] = build(v);
      return out;
    }
    return node;
  };
  return skeleton === null ? undefined : build(skeleton);
}
