import type { Tensor } from '@recur/tensor';
import * as T from '@recur/tensor';
import { needsGraph, recordOne } from '../record.js';
import { type Operand, Variable } from '../variable.js';
import { square, sub } from './elementwise.js';
import { tensorOf } from './operands.js';
import { mean, sum } from './reduce.js';

/** How a loss combines its per-element values. */
export type Reduction = 'mean' | 'sum' | 'none';

function checkReduction(op: string, reduction: unknown): Reduction {
  if (reduction !== 'mean' && reduction !== 'sum' && reduction !== 'none') {
    throw new T.RecurError(
      'ARGUMENT',
      `${op}: reduction must be 'mean', 'sum' or 'none', got '${String(reduction)}'`,
    );
  }
  return reduction;
}

/**
 * `q · v` elementwise with `0 · v = 0` even where `v` is ±Infinity — cross-entropy's convention
 * `0 · log 0 = 0`: a class the target gives no weight (or a position the mask drops) adds
 * nothing, whatever its logit. `q` is finite.
 */
function weighted(q: Tensor, v: Tensor): Tensor {
  return T.where(T.equal(q, 0), 0, T.mul(q, v));
}

/** Options of {@link softmaxCrossEntropy}. */
export interface SoftmaxCrossEntropyOptions {
  /** Per-position weights of the labels' shape: 1 keeps a position, 0 drops it (padding). */
  mask?: Tensor;
  /** Positions whose label equals this are dropped (like PyTorch's `ignore_index`). */
  ignoreIndex?: number;
  /** Mixes the one-hot target with the uniform distribution: `(1 − ε)·onehot + ε/C`. Default 0. */
  labelSmoothing?: number;
  /**
   * `'mean'` (default): the weighted mean over kept positions (0 when none is kept);
   * `'sum'`: their sum; `'none'`: the per-position losses, of the labels' shape.
   */
  reduction?: Reduction;
}

/**
 * Cross-entropy of `softmax(logits)` against int32 class `labels`, fused with a stable
 * log-softmax over the last axis: `L = −Σ_c q_c · log softmax(z)_c` per position, with `q` the
 * (smoothed) one-hot target. `logits` are `[N, C]` or `[B, T, C]` (any leading dimensions),
 * `labels` the leading dimensions. Backward is `(softmax(z) − q) · weight · g`.
 *
 * Classes with target weight 0 add nothing (`0 · log 0 = 0`), so a `−Infinity` logit (a class
 * ruled out) or a logit so far below the others that its log-probability overflows float32
 * leaves the loss and the gradient finite; with `labelSmoothing` every class has weight, and such
 * a logit makes the loss `+Infinity`, as it mathematically is. A `+Infinity` logit takes the
 * limit: the `+Infinity` classes share the probability, so the loss is 0 (or `log k` for k tied)
 * at its class and `+Infinity` elsewhere, never NaN. Positions with weight 0 (masked or ignored)
 * add nothing whatever their logits.
 */
export function softmaxCrossEntropy(
  logits: Variable | Tensor,
  labels: Tensor,
  options: SoftmaxCrossEntropyOptions = {},
): Variable {
  const op = 'softmaxCrossEntropy';
  const z = tensorOf(op, 'logits', logits);
  T.checkOptions(op, options, ['mask', 'ignoreIndex', 'labelSmoothing', 'reduction']);
  const reduction = checkReduction(op, options.reduction ?? 'mean');
  const smoothing = options.labelSmoothing ?? 0;
  if (!(smoothing >= 0 && smoothing < 1)) {
    throw new T.RecurError('RANGE', `${op}: labelSmoothing must be in [0, 1), got ${smoothing}`);
  }
  const { target, weights, total, picks } = targets(op, z, labels, options, smoothing);
  const rows = labels.shape;
  const scale = reduction === 'mean' ? (total > 0 ? 1 / total : 0) : 1;
  const differentiable = needsGraph([logits]);
  const { loss, probabilities } = T.tidy(() => {
    const logProbabilities = T.logSoftmax(z, -1);
    // One-hot targets: −log p[label], read at the label (the other classes never enter, so a
    // −Infinity among them cannot make NaN, and no [N, C] pass is spent on zeros). Smoothed
    // targets weigh every class: Σ_c q_c · log p_c with 0 · log 0 = 0.
    const crossEntropy = picks
      ? T.gather(logProbabilities.reshape([logProbabilities.size]), picks, 0).reshape(rows)
      : T.sum(weighted(target, logProbabilities), { axis: -1 });
    const perPosition = weighted(weights.reshape(rows), T.neg(crossEntropy));
    const loss = reduction === 'none' ? perPosition : T.mul(T.sum(perPosition), scale);
    // softmax(z) = exp(log softmax(z)), kept for backward only when a graph is recorded.
    return { loss, probabilities: differentiable ? T.exp(logProbabilities) : null };
  });
  picks?.dispose();
  if (!probabilities) {
    T.dispose([target, weights]);
    return new Variable(loss);
  }
  return recordOne({
    name: op,
    inputs: [logits],
    outputs: [loss],
    saved: [z],
    owned: [target, weights, probabilities],
    backward: ([g]) => {
      const upstream = reduction === 'none' ? T.expandDims(g!, -1) : T.mul(g!, scale);
      return [T.mul(T.sub(probabilities, target), T.mul(weights, upstream))];
    },
  });
}

/**
 * The target distribution `q` (`[..., C]`), the per-position weights (`[..., 1]`: mask × not
 * ignored) and their total, built on the CPU from the labels and uploaded to the logits' backend.
 */
function targets(
  op: string,
  z: Tensor,
  labels: Tensor,
  options: SoftmaxCrossEntropyOptions,
  smoothing: number,
) {
  labels.assertAlive(op, 'labels');
  if (labels.dtype !== 'int32') {
    throw new T.RecurError(
      'DTYPE',
      `${op}: labels must be int32 class indices, got ${labels.dtype}`,
    );
  }
  if (z.dtype !== 'float32' || z.rank < 1) {
    throw new T.RecurError(
      'DTYPE',
      `${op}: logits must be float32 [..., C], got ${T.formatShape(z.shape)} ${z.dtype}`,
    );
  }
  const rows = z.shape.slice(0, -1);
  if (!T.shapesEqual(labels.shape, rows)) {
    throw new T.RecurError(
      'SHAPE',
      `${op}: logits are ${T.formatShape(z.shape)} so labels must be ${T.formatShape(rows)}, got ${T.formatShape(labels.shape)}`,
    );
  }
  const { mask, ignoreIndex } = options;
  if (mask !== undefined) {
    mask.assertAlive(op, 'mask');
    if (!T.shapesEqual(mask.shape, rows)) {
      throw new T.RecurError(
        'SHAPE',
        `${op}: mask must have the labels' shape ${T.formatShape(rows)}, got ${T.formatShape(mask.shape)}`,
      );
    }
  }
  const classes = z.shape[z.rank - 1]!;
  const ids = labels.data();
  const keep = mask?.data();
  const q = new Float32Array(ids.length * classes);
  const w = new Float32Array(ids.length);
  // flat index of each position's label in the [N, C] log-probabilities (its row's first class
  // where the position is ignored: its weight 0 drops whatever is read there)
  const at = new Int32Array(ids.length);
  let total = 0;
  for (let i = 0; i < ids.length; i++) {
    const label = ids[i]!;
    if (label === ignoreIndex) continue;
    if (!(label >= 0 && label < classes)) {
      const also = ignoreIndex === undefined ? '' : ` or ignoreIndex ${ignoreIndex}`;
      throw new T.RecurError(
        'RANGE',
        `${op}: labels[${i}] is ${label}, out of range for ${classes} classes (expected 0..${classes - 1}${also})`,
      );
    }
    w[i] = keep ? keep[i]! : 1;
    at[i] = i * classes + label;
    total += w[i]!;
    q.fill(smoothing / classes, i * classes, (i + 1) * classes);
    q[i * classes + label]! += 1 - smoothing;
  }
  return T.withBackend(z.backend, () => ({
    target: T.tensor(q, z.shape),
    weights: T.tensor(w, [...rows, 1]),
    total,
    picks: smoothing === 0 ? T.tensor(at, [ids.length], 'int32') : null,
  }));
}

/** Options of {@link mse} and {@link sigmoidCrossEntropy}. */
export interface LossOptions {
  /** `'mean'` (default), `'sum'`, or `'none'` (the elementwise losses). */
  reduction?: Reduction;
}

function reduce(x: Variable, reduction: Reduction): Variable {
  if (reduction === 'none') return x;
  return reduction === 'sum' ? sum(x) : mean(x);
}

/** Mean squared error `(pred − target)²`, reduced as asked; composed from differentiable ops. */
export function mse(pred: Variable | Tensor, target: Operand, options: LossOptions = {}): Variable {
  T.checkOptions('mse', options, ['reduction']);
  const reduction = checkReduction('mse', options.reduction ?? 'mean');
  return reduce(square(sub(pred, target)), reduction);
}

/**
 * Binary cross-entropy on logits `x` against targets `z` in [0, 1], in the stable form
 * `max(x, 0)·(1 − z) + max(−x, 0)·z + log(1 + e^(−|x|))` (which is `max(x, 0) − x·z + …`, with
 * `0 · ∞ = 0`), so it is exact for infinite and huge logits: `(+∞, 1)` and `(−∞, 0)` give 0,
 * `(+∞, 0)` and `(−∞, 1)` give `+∞`. Backward: `∂/∂x = σ(x) − z`, `∂/∂z = −x`.
 */
export function sigmoidCrossEntropy(
  logits: Variable | Tensor,
  targets: Variable | Tensor,
  options: LossOptions = {},
): Variable {
  const op = 'sigmoidCrossEntropy';
  const x = tensorOf(op, 'logits', logits);
  const z = tensorOf(op, 'targets', targets);
  T.checkOptions(op, options, ['reduction']);
  const reduction = checkReduction(op, options.reduction ?? 'mean');
  if (!T.shapesEqual(x.shape, z.shape)) {
    throw new T.RecurError(
      'SHAPE',
      `${op}: logits are ${T.formatShape(x.shape)} but targets are ${T.formatShape(z.shape)}; they must match`,
    );
  }
  const scale = reduction === 'mean' ? 1 / Math.max(1, x.size) : 1;
  const loss = T.tidy(() => {
    const elementwise = T.add(
      T.add(weighted(T.sub(1, z), T.relu(x)), weighted(z, T.relu(T.neg(x)))),
      T.log(T.add(T.exp(T.neg(T.abs(x))), 1)),
    );
    return reduction === 'none' ? elementwise : T.mul(T.sum(elementwise), scale);
  });
  return recordOne({
    name: op,
    inputs: [logits, targets],
    outputs: [loss],
    saved: [x, z],
    backward: ([g], [needX, needZ]) => {
      const upstream = reduction === 'none' ? g! : T.mul(g!, scale);
      return [
        needX ? T.mul(T.sub(T.sigmoid(x), z), upstream) : null,
        needZ ? T.mul(T.neg(x), upstream) : null,
      ];
    },
  });
}
