import { disposeModel, type ModelCellOptions, SequenceClassifier } from '@recur/architectures';
import { noGrad } from '@recur/autograd';
import { Rng, tensor, tidy } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { exportOnnx } from './index.js';
import {
  float32,
  int32,
  maxDifference,
  openSession,
  randomizeWeights,
} from './test-support/onnx-runtime.js';

// The cell variants of a model's cellOptions in ONNX: a reset-after GRU is the GRU operator with
// linear_before_reset = 1 (its b_a as Rb), hardSigmoid gates the activations attribute
// (HardSigmoid, alpha 0.2, beta 0.5). ONNX Runtime must give recur's logits within 1e-5.

const [B, T, F, H, K] = [4, 6, 3, 5, 3];
const LENGTHS = [6, 3, 1, 5];
const TOLERANCE = 1e-5;

const cases: { cell: 'lstm' | 'gru'; cellOptions: ModelCellOptions }[] = [
  { cell: 'gru', cellOptions: { resetAfter: true } },
  { cell: 'gru', cellOptions: { resetAfter: true, recurrentActivation: 'hardSigmoid' } },
  { cell: 'gru', cellOptions: { recurrentActivation: 'hardSigmoid' } },
  { cell: 'lstm', cellOptions: { recurrentActivation: 'hardSigmoid' } },
];

describe('exportOnnx with cellOptions', () => {
  it.each(cases)(
    '$cell $cellOptions, 2 bidirectional layers: ONNX Runtime logits match recur within 1e-5, padded too',
    async ({ cell, cellOptions }) => {
      const clf = new SequenceClassifier({
        input: { kind: 'features', size: F },
        cell,
        cellOptions,
        hiddenSize: H,
        numLayers: 2,
        bidirectional: true,
        outputSize: K,
        seed: 3,
      });
      // Weights large enough that gates reach the hard sigmoid's flat parts (|z| > 2.5).
      randomizeWeights(clf.parameters(), 5);
      const session = await openSession(exportOnnx(clf));
      const rng = new Rng(8);
      const values = Float32Array.from({ length: B * T * F }, () => rng.uniform(-2, 2));
      const x = tensor(values, [B, T, F]);
      let worst = 0;
      for (const lengths of [new Array<number>(B).fill(T), LENGTHS]) {
        const mask = tensor(
          Float32Array.from({ length: B * T }, (_, i) =>
            i % T < lengths[Math.floor(i / T)]! ? 1 : 0,
          ),
          [B, T],
        );
        const logits = noGrad(() =>
          tidy(() => Float32Array.from(clf.forward(x, mask).value.data())),
        );
        mask.dispose();
        const out = await session.run({
          inputs: float32(values, [B, T, F]),
          lengths: int32(lengths, [B]),
        });
        worst = Math.max(worst, maxDifference(out.logits!.data as Float32Array, logits));
      }
      console.info(
        `${cell} ${JSON.stringify(cellOptions)}: max |ORT − recur| = ${worst.toExponential(2)}`,
      );
      expect(worst).toBeLessThan(TOLERANCE);
      x.dispose();
      await session.release();
      disposeModel(clf);
    },
  );

  it('a reset-after GRU exported as reset-before would differ (linear_before_reset matters)', async () => {
    const make = (resetAfter: boolean) =>
      new SequenceClassifier({
        input: { kind: 'features', size: F },
        cell: 'gru',
        cellOptions: { resetAfter },
        hiddenSize: H,
        outputSize: K,
        seed: 3,
      });
    const after = make(true);
    randomizeWeights(after.parameters(), 5);
    const values = Float32Array.from({ length: B * T * F }, (_, i) => Math.sin(i));
    const x = tensor(values, [B, T, F]);
    const recur = noGrad(() => tidy(() => Float32Array.from(after.forward(x).value.data())));
    const session = await openSession(exportOnnx(after));
    const out = await session.run({
      inputs: float32(values, [B, T, F]),
      lengths: int32(new Array<number>(B).fill(T), [B]),
    });
    expect(maxDifference(out.logits!.data as Float32Array, recur)).toBeLessThan(TOLERANCE);
    // The same weights in a reset-before GRU compute something else.
    const before = make(false);
    const shared = after.parameters();
    for (const [name, p] of Object.entries(before.parameters()))
      p.assign(tensor(shared[name]!.value.data(), p.shape));
    const other = noGrad(() => tidy(() => Float32Array.from(before.forward(x).value.data())));
    expect(maxDifference(other, recur)).toBeGreaterThan(1e-3);
    x.dispose();
    await session.release();
    disposeModel(after);
    disposeModel(before);
  });
});
