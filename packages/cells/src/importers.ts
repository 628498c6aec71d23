import { formatShape, RecurError, Tensor, tensor } from '@recur/tensor';
import type { CellKind } from './cells/cell.js';
import { GRUCell } from './cells/gru-cell.js';
import { IRNNCell } from './cells/irnn-cell.js';
import { LSTMCell } from './cells/lstm-cell.js';
import { RNNCell } from './cells/rnn-cell.js';

/**
 * A weight from another library: a recur Tensor, anything with `shape` and `dataSync()` (a
 * TensorFlow.js tensor), or `{ shape, values }` (e.g. numbers read from a PyTorch state dict).
 */
export type ForeignWeight =
  | Tensor
  | { readonly shape: readonly number[]; dataSync(): ArrayLike<number> }
  | { readonly shape: readonly number[]; readonly values: ArrayLike<number> };

/** The cell type each kind builds. */
export type CellOf<K extends CellKind> = K extends 'lstm'
  ? LSTMCell
  : K extends 'gru'
    ? GRUCell
    : K extends 'irnn'
      ? IRNNCell
      : RNNCell;

const GATES: Record<CellKind, number> = { rnn: 1, irnn: 1, lstm: 4, gru: 3 };

/** Copies a foreign weight into a new float32 Tensor, checking its rank. */
function toTensor(op: string, name: string, w: ForeignWeight | undefined, rank: number): Tensor {
  if (w === undefined || w === null) throw new RecurError('ARGUMENT', `${op}: ${name} is missing`);
  let values: ArrayLike<number>;
  const shape = [...w.shape];
  if (w instanceof Tensor) values = w.data();
  else if ('dataSync' in w && typeof w.dataSync === 'function') values = w.dataSync();
  else if ('values' in w) values = w.values;
  else
    throw new RecurError(
      'FORMAT',
      `${op}: ${name} must be a Tensor, a TF.js tensor or { shape, values }`,
    );
  if (shape.length !== rank) {
    throw new RecurError(
      'SHAPE',
      `${op}: ${name} must have rank ${rank}, got ${formatShape(shape)}`,
    );
  }
  return tensor(Float32Array.from(values), shape);
}

/** The 2-D transpose of `t` (a new tensor; disposes `t`). */
function transposed(t: Tensor): Tensor {
  const [r, c] = t.shape as [number, number];
  const v = t.data();
  t.dispose();
  const out = new Float32Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = v[i * c + j]!;
  return tensor(out, [c, r]);
}

function build<K extends CellKind>(kind: K, W_x: Tensor, W_a: Tensor, b: Tensor): CellOf<K> {
  const inputSize = W_x.shape[0]!;
  const hiddenSize = W_a.shape[0]!;
  const common = { inputSize, hiddenSize };
  switch (kind) {
    case 'lstm':
      return new LSTMCell({ ...common, weights: { W_x, W_a, b } }) as CellOf<K>;
    case 'gru':
      return new GRUCell({ ...common, weights: { W_x, W_a, b } }) as CellOf<K>;
    case 'irnn':
      return new IRNNCell({ ...common, weights: { W_xh: W_x, W_ah: W_a, b_h: b } }) as CellOf<K>;
    default:
      return new RNNCell({ ...common, weights: { W_xh: W_x, W_ah: W_a, b_h: b } }) as CellOf<K>;
  }
}

function checkKind(op: string, kind: unknown): asserts kind is CellKind {
  if (typeof kind !== 'string' || !(kind in GATES)) {
    throw new RecurError(
      'ARGUMENT',
      `${op}: kind must be 'rnn', 'irnn', 'lstm' or 'gru', got '${String(kind)}'`,
    );
  }
}

/** Disposes `tensors` if building the cell fails (it takes them over on success). */
function buildOrFree<K extends CellKind>(kind: K, W_x: Tensor, W_a: Tensor, b: Tensor): CellOf<K> {
  try {
    return build(kind, W_x, W_a, b);
  } catch (error) {
    for (const t of [W_x, W_a, b]) t.dispose();
    throw error;
  }
}

/**
 * A cell from Keras / TensorFlow.js weights — `layer.getWeights()` of `tf.layers.simpleRNN`,
 * `lstm` or `gru`: `[kernel [I, g·H], recurrent_kernel [H, g·H], bias [g·H]]` (bias optional).
 * The layouts are the same as recur's (LSTM gates i, f, c, o; GRU z, r, h), so nothing is
 * reordered. GRU weights must come from `resetAfter: false` (TF.js's only GRU; a Keras
 * `reset_after=True` GRU has a `[2, 3H]` bias and is refused). For parity also set
 * `recurrentActivation: 'sigmoid'` in TF.js (its default is `hardSigmoid`).
 *
 * ```ts
 * const cell = fromKeras('lstm', tfLayer.getWeights());
 * ```
 */
export function fromKeras<K extends CellKind>(
  kind: K,
  weights: readonly ForeignWeight[],
): CellOf<K> {
  const op = 'fromKeras';
  checkKind(op, kind);
  if (!Array.isArray(weights) || weights.length < 2 || weights.length > 3) {
    throw new RecurError(
      'FORMAT',
      `${op}: expected [kernel, recurrent_kernel, bias?] (layer.getWeights()), got ${Array.isArray(weights) ? `${weights.length} arrays` : typeof weights}`,
    );
  }
  const gates = GATES[kind];
  const bias = weights[2];
  if (bias && bias.shape.length === 2) {
    throw new RecurError(
      'FORMAT',
      `${op}: bias ${formatShape(bias.shape)} is 2-D: that is a reset_after=True GRU, which this "reset before" GRUCell cannot represent`,
    );
  }
  const W_x = toTensor(op, 'kernel', weights[0], 2);
  const W_a = toTensor(op, 'recurrent_kernel', weights[1], 2);
  const H = W_a.shape[0]!;
  const b = bias ? toTensor(op, 'bias', bias, 1) : tensor(new Float32Array(gates * H), [gates * H]);
  if (W_a.shape[1] !== gates * H) {
    for (const t of [W_x, W_a, b]) t.dispose();
    throw new RecurError(
      'SHAPE',
      `${op}: a ${kind} recurrent_kernel must be [H, ${gates}·H]; got ${formatShape(W_a.shape)}`,
    );
  }
  return buildOrFree(kind, W_x, W_a, b);
}

/** Options of {@link fromPyTorch}. */
export interface FromPyTorchOptions {
  /** Which layer of a stacked module (default 0): reads `weight_ih_l{layer}` … */
  layer?: number;
  /** Read the backward direction of a bidirectional module (`…_l0_reverse`). */
  reverse?: boolean;
}

/**
 * A cell from a PyTorch `nn.RNN` / `nn.LSTM` state dict: `weight_ih_l0 [g·H, I]`,
 * `weight_hh_l0 [g·H, H]`, `bias_ih_l0` and `bias_hh_l0 [g·H]`. The weights are transposed to
 * recur's `[in, out]` and the two biases summed (`b = bias_ih + bias_hh`, exact for these
 * cells). The LSTM gate order i, f, g, o is recur's u, f, c̃, o. Use kind `irnn` for an
 * `nn.RNN(nonlinearity='relu')`.
 *
 * GRU weights are refused: `nn.GRU` is "reset after", `n = tanh(x W_in + b_in + r ⊙ (a W_hn +
 * b_hn))`, which the "reset before" GRUCell cannot represent.
 */
export function fromPyTorch<K extends CellKind>(
  kind: K,
  stateDict: Readonly<Record<string, ForeignWeight>>,
  options: FromPyTorchOptions = {},
): CellOf<K> {
  const op = 'fromPyTorch';
  checkKind(op, kind);
  if (kind === 'gru') {
    throw new RecurError(
      'FORMAT',
      `${op}: PyTorch's nn.GRU is "reset after" (r ⊙ (a·W_hn + b_hn)); GRUCell is "reset before" (Keras reset_after=false) and cannot represent it. Train the GRU in recur or TF.js, or use an LSTM`,
    );
  }
  if (stateDict === null || typeof stateDict !== 'object') {
    throw new RecurError('FORMAT', `${op}: stateDict must be an object of weights`);
  }
  const suffix = `_l${options.layer ?? 0}${options.reverse ? '_reverse' : ''}`;
  const get = (name: string, rank: number) =>
    toTensor(op, `${name}${suffix}`, stateDict[`${name}${suffix}`], rank);
  const W_x = transposed(get('weight_ih', 2));
  const W_a = transposed(get('weight_hh', 2));
  const gates = GATES[kind];
  const H = W_a.shape[0]!;
  const biasIH = stateDict[`bias_ih${suffix}`];
  const biasHH = stateDict[`bias_hh${suffix}`];
  const sum = new Float32Array(gates * H);
  for (const [name, w] of [
    ['bias_ih', biasIH],
    ['bias_hh', biasHH],
  ] as const) {
    if (!w) continue;
    const t = toTensor(op, `${name}${suffix}`, w, 1);
    const v = t.data();
    t.dispose();
    if (v.length !== sum.length) {
      for (const x of [W_x, W_a]) x.dispose();
      throw new RecurError(
        'SHAPE',
        `${op}: ${name}${suffix} must be [${gates * H}], got [${v.length}]`,
      );
    }
    for (let i = 0; i < v.length; i++) sum[i]! += v[i]!;
  }
  if (W_a.shape[1] !== gates * H) {
    for (const x of [W_x, W_a]) x.dispose();
    throw new RecurError(
      'SHAPE',
      `${op}: weight_hh${suffix} must be [${gates}·H, H]; got [${W_a.shape[1]},${H}]`,
    );
  }
  return buildOrFree(kind, W_x, W_a, tensor(sum, [gates * H]));
}
