import { memory, RecurError } from '@recur/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { modelFromTfjs } from './import-tfjs.js';
import { type SavedArtifacts, saveFromTfjs, tf } from './test-support/tfjs.js';

/** A saved Embedding → LSTM → Dense(3) model, edited per case. */
let base: SavedArtifacts;

beforeAll(async () => {
  const model = tf.sequential();
  model.add(tf.layers.embedding({ inputDim: 6, outputDim: 3, inputShape: [null] as never }));
  model.add(tf.layers.lstm({ units: 4, recurrentActivation: 'sigmoid' }));
  model.add(tf.layers.dense({ units: 3, activation: 'softmax' }));
  base = await saveFromTfjs(model);
  model.dispose();
});

// biome-ignore lint/suspicious/noExplicitAny: the tests edit arbitrary JSON
type Json = Record<string, any>;
const layers = (j: Json): Json[] => j.modelTopology.config.layers;

/** `base` as JSON, changed by `edit`. */
function edited(edit: (json: Json) => void): Json {
  const json = JSON.parse(
    JSON.stringify({ modelTopology: base.modelTopology, weightSpecs: base.weightSpecs }),
  );
  edit(json);
  return json;
}

function refusal(json: Json, data: ArrayBuffer | Uint8Array = base.weightData): RecurError {
  const before = memory().numTensors;
  try {
    modelFromTfjs(json, data);
  } catch (error) {
    expect(memory().numTensors).toBe(before);
    expect(error).toBeInstanceOf(RecurError);
    return error as RecurError;
  }
  throw new Error('modelFromTfjs accepted the file');
}

describe('modelFromTfjs refuses what recur cannot run exactly, by name', () => {
  it.each([
    ['go_backwards', true, /lstm.*go_backwards true; recur runs only go_backwards false/i],
    ['stateful', true, /stateful true/],
    ['return_state', true, /return_state true/],
    ['activation', 'relu', /activation relu; recur runs tanh/],
    [
      'recurrent_activation',
      'softsign',
      /recurrent_activation softsign; recur runs sigmoid and TF\.js's hard_sigmoid/,
    ],
  ])('LSTM %s %j', (key, value, message) => {
    const error = refusal(
      edited((j) => {
        layers(j)[1]!.config[key] = value;
      }),
    );
    expect(error.message).toMatch(message);
    expect(error.message).toMatch(/^modelFromTfjs \(TF\.js model\): /);
  });

  it("Keras 3's hard_sigmoid (x/6 + 0.5, not TF.js's 0.2x + 0.5)", () => {
    const error = refusal(
      edited((j) => {
        j.modelTopology.keras_version = '3.3.3';
        layers(j)[1]!.config.recurrent_activation = 'hard_sigmoid';
      }),
    );
    expect(error.message).toMatch(
      /recurrent_activation hard_sigmoid of Keras 3\.3\.3 \(x\/6 \+ 0\.5\)/,
    );
  });

  it('a reset_after GRU whose bias is not [2, 3 × units]', () => {
    const error = refusal(
      edited((j) => {
        layers(j)[1]!.class_name = 'GRU';
        layers(j)[1]!.config.reset_after = true;
      }),
    );
    expect(error.message).toMatch(/bias is \[16\]; a reset_after GRU's bias is \[2, 3 × units\]/);
  });

  it('an Embedding with mask_zero', () => {
    expect(
      refusal(
        edited((j) => {
          layers(j)[0]!.config.mask_zero = true;
        }),
      ).message,
    ).toMatch(/mask_zero true/);
  });

  it('a layer recur has no counterpart for (Conv1D), named', () => {
    const error = refusal(
      edited((j) =>
        layers(j).splice(1, 0, { class_name: 'Conv1D', config: { name: 'conv', filters: 2 } }),
      ),
    );
    expect(error.message).toMatch(/layer conv \(Conv1D\) is not read by recur/);
  });

  it('Bidirectional with merge_mode sum', () => {
    const error = refusal(
      edited((j) => {
        const lstm = layers(j)[1]!;
        layers(j)[1] = {
          class_name: 'Bidirectional',
          config: { name: 'bi', merge_mode: 'sum', layer: lstm },
        };
      }),
    );
    expect(error.message).toMatch(
      /bi \(Bidirectional\) has merge_mode "sum"; recur runs only merge_mode 'concat'/,
    );
  });

  it('an output activation recur has no head for', () => {
    expect(
      refusal(
        edited((j) => {
          layers(j)[2]!.config.activation = 'tanh';
        }),
      ).message,
    ).toMatch(/activation tanh; recur's classifier heads are softmax, sigmoid and linear/);
  });

  it('dtypes other than float32, and quantized weights', () => {
    expect(
      refusal(
        edited((j) => {
          j.weightSpecs[1].dtype = 'int32';
        }),
      ),
    ).toMatchObject({
      code: 'FORMAT',
      message: expect.stringMatching(/weight lstm_LSTM\d+\/kernel has dtype "int32"; only float32/),
    });
    expect(
      refusal(
        edited((j) => {
          j.weightSpecs[0].quantization = { dtype: 'uint8', scale: 1, min: 0 };
        }),
      ).message,
    ).toMatch(/is quantized/);
  });

  it('weight data shorter or longer than the specs describe', () => {
    const bytes = new Uint8Array(base.weightData);
    for (const data of [bytes.subarray(0, bytes.length - 4), new Uint8Array(bytes.length + 4)]) {
      expect(
        refusal(
          edited(() => {}),
          data,
        ).message,
      ).toMatch(
        new RegExp(
          `describe ${bytes.length} bytes of float32 data; the weight data holds ${data.length}`,
        ),
      );
    }
  });

  it('sizes in the JSON that disagree with the weights (checked before allocating)', () => {
    const error = refusal(
      edited((j) => {
        layers(j)[1]!.config.units = 400;
      }),
    );
    expect(error.code).toBe('FORMAT');
    expect(error.message).toMatch(
      /rnn\.layer0\.forward\.W_x is float32 \[3,16\]; config \(SequenceClassifier\) implies float32 \[3,1600\]/,
    );
  });

  it('a weight no layer uses, and a layer without its weight', () => {
    expect(
      refusal(
        edited((j) => j.weightSpecs.push({ name: 'extra/kernel', shape: [0], dtype: 'float32' })),
      ).message,
    ).toMatch(/weights extra\/kernel belong to no layer recur reads/);
    expect(
      refusal(
        edited((j) => {
          j.weightSpecs[3].name = 'x/bias';
        }),
      ).message,
    ).toMatch(/needs one bias weight under lstm_LSTM\d+\/; the manifest has none/);
  });

  it('per-step outputs over features, and bidirectional per-step outputs', () => {
    const perStep = (j: Json) => {
      layers(j)[1]!.config.return_sequences = true;
      layers(j)[2]!.config.units = 6;
      layers(j)[2]!.config.activation = 'softmax';
      j.weightSpecs[4].shape = [4, 6];
      j.weightSpecs[5].shape = [6];
    };
    const bytes = (n: number) => new Uint8Array(base.weightData.byteLength + n);
    // 4 × 3 more kernel values and 3 more biases than the [4, 3] Dense.
    const grown = bytes(4 * (12 + 3));
    expect(
      refusal(
        edited((j) => {
          perStep(j);
          layers(j).shift();
          j.weightSpecs.shift();
        }),
        grown.subarray(4 * 18),
      ).message,
    ).toMatch(
      /returns sequences over feature inputs; recur reads per-step outputs only as a language model/,
    );
    expect(
      refusal(
        edited((j) => {
          perStep(j);
          const lstm = layers(j)[1]!;
          layers(j)[1] = {
            class_name: 'Bidirectional',
            config: { name: 'bi', merge_mode: 'concat', layer: lstm },
          };
          for (const s of j.weightSpecs.slice(1, 4))
            s.name = s.name.replace(/^[^/]+\//, 'bi/forward_lstm/');
          j.weightSpecs.splice(
            4,
            0,
            ...j.weightSpecs
              .slice(1, 4)
              .map((s: Json) => ({ ...s, name: s.name.replace('forward_', 'backward_') })),
          );
          j.weightSpecs[7].shape = [8, 6];
        }),
        new Uint8Array(4 * (6 * 3 + 2 * (3 * 16 + 4 * 16 + 16) + 8 * 6 + 6)),
      ).message,
    ).toMatch(/a bidirectional layer \(bi\) predicting at every step is not a language model/);
  });

  it('a functional model that is not a single chain', () => {
    const error = refusal(
      {
        modelTopology: {
          class_name: 'Model',
          config: {
            layers: [
              { class_name: 'InputLayer', name: 'in', config: { name: 'in' }, inbound_nodes: [] },
              {
                class_name: 'Dense',
                name: 'a',
                config: { name: 'a', units: 1 },
                inbound_nodes: [[['in', 0, 0, {}]]],
              },
              {
                class_name: 'Add',
                name: 'b',
                config: { name: 'b' },
                inbound_nodes: [
                  [
                    ['a', 0, 0, {}],
                    ['in', 0, 0, {}],
                  ],
                ],
              },
            ],
            input_layers: [['in', 0, 0]],
            output_layers: [['b', 0, 0]],
          },
        },
        weightSpecs: [],
      },
      new Uint8Array(0),
    );
    expect(error.message).toMatch(/layer b has 2 inputs; only a single chain of layers is read/);
  });
});
