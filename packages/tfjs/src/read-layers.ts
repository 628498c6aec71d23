import type { CellKind } from '@recur/cells';
import { RecurError } from '@recur/tensor';
import { activationName, cellWeightNames, gatesOf } from './keras-layers.js';
import { isRecord, type KerasLayer, type LayerChain } from './topology.js';
import type { TfjsWeightSpec } from './weights-manifest.js';

/** Where one recur parameter comes from: a weight of the file, or zeros (a layer without bias). */
export interface WeightSource {
  /** recur's name, e.g. `rnn.layer0.forward.W_x`. */
  readonly name: string;
  readonly shape: readonly number[];
  /** The file's weight, or `null` for zeros. */
  readonly from: string | null;
  /** Only this row of the file's weight (a reset-after GRU's `bias [2, 3H]`: input, recurrent). */
  readonly row?: number;
}

/** A TF.js model read as a recur model: its config and where each parameter comes from. */
export interface TfjsPlan {
  config: Record<string, unknown>;
  weights: WeightSource[];
}

/** One recurrent layer (or `Bidirectional` wrapper) as read. */
interface Recurrent {
  layer: KerasLayer;
  cell: CellKind;
  units: number;
  bidirectional: boolean;
  returnSequences: boolean;
  useBias: boolean;
  /** GRU `reset_after`. */
  resetAfter: boolean;
  /** LSTM / GRU gate activation. */
  recurrentActivation: 'sigmoid' | 'hardSigmoid';
}

const recurrentClasses: Record<string, CellKind> = { SimpleRNN: 'rnn', LSTM: 'lstm', GRU: 'gru' };

/** Layers that do nothing at inference and are read as such. */
const INFERENCE_NO_OPS = new Set(['Dropout', 'InputLayer']);

/**
 * Reads a chain of Keras layers as a recur `LanguageModel` or `SequenceClassifier`:
 *
 * - `[InputLayer] [Embedding] RNN… [Dropout…] Dense` — a `SequenceClassifier` when the last
 *   recurrent layer returns its final state (readout `last`) or is followed by
 *   `GlobalAveragePooling1D` / `GlobalMaxPooling1D` (`mean` / `max`); the `Dense` activation is
 *   the head (`softmax`, `sigmoid`, `linear`).
 * - `Embedding RNN(returnSequences)… Dense(V)` or `TimeDistributed(Dense(V))` with V the
 *   embedding's `input_dim` — a `LanguageModel` (`softmax` or `linear`: recur's logits are the
 *   same either way).
 *
 * RNN is `SimpleRNN` (tanh; `relu` is recur's IRNN), `LSTM` or `GRU`, or one of them in
 * `Bidirectional` (merge mode `concat`); stacked layers must share cell, width, direction and
 * gate variant (`hard_sigmoid` gates and GRU `reset_after` become the model's `cellOptions`).
 * Anything else is refused by name (`RecurError` `FORMAT`).
 */
export function readLayers(
  chain: LayerChain,
  specs: readonly TfjsWeightSpec[],
  source: string,
): TfjsPlan {
  const weights = weightFinder(specs, source);
  const layers = chain.layers.filter((l) => !INFERENCE_NO_OPS.has(l.className));
  let at = 0;
  let embedding: { vocabularySize: number; size: number; from: string } | null = null;
  if (layers[at]?.className === 'Embedding') {
    embedding = readEmbedding(layers[at]!, weights, source);
    at++;
  }
  const recurrent: Recurrent[] = [];
  while (at < layers.length && isRecurrent(layers[at]!)) {
    recurrent.push(readRecurrent(layers[at]!, chain.kerasVersion, source));
    at++;
  }
  let readout: 'last' | 'mean' | 'max' = 'last';
  const pooling = layers[at]?.className;
  if (pooling === 'GlobalAveragePooling1D' || pooling === 'GlobalMaxPooling1D') {
    readout = pooling === 'GlobalAveragePooling1D' ? 'mean' : 'max';
    checkPooling(layers[at]!, source);
    at++;
  }
  const dense = at < layers.length ? readDense(layers[at]!, layers[at + 1], source) : null;
  if (dense) at += dense.layers;
  if (at < layers.length || recurrent.length === 0 || !dense) {
    const layer = layers[at] ?? layers[layers.length - 1]!;
    const expected =
      recurrent.length === 0
        ? 'a SimpleRNN, LSTM, GRU or Bidirectional layer'
        : !dense
          ? 'a Dense (or TimeDistributed(Dense)) output layer'
          : 'nothing after the output layer';
    throw new RecurError(
      'FORMAT',
      `${source}: layer ${layer.name} (${describeClass(layer)}) is not read by recur; expected ${expected} (recur reads [Embedding] → SimpleRNN/LSTM/GRU/Bidirectional… → [GlobalAverage/MaxPooling1D] → Dense)`,
    );
  }
  const first = recurrent[0]!;
  for (const [i, r] of recurrent.entries()) {
    const same =
      r.cell === first.cell &&
      r.units === first.units &&
      r.bidirectional === first.bidirectional &&
      r.resetAfter === first.resetAfter &&
      r.recurrentActivation === first.recurrentActivation;
    if (!same) {
      throw new RecurError(
        'FORMAT',
        `${source}: recurrent layer ${r.layer.name} is ${describe(r)} and ${first.layer.name} ${describe(first)}; recur stacks layers of one cell, width, direction and gate variant`,
      );
    }
    if (i < recurrent.length - 1 && !r.returnSequences) {
      throw new RecurError(
        'FORMAT',
        `${source}: ${r.layer.name} feeds another recurrent layer but has return_sequences false`,
      );
    }
  }
  const last = recurrent[recurrent.length - 1]!;
  if (readout !== 'last' && !last.returnSequences) {
    throw new RecurError(
      'FORMAT',
      `${source}: ${pooling} after ${last.layer.name}, which has return_sequences false`,
    );
  }
  const dropout = stackDropout(chain.layers, recurrent, source);
  const H = first.units;
  const directions = first.bidirectional ? ['forward', 'backward'] : ['forward'];
  const inputSize = embedding ? embedding.size : kernelRows(first, weights, source);
  const out: WeightSource[] = [];
  if (embedding)
    out.push({ name: 'embedding', shape: weights.shape(embedding.from), from: embedding.from });
  for (const [l, r] of recurrent.entries()) {
    const names = cellWeightNames(r.cell);
    const G = gatesOf(r.cell) * H;
    for (const d of directions) {
      const at = `rnn.layer${l}.${d}.`;
      const key = (kind: string) => (first.bidirectional ? `${d}.${kind}` : `forward.${kind}`);
      const kernel = weights.take(r.layer, key('kernel'));
      const recurrentKernel = weights.take(r.layer, key('recurrent_kernel'));
      out.push(
        { name: at + names.kernel, shape: weights.shape(kernel), from: kernel },
        {
          name: at + names.recurrent_kernel,
          shape: weights.shape(recurrentKernel),
          from: recurrentKernel,
        },
      );
      if (!r.useBias) {
        out.push({ name: at + names.bias, shape: [G], from: null });
        if (r.resetAfter) out.push({ name: `${at}b_a`, shape: [G], from: null });
      } else if (r.resetAfter) {
        // Keras keeps a reset-after GRU's two biases in one [2, 3H]: input side, recurrent side.
        const bias = weights.take(r.layer, key('bias'));
        const shape = weights.shape(bias);
        if (shape.length !== 2 || shape[0] !== 2) {
          throw new RecurError(
            'FORMAT',
            `${source}: weight ${bias} is ${JSON.stringify(shape)}; a reset_after GRU's bias is [2, 3 × units]`,
          );
        }
        out.push(
          { name: at + names.bias, shape: [shape[1]!], from: bias, row: 0 },
          { name: `${at}b_a`, shape: [shape[1]!], from: bias, row: 1 },
        );
      } else {
        const bias = weights.take(r.layer, key('bias'));
        out.push({ name: at + names.bias, shape: weights.shape(bias), from: bias });
      }
    }
  }
  const kernel = weights.take(dense.layer, 'forward.kernel');
  out.push({ name: 'W_ao', shape: weights.shape(kernel), from: kernel });
  if (dense.useBias) {
    const bias = weights.take(dense.layer, 'forward.bias');
    out.push({ name: 'b_o', shape: weights.shape(bias), from: bias });
  } else {
    out.push({ name: 'b_o', shape: [dense.units], from: null });
  }
  weights.checkAllTaken();

  const perStep = last.returnSequences && readout === 'last';
  const cellOptions = {
    ...(first.resetAfter ? { resetAfter: true } : {}),
    ...(first.recurrentActivation === 'hardSigmoid' ? { recurrentActivation: 'hardSigmoid' } : {}),
  };
  const common = {
    cell: first.cell,
    hiddenSize: H,
    numLayers: recurrent.length,
    dropout,
    seed: 0,
    ...(Object.keys(cellOptions).length > 0 ? { cellOptions } : {}),
  };
  if (perStep) {
    if (!embedding) {
      throw new RecurError(
        'FORMAT',
        `${source}: ${last.layer.name} returns sequences over feature inputs; recur reads per-step outputs only as a language model (Embedding → RNN → Dense over the vocabulary)`,
      );
    }
    if (first.bidirectional) {
      throw new RecurError(
        'FORMAT',
        `${source}: a bidirectional layer (${first.layer.name}) predicting at every step is not a language model recur can run (it would read the future)`,
      );
    }
    if (
      dense.units !== embedding.vocabularySize ||
      !['softmax', 'linear'].includes(dense.activation)
    ) {
      throw new RecurError(
        'FORMAT',
        `${source}: the per-step output ${dense.layer.name} is Dense(${dense.units}, ${dense.activation}); a language model over the embedding's ${embedding.vocabularySize} tokens needs Dense(${embedding.vocabularySize}, softmax or linear)`,
      );
    }
    return {
      config: {
        architecture: 'LanguageModel',
        vocabularySize: embedding.vocabularySize,
        input: { kind: 'embedding', size: embedding.size },
        ...common,
      },
      weights: out,
    };
  }
  if (!['softmax', 'sigmoid', 'linear'].includes(dense.activation)) {
    throw new RecurError(
      'FORMAT',
      `${source}: the output layer ${dense.layer.name} has activation ${dense.activation}; recur's classifier heads are softmax, sigmoid and linear`,
    );
  }
  return {
    config: {
      architecture: 'SequenceClassifier',
      input: embedding
        ? { kind: 'embedding', vocabularySize: embedding.vocabularySize, size: embedding.size }
        : { kind: 'features', size: inputSize },
      ...common,
      bidirectional: first.bidirectional,
      readout,
      head: dense.activation,
      outputSize: dense.units,
    },
    weights: out,
  };
}

const describe = (r: Recurrent): string =>
  `${r.bidirectional ? 'a bidirectional ' : 'a '}${r.cell} of ${r.units} units`;

function describeClass(layer: KerasLayer): string {
  const inner = isRecord(layer.config.layer) ? layer.config.layer.class_name : undefined;
  return typeof inner === 'string' ? `${layer.className}(${inner})` : layer.className;
}

function isRecurrent(layer: KerasLayer): boolean {
  return layer.className === 'Bidirectional' || Object.hasOwn(recurrentClasses, layer.className);
}

/** A positive integer option of a layer. */
function positive(layer: KerasLayer, key: string, source: string): number {
  const v = layer.config[key];
  if (!Number.isSafeInteger(v) || (v as number) < 1) {
    throw new RecurError(
      'FORMAT',
      `${source}: ${layer.name} (${layer.className}) has ${key} ${JSON.stringify(v)}; expected a positive integer`,
    );
  }
  return v as number;
}

/** Refuses a layer option whose value changes what the layer computes (`want` is what recur runs). */
function refuseUnless(
  layer: KerasLayer,
  key: string,
  ok: (v: unknown) => boolean,
  want: string,
  source: string,
): void {
  const v = layer.config[key];
  if (!ok(v)) {
    throw new RecurError(
      'FORMAT',
      `${source}: ${layer.name} (${layer.className}) has ${key} ${JSON.stringify(v)}; recur runs only ${want}`,
    );
  }
}

const falsy = (v: unknown) => v === undefined || v === null || v === false;

function readEmbedding(
  layer: KerasLayer,
  weights: WeightFinder,
  source: string,
): { vocabularySize: number; size: number; from: string } {
  refuseUnless(
    layer,
    'mask_zero',
    falsy,
    'mask_zero false (recur models take an explicit mask)',
    source,
  );
  const vocabularySize = positive(layer, 'input_dim', source);
  const size = positive(layer, 'output_dim', source);
  return { vocabularySize, size, from: weights.take(layer, 'forward.embeddings') };
}

function readRecurrent(outer: KerasLayer, kerasVersion: string, source: string): Recurrent {
  let layer = outer;
  const bidirectional = outer.className === 'Bidirectional';
  if (bidirectional) {
    refuseUnless(outer, 'merge_mode', (v) => v === 'concat', "merge_mode 'concat'", source);
    const inner = outer.config.layer;
    if (!isRecord(inner) || typeof inner.class_name !== 'string' || !isRecord(inner.config)) {
      throw new RecurError(
        'FORMAT',
        `${source}: ${outer.name} (Bidirectional) has no layer config`,
      );
    }
    layer = { className: inner.class_name, name: outer.name, config: inner.config };
    if (!Object.hasOwn(recurrentClasses, layer.className)) {
      throw new RecurError(
        'FORMAT',
        `${source}: ${outer.name} wraps a ${layer.className}; recur reads Bidirectional(SimpleRNN | LSTM | GRU)`,
      );
    }
    const backward = outer.config.backward_layer;
    if (isRecord(backward) && backward.class_name !== layer.className) {
      throw new RecurError(
        'FORMAT',
        `${source}: ${outer.name} has a ${String(backward.class_name)} backward layer beside a ${layer.className}; recur runs the same cell both ways`,
      );
    }
  }
  const cls = layer.className;
  const units = positive(layer, 'units', source);
  for (const key of ['go_backwards', 'stateful', 'return_state', 'time_major']) {
    refuseUnless(layer, key, falsy, `${key} false`, source);
  }
  const activation = activationName(layer.config.activation) ?? 'tanh';
  let cell = recurrentClasses[cls]!;
  if (cls === 'SimpleRNN' && activation === 'relu') cell = 'irnn';
  else if (activation !== 'tanh') {
    throw new RecurError(
      'FORMAT',
      `${source}: ${layer.name} (${cls}) has activation ${activation}; recur runs tanh${cls === 'SimpleRNN' ? ' (or relu, its IRNN)' : ''}`,
    );
  }
  let recurrentActivation: 'sigmoid' | 'hardSigmoid' = 'sigmoid';
  if (cls !== 'SimpleRNN') {
    // Left out, it is TF.js's (and Keras 2's) default, hard_sigmoid.
    const gates = activationName(layer.config.recurrent_activation) ?? 'hard_sigmoid';
    // Keras 1–2 and TF.js: hard_sigmoid(x) = clip(0.2x + 0.5, 0, 1), recur's hardSigmoid;
    // Keras 3 redefined it as relu6(x + 3) / 6, which recur does not run.
    const keras3 = /^3\./.test(kerasVersion);
    if (gates === 'hard_sigmoid' && !keras3) recurrentActivation = 'hardSigmoid';
    else if (gates !== 'sigmoid') {
      throw new RecurError(
        'FORMAT',
        `${source}: ${layer.name} (${cls}) has recurrent_activation ${gates}${keras3 && gates === 'hard_sigmoid' ? ` of Keras ${kerasVersion} (x/6 + 0.5)` : ''}; recur runs sigmoid and TF.js's hard_sigmoid (0.2x + 0.5)`,
      );
    }
  }
  const resetAfter = cls === 'GRU' && layer.config.reset_after === true;
  if (cls === 'GRU') {
    refuseUnless(
      layer,
      'reset_after',
      (v) => falsy(v) || v === true,
      'reset_after true or false',
      source,
    );
  }
  return {
    layer: outer,
    cell,
    units,
    bidirectional,
    returnSequences: layer.config.return_sequences === true,
    useBias: layer.config.use_bias !== false,
    resetAfter,
    recurrentActivation,
  };
}

function checkPooling(layer: KerasLayer, source: string): void {
  refuseUnless(
    layer,
    'data_format',
    (v) => v === undefined || v === null || v === 'channels_last',
    "data_format 'channels_last'",
    source,
  );
  refuseUnless(layer, 'keepdims', falsy, 'keepdims false', source);
}

/** The output `Dense` (maybe in `TimeDistributed`, maybe followed by an `Activation`). */
function readDense(
  layer: KerasLayer,
  next: KerasLayer | undefined,
  source: string,
): {
  layer: KerasLayer;
  units: number;
  activation: string;
  useBias: boolean;
  layers: number;
} | null {
  let dense = layer;
  if (layer.className === 'TimeDistributed') {
    const inner = layer.config.layer;
    if (!isRecord(inner) || inner.class_name !== 'Dense' || !isRecord(inner.config)) return null;
    dense = { className: 'Dense', name: layer.name, config: inner.config };
  } else if (layer.className !== 'Dense') {
    return null;
  }
  const units = positive(dense, 'units', source);
  let activation = activationName(dense.config.activation) ?? 'linear';
  let layers = 1;
  if (next?.className === 'Activation' && activation === 'linear') {
    activation = activationName(next.config.activation) ?? 'linear';
    layers = 2;
  }
  return { layer, units, activation, useBias: dense.config.use_bias !== false, layers };
}

/** The one dropout rate of the `Dropout` layers between stacked recurrent layers (0 if none). */
function stackDropout(
  all: readonly KerasLayer[],
  recurrent: readonly Recurrent[],
  source: string,
): number {
  const first = all.indexOf(recurrent[0]!.layer);
  const last = all.indexOf(recurrent[recurrent.length - 1]!.layer);
  const rates = new Set<number>();
  for (const layer of all.slice(first, last)) {
    if (layer.className !== 'Dropout') continue;
    const rate = layer.config.rate;
    if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) {
      throw new RecurError(
        'FORMAT',
        `${source}: ${layer.name} (Dropout) has rate ${JSON.stringify(rate)}; expected a number in [0, 1)`,
      );
    }
    rates.add(rate);
  }
  if (rates.size > 1) {
    throw new RecurError(
      'FORMAT',
      `${source}: the Dropout layers between recurrent layers have rates ${[...rates].join(', ')}; recur trains with one rate between stacked layers`,
    );
  }
  return rates.size === 0 ? 0 : [...rates][0]!;
}

function kernelRows(r: Recurrent, weights: WeightFinder, source: string): number {
  const name = weights.peek(r.layer, 'forward.kernel');
  const shape = weights.shape(name);
  if (shape.length !== 2 || shape[0]! < 1) {
    throw new RecurError(
      'FORMAT',
      `${source}: weight ${name} has shape ${JSON.stringify(shape)}; expected [inputs, gates × units]`,
    );
  }
  return shape[0]!;
}

interface WeightFinder {
  /** The file's weight of `layer` of this kind (`forward.kernel`, `backward.bias`, …), marked used. */
  take(layer: KerasLayer, key: string): string;
  /** The same without marking it used. */
  peek(layer: KerasLayer, key: string): string;
  shape(name: string): readonly number[];
  /** Refuses weights no layer used. */
  checkAllTaken(): void;
}

/**
 * Finds each layer's weights by name: those under `<layer name>/`, told apart by their last
 * segment (`kernel`, `recurrent_kernel`, `bias`, `embeddings`) and, in a `Bidirectional`, by a
 * segment `forward_…` / `backward_…` — the names TF.js and the tensorflowjs converter write
 * (`lstm_1/kernel`, `bidirectional/forward_lstm/lstm_cell/kernel`).
 */
function weightFinder(specs: readonly TfjsWeightSpec[], source: string): WeightFinder {
  const shapes = new Map(specs.map((s) => [s.name, s.shape] as const));
  const taken = new Set<string>();
  const find = (layer: KerasLayer, key: string): string => {
    const [direction, kind] = key.split('.') as [string, string];
    const matches = specs.filter((s) => {
      if (!s.name.startsWith(`${layer.name}/`)) return false;
      const parts = s.name.slice(layer.name.length + 1).split('/');
      if (parts[parts.length - 1]!.replace(/:\d+$/, '') !== kind) return false;
      const side = parts.find((p) => p.startsWith('forward_') || p.startsWith('backward_'));
      return (side?.startsWith('backward_') ? 'backward' : 'forward') === direction;
    });
    if (matches.length !== 1) {
      throw new RecurError(
        'FORMAT',
        `${source}: layer ${layer.name} (${describeClass(layer)}) needs one ${direction === 'backward' ? 'backward ' : ''}${kind} weight under ${layer.name}/; the manifest has ${matches.length === 0 ? 'none' : matches.map((m) => m.name).join(', ')}`,
      );
    }
    return matches[0]!.name;
  };
  return {
    peek: find,
    take(layer, key) {
      const name = find(layer, key);
      taken.add(name);
      return name;
    },
    shape: (name) => shapes.get(name)!,
    checkAllTaken() {
      const left = specs.filter((s) => !taken.has(s.name)).map((s) => s.name);
      if (left.length > 0) {
        throw new RecurError(
          'FORMAT',
          `${source}: weights ${left.slice(0, 5).join(', ')}${left.length > 5 ? ` and ${left.length - 5} more` : ''} belong to no layer recur reads`,
        );
      }
    },
  };
}
