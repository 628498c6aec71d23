import {
  checkOptions,
  checkShape,
  formatShape,
  isTensor,
  keep,
  RecurError,
  type Tensor,
  tensor,
  tidy,
} from '@recur/tensor';
import type { RecurrentActivation } from './cells/cell.js';
import { type CellKind, type CellOf, cellDefinition } from './registry.js';

export type { CellOf } from './registry.js';

/**
 * A weight from another library: a recur Tensor, anything with `shape` and `dataSync()` (a
 * TensorFlow.js tensor), `{ shape, values }` (e.g. numbers read from a PyTorch state dict), or
 * nested arrays of numbers (e.g. `w.arraySync()`, or JSON).
 */
export type ForeignWeight =
  | Tensor
  | readonly number[]
  | readonly (readonly number[])[]
  | { readonly shape: readonly number[]; dataSync(): ArrayLike<number> }
  | { readonly shape: readonly number[]; readonly values: ArrayLike<number> };

/** A foreign weight's shape and a way to read its values, once checked. */
interface Described {
  name: string;
  shape: number[];
  read: () => ArrayLike<number>;
}

/** The shape of nested arrays of numbers, or null if they are ragged or hold anything else. */
function nestedShape(value: unknown): number[] | null {
  if (typeof value === 'number') return [];
  if (!Array.isArray(value)) return null;
  if (value.length === 0) return [0];
  const inner = nestedShape(value[0]);
  if (inner === null) return null;
  for (const item of value) {
    const s = nestedShape(item);
    if (s === null || s.length !== inner.length || s.some((d, i) => d !== inner[i])) return null;
  }
  return [value.length, ...inner];
}

/**
 * Checks one foreign weight — a Tensor, a TF.js tensor, `{ shape, values }` or nested arrays of
 * numbers — and its rank, naming it; reads nothing yet.
 */
function describe(op: string, name: string, w: unknown, rank: number): Described {
  if (w === undefined || w === null) throw new RecurError('FORMAT', `${op}: ${name} is missing`);
  let shape: number[];
  let read: () => ArrayLike<number>;
  if (Array.isArray(w)) {
    const nested = nestedShape(w);
    if (nested === null) {
      throw new RecurError(
        'FORMAT',
        `${op}: ${name} is an array but not a rectangular array of numbers (nested arrays must all have the same lengths)`,
      );
    }
    shape = nested;
    read = () => (w as unknown[]).flat(rank) as number[];
  } else if (isTensor(w)) {
    w.assertAlive(op, name);
    shape = [...w.shape];
    read = () => w.data();
  } else if (typeof w === 'object' && Array.isArray((w as { shape?: unknown }).shape)) {
    shape = [...(w as { shape: number[] }).shape];
    const source = w as { dataSync?: unknown; values?: unknown };
    if (typeof source.dataSync === 'function') {
      read = () => (source.dataSync as () => ArrayLike<number>)();
    } else if (
      source.values !== null &&
      typeof source.values === 'object' &&
      'length' in source.values
    ) {
      const values = source.values as ArrayLike<number>;
      read = () => values;
    } else {
      throw new RecurError(
        'FORMAT',
        `${op}: ${name} has a shape but neither dataSync() nor values`,
      );
    }
  } else {
    throw new RecurError(
      'FORMAT',
      `${op}: ${name} must be a Tensor, a TF.js tensor, { shape, values } or nested arrays of numbers, got ${typeof w}`,
    );
  }
  if (shape.length !== rank || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new RecurError(
      'SHAPE',
      `${op}: ${name} must be a ${rank}-D array of non-negative integer sizes, got ${formatShape(shape)}`,
    );
  }
  return { name, shape, read };
}

/** Refuses `w` unless its shape is `expected`, naming the weight and `what` the sizes mean. */
function expectShape(op: string, w: Described, expected: number[], what: string): void {
  if (w.shape.length !== expected.length || w.shape.some((d, i) => d !== expected[i])) {
    throw new RecurError(
      'SHAPE',
      `${op}: ${w.name} must be ${formatShape(expected)} (${what}), got ${formatShape(w.shape)}`,
    );
  }
}

/** The values of a checked weight as float32, refusing a count that does not fit its shape. */
function valuesOf(op: string, w: Described): Float32Array {
  const values = w.read();
  const size = w.shape.reduce((p, d) => p * d, 1);
  if (values.length !== size) {
    throw new RecurError(
      'SHAPE',
      `${op}: ${w.name} has shape ${formatShape(w.shape)} (${size} values) but holds ${values.length}`,
    );
  }
  return Float32Array.from(values);
}

/** The `[r, c]` row-major values transposed to `[c, r]`. */
/** A copy of `v` with its first two blocks of `block` values swapped (PyTorch r, z ↔ recur u, r). */
function swapFirstBlocks(v: Float32Array, block: number): Float32Array {
  const out = Float32Array.from(v);
  out.set(v.subarray(block, 2 * block), 0);
  out.set(v.subarray(0, block), block);
  return out;
}

function transposeValues(v: Float32Array, r: number, c: number): Float32Array {
  const out = new Float32Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = v[i * c + j]!;
  return out;
}

/**
 * The cell of `kind` with sizes `[I, H]` from checked weight values (recur's layout, by role:
 * the registry names them, e.g. `W_xh` or `W_x`); the tensors are made inside `tidy`, so nothing
 * is left behind if the cell refuses them.
 */
function build<K extends CellKind>(
  kind: K,
  [inputSize, hiddenSize]: [number, number],
  values: {
    input: Float32Array;
    recurrent: Float32Array;
    bias: Float32Array;
    /** The reset-after GRU's recurrent-side bias `b_a` (makes a `resetAfter` GRUCell). */
    recurrentBias?: Float32Array;
  },
  extra: Record<string, unknown> = {},
): CellOf<K> {
  const { gates, parameters: names, make } = cellDefinition('build', kind);
  return tidy(() => {
    const weights: Record<string, Tensor> = {
      [names.input]: tensor(values.input, [inputSize, gates * hiddenSize]),
      [names.recurrent]: tensor(values.recurrent, [hiddenSize, gates * hiddenSize]),
      [names.bias]: tensor(values.bias, [gates * hiddenSize]),
    };
    const resetAfter = values.recurrentBias !== undefined;
    if (values.recurrentBias) weights.b_a = tensor(values.recurrentBias, [gates * hiddenSize]);
    const cell = make({
      inputSize,
      hiddenSize,
      weights,
      ...(resetAfter ? { resetAfter } : {}),
      ...extra,
    });
    // the cell owns its parameters' tensors from here on
    for (const p of Object.values(cell.parameters())) keep(p.value);
    return cell as CellOf<K>;
  });
}

/** Options of {@link fromKeras}. */
export interface FromKerasOptions {
  /** The layer's `recurrentActivation` (LSTM, GRU): `hardSigmoid` is TF.js's default. */
  recurrentActivation?: RecurrentActivation;
}

/** Refuses a kind whose registry entry says no layer of `library` computes what it does. */
function checkForeign(op: string, kind: CellKind, library: 'keras' | 'pytorch'): void {
  const layer = cellDefinition(`${op}: kind`, kind)[library];
  if ('refused' in layer) {
    throw new RecurError(
      'FORMAT',
      `${op}: ${layer.refused}. Train the ${kind} in recur${library === 'pytorch' ? ' or TF.js' : ''}, or use a cell ${library === 'pytorch' ? 'PyTorch' : 'Keras'} has`,
    );
  }
}

/**
 * A cell from Keras / TensorFlow.js weights — `layer.getWeights()` of `tf.layers.simpleRNN`,
 * `lstm` or `gru`: `[kernel [I, g·H], recurrent_kernel [H, g·H], bias [g·H]]` (bias optional).
 * The layouts are the same as recur's (LSTM gates i, f, c, o; GRU z, r, h), so nothing is
 * reordered. A GRU whose bias is `[2, 3H]` is Keras's `reset_after=True` GRU: it becomes a
 * `resetAfter` GRUCell (`b` = row 0, the input side; `b_a` = row 1, the recurrent side). Give
 * the layer's `recurrentActivation` for an LSTM or GRU: TF.js's default is `hardSigmoid`, recur's
 * `sigmoid`, and they differ by up to 1.7e-2 in the outputs.
 *
 * ```ts
 * const cell = fromKeras('lstm', tfLayer.getWeights(), { recurrentActivation: 'hardSigmoid' });
 * ```
 */
export function fromKeras<K extends CellKind>(
  kind: K,
  weights: readonly ForeignWeight[],
  options: FromKerasOptions = {},
): CellOf<K> {
  const op = 'fromKeras';
  checkOptions(op, options, ['recurrentActivation']);
  if (options.recurrentActivation !== undefined && kind !== 'lstm' && kind !== 'gru') {
    throw new RecurError(
      'ARGUMENT',
      `${op}: recurrentActivation is an option of an LSTM or GRU, not of a ${kind}`,
    );
  }
  const extra =
    options.recurrentActivation !== undefined
      ? { recurrentActivation: options.recurrentActivation }
      : {};
  const { gates } = cellDefinition(`${op}: kind`, kind);
  checkForeign(op, kind, 'keras');
  if (!Array.isArray(weights) || weights.length < 2 || weights.length > 3) {
    throw new RecurError(
      'FORMAT',
      `${op}: expected [kernel, recurrent_kernel, bias?] (layer.getWeights()), got ${Array.isArray(weights) ? `${weights.length} arrays` : typeof weights}`,
    );
  }
  const bias = weights[2];
  const twoBiases =
    bias !== undefined &&
    !Array.isArray(bias) &&
    (bias as { shape?: unknown[] }).shape?.length === 2;
  if (twoBiases && kind !== 'gru') {
    throw new RecurError(
      'FORMAT',
      `${op}: bias ${formatShape((bias as { shape: number[] }).shape)} is 2-D; a ${kind} has one bias [${gates === 1 ? 'H' : `${gates}·H`}] (only a reset_after=True GRU has two)`,
    );
  }
  // check every shape before allocating anything
  const kernel = describe(op, 'kernel', weights[0], 2);
  const recurrent = describe(op, 'recurrent_kernel', weights[1], 2);
  const H = recurrent.shape[0]!;
  const I = kernel.shape[0]!;
  const g = gates === 1 ? 'H' : `${gates}·H`;
  expectShape(op, recurrent, [H, gates * H], `[H, ${g}] for a ${kind} with H = ${H}`);
  expectShape(op, kernel, [I, gates * H], `[I, ${g}] for a ${kind} with H = ${H}`);
  const b = bias === undefined ? undefined : describe(op, 'bias', bias, twoBiases ? 2 : 1);
  if (b && twoBiases)
    expectShape(op, b, [2, gates * H], `[2, ${g}] for a reset_after GRU with H = ${H}`);
  else if (b) expectShape(op, b, [gates * H], `[${g}] for a ${kind} with H = ${H}`);
  checkShape(op, 'kernel', kernel.shape);
  checkShape(op, 'recurrent_kernel', recurrent.shape);
  const biasValues = b ? valuesOf(op, b) : new Float32Array(gates * H);
  const values = {
    input: valuesOf(op, kernel),
    recurrent: valuesOf(op, recurrent),
    bias: twoBiases ? biasValues.slice(0, gates * H) : biasValues,
    ...(twoBiases ? { recurrentBias: biasValues.slice(gates * H) } : {}),
  };
  return build(kind, [I, H], values, extra);
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
 * `nn.GRU` is "reset after", `n = tanh(x W_in + b_in + r ⊙ (a W_hn + b_hn))`: kind `gru` gives a
 * `resetAfter` GRUCell, its gate blocks reordered from PyTorch's r, z, n to recur's u (= z), r,
 * ã (= n), with `b` = `bias_ih` and `b_a` = `bias_hh` (kept apart: they differ inside the reset).
 */
export function fromPyTorch<K extends CellKind>(
  kind: K,
  stateDict: Readonly<Record<string, ForeignWeight>>,
  options: FromPyTorchOptions = {},
): CellOf<K> {
  const op = 'fromPyTorch';
  const { gates } = cellDefinition(`${op}: kind`, kind);
  checkOptions(op, options, ['layer', 'reverse']);
  const layer = options.layer ?? 0;
  if (!Number.isInteger(layer) || layer < 0)
    throw new RecurError('ARGUMENT', `${op}: layer must be a non-negative integer, got ${layer}`);
  // nn.GRU is reset-after: it imports as a GRUCell({ resetAfter: true }) below.
  if (kind !== 'gru') checkForeign(op, kind, 'pytorch');
  if (stateDict === null || typeof stateDict !== 'object') {
    throw new RecurError('FORMAT', `${op}: stateDict must be an object of weights`);
  }
  const suffix = `_l${layer}${options.reverse ? '_reverse' : ''}`;
  const key = (name: string) => `${name}${suffix}`;
  const get = (name: string, rank: number) => {
    if (stateDict[key(name)] === undefined) {
      const present = Object.keys(stateDict).join(', ') || 'none';
      throw new RecurError(
        'FORMAT',
        `${op}: ${key(name)} is missing (the state dict has ${present})`,
      );
    }
    return describe(op, key(name), stateDict[key(name)], rank);
  };
  // check every shape before allocating anything
  const ih = get('weight_ih', 2);
  const hh = get('weight_hh', 2);
  const H = hh.shape[1]!;
  const I = ih.shape[1]!;
  const g = gates === 1 ? 'H' : `${gates}·H`;
  expectShape(op, hh, [gates * H, H], `[${g}, H] for a ${kind} with H = ${H}`);
  expectShape(op, ih, [gates * H, I], `[${g}, I] for a ${kind} with H = ${H}`);
  const biases = ['bias_ih', 'bias_hh']
    .filter((name) => stateDict[key(name)] !== undefined)
    .map((name) => get(name, 1));
  for (const b of biases) expectShape(op, b, [gates * H], `[${g}] for a ${kind} with H = ${H}`);
  checkShape(op, key('weight_ih'), ih.shape);
  checkShape(op, key('weight_hh'), hh.shape);
  if (kind === 'gru') {
    // PyTorch's blocks r, z, n → recur's u (= z), r, ã (= n); rows of [3H, in] before transposing.
    const reorder = (v: Float32Array, width: number) => swapFirstBlocks(v, H * width);
    const bias = (name: string) => {
      const given = stateDict[key(name)];
      return given === undefined
        ? new Float32Array(3 * H)
        : reorder(valuesOf(op, describe(op, key(name), given, 1)), 1);
    };
    return build(kind, [I, H], {
      input: transposeValues(reorder(valuesOf(op, ih), I), 3 * H, I),
      recurrent: transposeValues(reorder(valuesOf(op, hh), H), 3 * H, H),
      bias: bias('bias_ih'),
      recurrentBias: bias('bias_hh'),
    });
  }
  const sum = new Float32Array(gates * H);
  for (const b of biases) {
    const v = valuesOf(op, b);
    for (let i = 0; i < v.length; i++) sum[i]! += v[i]!;
  }
  const values = {
    input: transposeValues(valuesOf(op, ih), gates * H, I),
    recurrent: transposeValues(valuesOf(op, hh), gates * H, H),
    bias: sum,
  };
  return build(kind, [I, H], values);
}
