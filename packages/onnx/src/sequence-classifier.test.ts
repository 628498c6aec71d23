import {
  type ClassifierInput,
  disposeModel,
  type Head,
  type Readout,
  SequenceClassifier,
} from '@recur/architectures';
import { noGrad } from '@recur/autograd';
import { Rng, type Tensor, tensor, tidy } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { exportOnnx } from './index.js';
import {
  float32,
  int32,
  int64,
  maxDifference,
  openSession,
  randomizeWeights,
} from './test-support/onnx-runtime.js';

const V = 11;
const F = 4;
const H = 6;
const K = 3;
const TOLERANCE = 1e-5;
const [B, T] = [4, 6];
const LENGTHS = [6, 3, 1, 5];

const inputs: Record<ClassifierInput['kind'], ClassifierInput> = {
  embedding: { kind: 'embedding', vocabularySize: V, size: 5 },
  onehot: { kind: 'onehot', vocabularySize: V },
  features: { kind: 'features', size: F },
};

const cases = (['rnn', 'irnn', 'lstm', 'gru'] as const).flatMap((cell) =>
  (['last', 'mean', 'max'] as Readout[]).map((readout, i) => ({
    cell,
    readout,
    // Every cell meets every readout; layers, directions, inputs and heads rotate through them.
    numLayers: i === 0 ? 1 : 2,
    bidirectional: i !== 1,
    input: inputs[(['embedding', 'onehot', 'features'] as const)[i]!],
    head: (['softmax', 'sigmoid', 'linear'] as Head[])[(i + cell.length) % 3]!,
  })),
);

function inputTensor(kind: ClassifierInput['kind'], rng: Rng): { recur: Tensor; onnx: unknown } {
  if (kind === 'features') {
    const values = Float32Array.from({ length: B * T * F }, () => rng.uniform(-1, 1));
    return { recur: tensor(values, [B, T, F]), onnx: float32(values, [B, T, F]) };
  }
  const ids = Array.from({ length: B * T }, () => Math.floor(rng.next() * V));
  return { recur: tensor(Int32Array.from(ids), [B, T], 'int32'), onnx: int64(ids, [B, T]) };
}

function prefixMask(lengths: readonly number[]): Tensor {
  return tensor(
    Float32Array.from({ length: B * T }, (_, i) => (i % T < lengths[Math.floor(i / T)]! ? 1 : 0)),
    [B, T],
  );
}

describe('exportOnnx(SequenceClassifier)', () => {
  it.each(cases)(
    '$cell, $readout readout, $numLayers layer(s), bidirectional $bidirectional, $input.kind, $head: logits and predictions match recur within 1e-5, with and without padding',
    async (c) => {
      const clf = new SequenceClassifier({
        input: c.input,
        cell: c.cell,
        hiddenSize: H,
        numLayers: c.numLayers,
        bidirectional: c.bidirectional,
        readout: c.readout,
        head: c.head,
        outputSize: K,
        seed: 2,
      });
      randomizeWeights(clf.parameters(), 7);
      const session = await openSession(exportOnnx(clf));
      const x = inputTensor(c.input.kind, new Rng(9));
      for (const lengths of [new Array<number>(B).fill(T), LENGTHS]) {
        const padded = lengths !== LENGTHS ? undefined : prefixMask(lengths);
        const logits = noGrad(() =>
          tidy(() => Float32Array.from(clf.forward(x.recur, padded).value.data())),
        );
        const predictions = clf.predict(x.recur, padded);
        const out = await session.run({
          inputs: x.onnx as never,
          lengths: int32(lengths, [B]),
        });
        expect(out.logits!.dims).toEqual([B, K]);
        expect(maxDifference(out.logits!.data as Float32Array, logits)).toBeLessThan(TOLERANCE);
        expect(maxDifference(out.predictions!.data as Float32Array, predictions)).toBeLessThan(
          TOLERANCE,
        );
        padded?.dispose();
      }
      x.recur.dispose();
      await session.release();
      disposeModel(clf);
    },
  );
});
