import { LanguageModel, type Model, SequenceClassifier } from '@recur/architectures';
import type { CellKind } from '@recur/cells';
import { RecurError } from '@recur/tensor';
import { cellWeightNames, recurrentClass } from './keras-layers.js';
import type { TfjsWeightSpec, TfjsWeightsGroup } from './weights-manifest.js';

/** A TF.js Layers `model.json`, as `model.save` writes it. */
export interface TfjsModelJson {
  modelTopology: {
    class_name: 'Sequential';
    config: { name: string; layers: KerasLayerJson[] };
    keras_version: string;
    backend: string;
  };
  format: 'layers-model';
  generatedBy: string;
  convertedBy: null;
  weightsManifest: TfjsWeightsGroup[];
}

/** One layer of a Keras config: `{ class_name, config }`. */
export interface KerasLayerJson {
  class_name: string;
  config: Record<string, unknown>;
}

/** What {@link toTfjs} returns: the `model.json` and its one weight shard. */
export interface TfjsModel {
  modelJson: TfjsModelJson;
  /** The float32 little-endian weights, in the order of the manifest (the file {@link TFJS_WEIGHTS_FILE}). */
  weightData: Uint8Array;
}

/** The name of the weight shard {@link toTfjs} lists in the manifest. */
export const TFJS_WEIGHTS_FILE = 'weights.bin';

/** The `keras_version` written: the tfjs-layers release the format was checked against. */
export const TFJS_LAYERS_VERSION = 'tfjs-layers 4.22.0';

interface Built {
  layers: KerasLayerJson[];
  weights: { name: string; shape: number[]; values: Float32Array }[];
}

/**
 * A recur model as a TensorFlow.js Layers model (`Sequential`), which
 * `tf.loadLayersModel` runs to the same predictions:
 *
 * - `LanguageModel` → `Embedding` → `SimpleRNN` / `LSTM` / `GRU` (`return_sequences`, stacked,
 *   `Dropout` between layers at the model's rate) → `Dense(V, softmax)`: the next-token
 *   probabilities, `softmax` of recur's logits. One-hot input becomes an `Embedding` whose
 *   table is the identity (the same numbers).
 * - `SequenceClassifier` → [`Embedding`] → RNN layers (`Bidirectional(…, concat)` when
 *   bidirectional) → readout `last` (the last layer's final state), `mean`
 *   (`GlobalAveragePooling1D`) or `max` (`GlobalMaxPooling1D`) → `Dense(K)` with the head's
 *   activation: `model.predict` equals `classifier.predict` (masks have no TF.js counterpart:
 *   run unpadded sequences).
 *
 * The IRNN is a `SimpleRNN` with `relu`; LSTM/GRU gates are `recurrent_activation` `sigmoid`, or
 * `hard_sigmoid` for `cellOptions.recurrentActivation: 'hardSigmoid'`. Weights keep their values
 * and layouts (Keras's and recur's agree). Refused (`ARGUMENT`, naming what): `Seq2Seq`,
 * `Captioner` and `Forecaster`, which `Sequential` cannot express, and reset-after GRUs
 * (`cellOptions.resetAfter`), which TF.js's GRU does not implement.
 */
export function toTfjs(model: Model): TfjsModel {
  let built: Built;
  if (model instanceof LanguageModel) built = languageModelLayers(model);
  else if (model instanceof SequenceClassifier) built = classifierLayers(model);
  else {
    const kind = (model as { config?: { architecture?: unknown } }).config?.architecture;
    throw new RecurError(
      'ARGUMENT',
      `toTfjs: a ${String(kind ?? typeof model)} has no TF.js Layers equivalent; LanguageModel and SequenceClassifier export`,
    );
  }
  const specs: TfjsWeightSpec[] = built.weights.map((w) => ({
    name: w.name,
    shape: w.shape,
    dtype: 'float32',
  }));
  const total = built.weights.reduce((n, w) => n + w.values.length, 0);
  const weightData = new Uint8Array(4 * total);
  const view = new DataView(weightData.buffer);
  let at = 0;
  for (const w of built.weights) {
    for (const v of w.values) {
      view.setFloat32(at, v, true);
      at += 4;
    }
  }
  return {
    modelJson: {
      modelTopology: {
        class_name: 'Sequential',
        config: { name: 'recur', layers: built.layers },
        keras_version: TFJS_LAYERS_VERSION,
        backend: 'tensor_flow.js',
      },
      format: 'layers-model',
      generatedBy: `recur ${model.config.architecture}`,
      convertedBy: null,
      weightsManifest: [{ paths: [TFJS_WEIGHTS_FILE], weights: specs }],
    },
    weightData,
  };
}

/** A parameter's values (copied out of the tensor). */
function valuesOf(model: Model, name: string): Float32Array {
  const p = model.parameters()[name];
  if (!p) throw new RecurError('ARGUMENT', `toTfjs: the model has no parameter ${name}`);
  return Float32Array.from(p.value.data());
}

const shapeOf = (model: Model, name: string): number[] => [...model.parameters()[name]!.shape];

function identity(n: number): Float32Array {
  const out = new Float32Array(n * n);
  for (let i = 0; i < n; i++) out[i * n + i] = 1;
  return out;
}

/** The `Embedding` layer: the model's table, or the identity for one-hot input. */
function embeddingLayer(model: Model, vocabularySize: number, table: boolean): Built {
  const size = table ? shapeOf(model, 'embedding')[1]! : vocabularySize;
  return {
    layers: [
      {
        class_name: 'Embedding',
        config: {
          name: 'embedding',
          trainable: true,
          batch_input_shape: [null, null],
          dtype: 'float32',
          input_dim: vocabularySize,
          output_dim: size,
          mask_zero: false,
        },
      },
    ],
    weights: [
      {
        name: 'embedding/embeddings',
        shape: [vocabularySize, size],
        values: table ? valuesOf(model, 'embedding') : identity(vocabularySize),
      },
    ],
  };
}

/** A model's cell variant (`cellOptions` of `@recur/architectures`; absent: the defaults). */
interface CellVariant {
  resetAfter?: boolean;
  recurrentActivation?: 'sigmoid' | 'hardSigmoid';
}

/** One recurrent layer's config (snake_case, as `model.save` writes it). */
function cellConfig(
  cell: CellKind,
  variant: CellVariant,
  name: string,
  units: number,
  returnSequences: boolean,
) {
  const config: Record<string, unknown> = {
    name,
    trainable: true,
    units,
    activation: cell === 'irnn' ? 'relu' : 'tanh',
    use_bias: true,
    dropout: 0,
    recurrent_dropout: 0,
    return_sequences: returnSequences,
    return_state: false,
    go_backwards: false,
    stateful: false,
    unroll: false,
  };
  if (cell === 'lstm' || cell === 'gru') {
    config.recurrent_activation =
      variant.recurrentActivation === 'hardSigmoid' ? 'hard_sigmoid' : 'sigmoid';
  }
  if (cell === 'gru') config.reset_after = false;
  return config;
}

/** The stacked recurrent layers (each in `Bidirectional` when `bidirectional`), with dropout between them. */
function recurrentLayers(
  model: Model,
  options: {
    cell: CellKind;
    hiddenSize: number;
    numLayers: number;
    bidirectional: boolean;
    dropout: number;
    lastReturnsSequences: boolean;
    cellOptions?: CellVariant | undefined;
    inputShape?: (number | null)[];
  },
): Built {
  const { cell, hiddenSize, numLayers, bidirectional, dropout } = options;
  if (options.cellOptions?.resetAfter) {
    throw new RecurError(
      'ARGUMENT',
      "toTfjs: the model's cells are reset-after GRUs (cellOptions.resetAfter); TF.js's GRU does not implement reset_after, so tf.loadLayersModel could not run it",
    );
  }
  const names = cellWeightNames(cell);
  const cls = recurrentClass('toTfjs', cell);
  const out: Built = { layers: [], weights: [] };
  for (let l = 0; l < numLayers; l++) {
    if (l > 0 && dropout > 0) {
      out.layers.push({
        class_name: 'Dropout',
        config: { name: `dropout_${l}`, trainable: true, rate: dropout },
      });
    }
    const name = `${cls.toLowerCase()}_${l + 1}`;
    const returns = l < numLayers - 1 || options.lastReturnsSequences;
    const config = cellConfig(cell, options.cellOptions ?? {}, name, hiddenSize, returns);
    const first =
      l === 0 && options.inputShape
        ? { batch_input_shape: options.inputShape, dtype: 'float32' }
        : {};
    const outer = bidirectional ? `bidirectional_${l + 1}` : name;
    out.layers.push(
      bidirectional
        ? {
            class_name: 'Bidirectional',
            config: {
              name: outer,
              trainable: true,
              merge_mode: 'concat',
              layer: { class_name: cls, config },
              ...first,
            },
          }
        : { class_name: cls, config: { ...config, ...first } },
    );
    for (const d of bidirectional ? ['forward', 'backward'] : ['forward']) {
      const prefix = bidirectional ? `${outer}/${d}_${name}/` : `${name}/`;
      const recur = `rnn.layer${l}.${d}.`;
      for (const [kind, param] of Object.entries(names)) {
        out.weights.push({
          name: prefix + kind,
          shape: shapeOf(model, recur + param),
          values: valuesOf(model, recur + param),
        });
      }
    }
  }
  return out;
}

function denseLayer(model: Model, activation: string): Built {
  const shape = shapeOf(model, 'W_ao');
  return {
    layers: [
      {
        class_name: 'Dense',
        config: { name: 'dense', trainable: true, units: shape[1], activation, use_bias: true },
      },
    ],
    weights: [
      { name: 'dense/kernel', shape, values: valuesOf(model, 'W_ao') },
      { name: 'dense/bias', shape: shapeOf(model, 'b_o'), values: valuesOf(model, 'b_o') },
    ],
  };
}

const join = (...parts: Built[]): Built => ({
  layers: parts.flatMap((p) => p.layers),
  weights: parts.flatMap((p) => p.weights),
});

function languageModelLayers(model: LanguageModel): Built {
  const c = model.config;
  return join(
    embeddingLayer(model, c.vocabularySize, c.input.kind === 'embedding'),
    recurrentLayers(model, { ...c, bidirectional: false, lastReturnsSequences: true }),
    denseLayer(model, 'softmax'),
  );
}

function classifierLayers(model: SequenceClassifier): Built {
  const c = model.config;
  const input = c.input;
  const parts: Built[] = [];
  if (input.kind !== 'features') {
    parts.push(embeddingLayer(model, input.vocabularySize, input.kind === 'embedding'));
  }
  parts.push(
    recurrentLayers(model, {
      ...c,
      lastReturnsSequences: c.readout !== 'last',
      ...(input.kind === 'features' ? { inputShape: [null, null, input.size] } : {}),
    } as Parameters<typeof recurrentLayers>[1]),
  );
  if (c.readout !== 'last') {
    const cls = c.readout === 'mean' ? 'GlobalAveragePooling1D' : 'GlobalMaxPooling1D';
    parts.push({
      layers: [
        {
          class_name: cls,
          config: {
            name: c.readout === 'mean' ? 'average_pooling' : 'max_pooling',
            trainable: true,
          },
        },
      ],
      weights: [],
    });
  }
  parts.push(denseLayer(model, c.head));
  return join(...parts);
}
