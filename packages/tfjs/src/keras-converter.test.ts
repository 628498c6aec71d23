import { memory } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { modelFromTfjs } from './import-tfjs.js';
import {
  disposeModel,
  ids,
  maxAbsDifference,
  recurPredict,
  saveFromTfjs,
  scrambleTfjs,
  tf,
  tfjsPredict,
} from './test-support/tfjs.js';

/**
 * Files from the tensorflowjs converter (Keras 2 `.h5` / SavedModel → `model.json`) name layers
 * and weights as Keras does (`bidirectional/forward_lstm/lstm_cell/kernel`), wrap the topology
 * in `model_config`, and list a functional model's layers with inbound nodes — in Keras 2's
 * nested arrays or Keras 3's `keras_history` objects. The weights here come from a TF.js model,
 * renamed as the converter writes them, so TF.js's predictions are the reference.
 */
async function reference() {
  const model = tf.sequential();
  model.add(tf.layers.embedding({ inputDim: 9, outputDim: 4, inputShape: [null] as never }));
  model.add(
    tf.layers.bidirectional({
      layer: tf.layers.lstm({ units: 3, recurrentActivation: 'sigmoid' }) as never,
      mergeMode: 'concat',
    }),
  );
  model.add(tf.layers.dense({ units: 2, activation: 'softmax' }));
  const saved = await saveFromTfjs(scrambleTfjs(model));
  const layers = (
    saved.modelTopology as {
      config: { layers: { class_name: string; config: Record<string, unknown> }[] };
    }
  ).config.layers;
  return { model, saved, layers };
}

const KERAS_NAMES = [
  'embedding/embeddings',
  'bidirectional/forward_lstm/lstm_cell/kernel',
  'bidirectional/forward_lstm/lstm_cell/recurrent_kernel',
  'bidirectional/forward_lstm/lstm_cell/bias',
  'bidirectional/backward_lstm/lstm_cell/kernel',
  'bidirectional/backward_lstm/lstm_cell/recurrent_kernel',
  'bidirectional/backward_lstm/lstm_cell/bias',
  'dense/kernel',
  'dense/bias',
];

describe('modelFromTfjs reads files as the tensorflowjs converter writes them', () => {
  it.each(['keras 2', 'keras 3'] as const)(
    'a functional model in model_config, %s inbound nodes',
    async (style) => {
      const { model, saved, layers } = await reference();
      const names = ['embedding', 'bidirectional', 'dense'];
      const inbound = (from: string) =>
        style === 'keras 2'
          ? [[[from, 0, 0, {}]]]
          : [
              {
                args: [{ class_name: '__keras_tensor__', config: { keras_history: [from, 0, 0] } }],
                kwargs: {},
              },
            ];
      const functional = [
        {
          class_name: 'InputLayer',
          name: 'input_1',
          config: { name: 'input_1', batch_input_shape: [null, null] },
          inbound_nodes: [],
        },
        ...layers.map((l, i) => ({
          class_name: l.class_name,
          name: names[i],
          config: { ...l.config, name: names[i] },
          inbound_nodes: inbound(i === 0 ? 'input_1' : names[i - 1]!),
        })),
      ];
      const endpoints = (name: string) => (style === 'keras 2' ? [[name, 0, 0]] : [name, 0, 0]);
      const json = {
        format: 'layers-model',
        generatedBy: 'keras v2.15.0',
        convertedBy: 'TensorFlow.js Converter v4.22.0',
        modelTopology: {
          keras_version: '2.15.0',
          backend: 'tensorflow',
          model_config: {
            class_name: 'Functional',
            config: {
              name: 'model',
              layers: functional,
              input_layers: endpoints('input_1'),
              output_layers: endpoints('dense'),
            },
          },
          training_config: { loss: 'categorical_crossentropy' },
        },
        weightsManifest: [
          {
            paths: ['group1-shard1of1.bin'],
            weights: saved.weightSpecs.map((s, i) => ({ ...s, name: KERAS_NAMES[i]! })),
          },
        ],
      };
      const before = memory().numTensors;
      const imported = modelFromTfjs(JSON.stringify(json), saved.weightData);
      expect(imported.config).toMatchObject({
        architecture: 'SequenceClassifier',
        bidirectional: true,
        cell: 'lstm',
      });
      const x = ids(2, 5, 9);
      expect(
        maxAbsDifference(tfjsPredict(model, x, [2, 5]), recurPredict(imported, x, [2, 5])),
      ).toBeLessThan(1e-5);
      disposeModel(imported);
      expect(memory().numTensors).toBe(before);
      model.dispose();
    },
  );
});
