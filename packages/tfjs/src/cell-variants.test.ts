import { SequenceClassifier } from '@recur/architectures';
import { memory } from '@recur/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { toTfjs } from './export-tfjs.js';
import { modelFromTfjs } from './import-tfjs.js';
import {
  disposeModel,
  features,
  ids,
  loadInTfjs,
  maxAbsDifference,
  recurPredict,
  saveFromTfjs,
  scrambleRecur,
  scrambleTfjs,
  tf,
  tfjsPredict,
} from './test-support/tfjs.js';

const measured: string[] = [];
afterAll(() => console.log(`cell variants, max |difference|:\n${measured.join('\n')}`));

describe("TF.js's default gates (recurrentActivation hardSigmoid) both ways", () => {
  it.each(['lstm', 'gru'] as const)(
    'a TF.js default %s stack imports and predicts the same',
    async (kind) => {
      const model = tf.sequential();
      model.add(tf.layers.embedding({ inputDim: 10, outputDim: 4, inputShape: [null] as never }));
      model.add(tf.layers[kind]({ units: 6, returnSequences: true })); // TF.js defaults
      model.add(tf.layers[kind]({ units: 6, returnSequences: true }));
      model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
      const saved = await saveFromTfjs(scrambleTfjs(model));
      const before = memory().numTensors;
      const imported = modelFromTfjs(saved, saved.weightData);
      expect(imported.config).toMatchObject({
        cellOptions: { recurrentActivation: 'hardSigmoid' },
      });
      const x = ids(2, 8, 10);
      const difference = maxAbsDifference(
        tfjsPredict(model, x, [2, 8]),
        recurPredict(imported, x, [2, 8]),
      );
      measured.push(
        `TF.js → recur LanguageModel ${kind} hardSigmoid ×2: ${difference.toExponential(2)}`,
      );
      expect(difference).toBeLessThan(1e-5);
      disposeModel(imported);
      // The same weights read with logistic gates miss TF.js's predictions: the variant matters.
      const topology = JSON.parse(JSON.stringify(saved.modelTopology));
      for (const layer of topology.config.layers) {
        if (layer.config.recurrent_activation) layer.config.recurrent_activation = 'sigmoid';
      }
      const logistic = modelFromTfjs({ ...saved, modelTopology: topology }, saved.weightData);
      const wrong = maxAbsDifference(
        tfjsPredict(model, x, [2, 8]),
        recurPredict(logistic, x, [2, 8]),
      );
      measured.push(`  the same weights read with sigmoid gates: ${wrong.toExponential(2)}`);
      expect(wrong).toBeGreaterThan(100 * difference + 1e-6);
      disposeModel(logistic);
      expect(memory().numTensors).toBe(before);
      model.dispose();
    },
  );

  it.each(['lstm', 'gru'] as const)(
    'a recur %s classifier with hardSigmoid gates exports to TF.js',
    async (cell) => {
      const model = new SequenceClassifier({
        input: { kind: 'embedding', vocabularySize: 8, size: 3 },
        hiddenSize: 5,
        outputSize: 3,
        cell,
        bidirectional: true,
        cellOptions: { recurrentActivation: 'hardSigmoid' },
        seed: 2,
      });
      const exported = toTfjs(scrambleRecur(model));
      const first = exported.modelJson.modelTopology.config.layers[1]!.config.layer as Record<
        string,
        unknown
      >;
      expect(first.config).toMatchObject({ recurrent_activation: 'hard_sigmoid' });
      const loaded = await loadInTfjs(exported);
      const x = ids(3, 6, 8);
      const difference = maxAbsDifference(
        tfjsPredict(loaded, x, [3, 6]),
        recurPredict(model, x, [3, 6]),
      );
      measured.push(
        `recur → TF.js SequenceClassifier ${cell} hardSigmoid bi: ${difference.toExponential(2)}`,
      );
      expect(difference).toBeLessThan(1e-5);
      loaded.dispose();
      disposeModel(model);
    },
  );
});

/**
 * Keras 2's GRU default, `reset_after=True`, written by hand (TF.js cannot run it):
 * bias `[2, 3H]` = input bias, recurrent bias; blocks z, r, h;
 * `hh = tanh(x W_h + b_h + r ⊙ (a W_rh + b_rh))`, `a' = z ⊙ a + (1 − z) ⊙ hh`.
 */
function kerasResetAfterGru(
  x: number[],
  [T, I]: [number, number],
  H: number,
  kernel: Float32Array,
  recurrent: Float32Array,
  bias: Float32Array,
): number[] {
  const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
  let a = new Array<number>(H).fill(0);
  for (let t = 0; t < T; t++) {
    const xs = Array.from({ length: 3 * H }, (_, j) => {
      let s = bias[j]!;
      for (let i = 0; i < I; i++) s += x[t * I + i]! * kernel[i * 3 * H + j]!;
      return s;
    });
    const rs = Array.from({ length: 3 * H }, (_, j) => {
      let s = bias[3 * H + j]!;
      for (let k = 0; k < H; k++) s += a[k]! * recurrent[k * 3 * H + j]!;
      return s;
    });
    a = a.map((prev, k) => {
      const z = sigmoid(xs[k]! + rs[k]!);
      const r = sigmoid(xs[H + k]! + rs[H + k]!);
      const hh = Math.tanh(xs[2 * H + k]! + r * rs[2 * H + k]!);
      return z * prev + (1 - z) * hh;
    });
  }
  return a;
}

describe('GRU reset_after (as the tensorflowjs converter writes Keras 2 GRUs)', () => {
  it('imports into a reset-after recur GRU that computes the Keras equations', () => {
    const [T, I, H] = [5, 3, 4];
    const kernel = Float32Array.from(features(I * 3 * H, 11), (v) => v * 0.8);
    const recurrent = Float32Array.from(features(H * 3 * H, 12), (v) => v * 0.8);
    const bias = Float32Array.from(features(2 * 3 * H, 13), (v) => v * 0.5);
    const dense = Float32Array.from(features(H, 14));
    const json = {
      modelTopology: {
        class_name: 'Sequential',
        keras_version: '2.15.0',
        config: {
          name: 'sequential',
          layers: [
            {
              class_name: 'InputLayer',
              config: { name: 'input_1', batch_input_shape: [null, null, I] },
            },
            {
              class_name: 'GRU',
              config: {
                name: 'gru',
                units: H,
                activation: 'tanh',
                recurrent_activation: 'sigmoid',
                reset_after: true,
                return_sequences: false,
              },
            },
            { class_name: 'Dense', config: { name: 'dense', units: 1, activation: 'linear' } },
          ],
        },
      },
      weightsManifest: [
        {
          paths: ['group1-shard1of1.bin'],
          weights: [
            { name: 'gru/gru_cell/kernel', shape: [I, 3 * H], dtype: 'float32' },
            { name: 'gru/gru_cell/recurrent_kernel', shape: [H, 3 * H], dtype: 'float32' },
            { name: 'gru/gru_cell/bias', shape: [2, 3 * H], dtype: 'float32' },
            { name: 'dense/kernel', shape: [H, 1], dtype: 'float32' },
            { name: 'dense/bias', shape: [1], dtype: 'float32' },
          ],
        },
      ],
    };
    const data = new Float32Array([...kernel, ...recurrent, ...bias, ...dense, 0.25]);
    const model = modelFromTfjs(json, new Uint8Array(data.buffer));
    expect(model.config).toMatchObject({ cell: 'gru', cellOptions: { resetAfter: true } });
    const x = features(T * I, 15);
    const a = kerasResetAfterGru(x, [T, I], H, kernel, recurrent, bias);
    const expected = a.reduce((s, v, k) => s + v * dense[k]!, 0.25);
    const difference = maxAbsDifference(recurPredict(model, x, [1, T, I]), [expected]);
    measured.push(
      `Keras reset_after GRU → recur (hand-computed reference): ${difference.toExponential(2)}`,
    );
    expect(difference).toBeLessThan(1e-5);
    expect(() => toTfjs(model)).toThrow(
      /reset-after GRU.*TF\.js's GRU does not implement reset_after/,
    );
    disposeModel(model);
  });
});
