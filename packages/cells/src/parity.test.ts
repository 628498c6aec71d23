import { grad, mul, sum, Variable } from '@recur/autograd';
import { dispose, type Tensor, tensor, tidy } from '@recur/tensor';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CellKind, CellState, RecurrentActivation, RecurrentCell } from './cells/cell.js';
import { fromKeras } from './importers.js';
import { sequence } from './sequence.js';

/**
 * Numerical parity with TensorFlow.js 4.22 (CPU backend): the same weights give the same
 * outputs and the same gradients (of L = Σ R ⊙ outputs) as tf.layers simpleRNN, lstm
 * (recurrentActivation 'sigmoid') and gru (resetAfter false).
 */

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Small sizes, and sizes where the CPU backend's wasm SIMD activations kick in (B·H ≥ 256). */
interface Sizes {
  B: number;
  T: number;
  I: number;
  H: number;
}
const SMALL: Sizes = { B: 3, T: 6, I: 4, H: 5 };
const WIDE: Sizes = { B: 4, T: 4, I: 4, H: 64 };

function randomArray(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return (s / 2147483648) * 2 - 1;
  });
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

function tfLayer(
  kind: CellKind,
  H: number,
  recurrentActivation: RecurrentActivation = 'sigmoid',
): tf.layers.Layer {
  const common = { units: H, returnSequences: true, kernelInitializer: 'glorotUniform' as const };
  if (kind === 'lstm')
    return tf.layers.lstm({ ...common, recurrentActivation, unitForgetBias: true });
  // TF.js implements only the "reset before" GRU (Keras reset_after=false).
  if (kind === 'gru') return tf.layers.gru({ ...common, recurrentActivation });
  return tf.layers.simpleRNN({ ...common, activation: kind === 'irnn' ? 'relu' : 'tanh' });
}

interface Reference {
  outputs: Float32Array;
  dx: Float32Array;
  dKernel: Float32Array;
  dRecurrent: Float32Array;
  dBias: Float32Array;
}

/** TF.js outputs and gradients of Σ R ⊙ outputs, with `mask` optional. */
function tfReference(
  layer: tf.layers.Layer,
  x: tf.Tensor,
  r: tf.Tensor,
  mask?: tf.Tensor,
): Reference {
  const apply = (input: tf.Tensor) => layer.apply(input, mask ? { mask } : {}) as tf.Tensor;
  const outputs = apply(x).dataSync() as Float32Array;
  const dx = tf
    .grad((input: tf.Tensor) => tf.sum(tf.mul(apply(input), r)))(x)
    .dataSync() as Float32Array;
  const { grads } = tf.variableGrads(() => tf.sum(tf.mul(apply(x), r)) as tf.Scalar);
  const find = (suffix: string) => {
    const key = Object.keys(grads).find((k) => k.endsWith(`/${suffix}`));
    if (!key)
      throw new Error(`no TF.js gradient for ${suffix} among ${Object.keys(grads).join(', ')}`);
    return grads[key]!.dataSync() as Float32Array;
  };
  return {
    outputs,
    dx,
    dKernel: find('kernel'),
    dRecurrent: find('recurrent_kernel'),
    dBias: find('bias'),
  };
}

function compareWithTf(
  kind: CellKind,
  masked: boolean,
  { B, T, I, H }: Sizes = SMALL,
  recurrentActivation?: RecurrentActivation,
): void {
  const layer = tfLayer(kind, H, recurrentActivation);
  const xValues = randomArray(B * T * I, 7);
  const rValues = randomArray(B * T * H, 11);
  // Row 0 full, then shorter rows (right-padded).
  const maskValues = Array.from({ length: B * T }, (_, i) =>
    i % T < T - (Math.floor(i / T) % 3) * 2 ? 1 : 0,
  );
  const xTf = tf.tensor3d(xValues, [B, T, I]);
  const rTf = tf.tensor3d(rValues, [B, T, H]);
  const maskTf = masked ? tf.tensor2d(maskValues, [B, T], 'bool') : undefined;
  layer.apply(xTf); // builds the layer with TF.js's own initial weights
  const ref = tfReference(layer, xTf, rTf, maskTf);
  const cell = fromKeras(
    kind,
    layer.getWeights(),
    recurrentActivation ? { recurrentActivation } : {},
  ) as RecurrentCell<CellState>;
  for (const fused of [true, false]) {
    tidy(() => {
      const x = tensor(xValues, [B, T, I]);
      const r = tensor(rValues, [B, T, H]);
      const xVar = new Variable(x, { requiresGrad: true });
      const mask = masked ? tensor(maskValues, [B, T]) : undefined;
      const { outputs } = sequence(cell, xVar, { fused, ...(mask ? { mask } : {}) });
      const loss = sum(mul(outputs, r));
      const params = Object.values(cell.parameters());
      const [dx, dWx, dWa, db] = grad(loss, [xVar, ...params]) as [Tensor, Tensor, Tensor, Tensor];
      const label = `${kind}${masked ? ' masked' : ''} ${fused ? 'fused' : 'composed'} ${recurrentActivation ?? ''}`;
      if (recurrentActivation)
        console.info(
          `${label}: max |recur − tf| outputs ${maxAbsDiff(outputs.value.data(), ref.outputs).toExponential(2)}, dW_x ${maxAbsDiff(dWx.data(), ref.dKernel).toExponential(2)}`,
        );
      expect(maxAbsDiff(outputs.value.data(), ref.outputs), `${label} outputs`).toBeLessThan(1e-5);
      expect(maxAbsDiff(dx.data(), ref.dx), `${label} dx`).toBeLessThan(1e-5);
      expect(maxAbsDiff(dWx.data(), ref.dKernel), `${label} dW_x`).toBeLessThan(1e-5);
      expect(maxAbsDiff(dWa.data(), ref.dRecurrent), `${label} dW_a`).toBeLessThan(1e-5);
      expect(maxAbsDiff(db.data(), ref.dBias), `${label} db`).toBeLessThan(1e-5);
    });
  }
  cell.dispose();
  tf.dispose([xTf, rTf, ...(maskTf ? [maskTf] : [])]);
  layer.dispose();
}

describe('parity with TensorFlow.js layers (cpu backend)', () => {
  for (const kind of ['rnn', 'irnn', 'lstm', 'gru'] as const) {
    it(`${kind}: outputs and gradients equal within 1e-5`, () => compareWithTf(kind, false));
    it(`${kind} with a mask: outputs and gradients equal within 1e-5`, () =>
      compareWithTf(kind, true));
    it(`${kind} at H = 64 (wasm activations), masked: equal within 1e-5`, () =>
      compareWithTf(kind, true, WIDE));
  }

  // TF.js's default LSTM and GRU: recurrentActivation 'hardSigmoid' (clip(0.2x + 0.5, 0, 1)).
  for (const kind of ['lstm', 'gru'] as const) {
    it(`${kind} with TF.js's default hardSigmoid gates: outputs and gradients within 1e-5`, () =>
      compareWithTf(kind, false, SMALL, 'hardSigmoid'));
    it(`${kind} with hardSigmoid gates and a mask at H = 64: within 1e-5`, () =>
      compareWithTf(kind, true, WIDE, 'hardSigmoid'));
  }

  it('recur with sigmoid gates is not TF.js with its default hardSigmoid (the gap 17 measured)', () => {
    const { B, T, I, H } = SMALL;
    const layer = tfLayer('lstm', H, 'hardSigmoid');
    const xValues = randomArray(B * T * I, 7);
    const xTf = tf.tensor3d(xValues, [B, T, I]);
    const ref = layer.apply(xTf) as tf.Tensor;
    const cell = fromKeras('lstm', layer.getWeights());
    const gap = tidy(() =>
      maxAbsDiff(sequence(cell, tensor(xValues, [B, T, I])).outputs.value.data(), ref.dataSync()),
    );
    expect(gap).toBeGreaterThan(1e-3);
    cell.dispose();
    tf.dispose([xTf, ref]);
    layer.dispose();
  });

  it('fromKeras takes TF.js weights as they are (no reordering)', () => {
    const { T, I } = SMALL;
    const layer = tfLayer('lstm', SMALL.H);
    tf.tidy(() => {
      layer.apply(tf.zeros([1, T, I]));
    });
    const weights = layer.getWeights();
    const cell = fromKeras('lstm', weights);
    expect(maxAbsDiff(cell.W_x.value.data(), weights[0]!.dataSync())).toBe(0);
    expect(maxAbsDiff(cell.W_a.value.data(), weights[1]!.dataSync())).toBe(0);
    expect(maxAbsDiff(cell.b.value.data(), weights[2]!.dataSync())).toBe(0);
    dispose(cell.parameters());
    layer.dispose();
  });
});
