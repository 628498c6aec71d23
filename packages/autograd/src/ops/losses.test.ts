import { RecurError, tensor } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { backward } from '../backward.js';
import { noGrad } from '../grad-mode.js';
import { check, uniform } from '../test-helpers.js';
import { constant, parameter } from '../variable.js';
import { mse, sigmoidCrossEntropy, softmaxCrossEntropy } from './losses.js';
import { matmul } from './matmul.js';

/** −log softmax(z)[label] for one row, in float64. */
function rowLoss(z: number[], label: number): number {
  const m = Math.max(...z);
  const lse = m + Math.log(z.reduce((p, v) => p + Math.exp(v - m), 0));
  return lse - z[label]!;
}

describe('softmaxCrossEntropy', () => {
  const logits = [
    [1, 2, 0.5],
    [-1, 0, 3],
    [0.2, 0.1, -0.3],
  ];

  it('matches −log softmax at the label, averaged', () => {
    const labels = tensor([1, 2, 0], undefined, 'int32');
    const loss = noGrad(() => softmaxCrossEntropy(tensor(logits), labels));
    const expected = (rowLoss(logits[0]!, 1) + rowLoss(logits[1]!, 2) + rowLoss(logits[2]!, 0)) / 3;
    expect(loss.item()).toBeCloseTo(expected, 5);
    loss.dispose();
    labels.dispose();
  });

  it('is stable for large logits', () => {
    const labels = tensor([0], undefined, 'int32');
    const loss = noGrad(() => softmaxCrossEntropy(tensor([[1000, 0, -1000]]), labels));
    expect(loss.item()).toBeCloseTo(0, 5);
    loss.dispose();
    labels.dispose();
  });

  it('has gradient (softmax − onehot) / N', () => {
    const z = parameter(tensor(logits));
    const labels = tensor([1, 2, 0], undefined, 'int32');
    backward(softmaxCrossEntropy(z, labels));
    const g = z.grad!.toArray() as number[][];
    logits.forEach((row, i) => {
      const m = Math.max(...row);
      const e = row.map((v) => Math.exp(v - m));
      const s = e.reduce((p, v) => p + v, 0);
      for (let c = 0; c < row.length; c++) {
        expect(g[i]![c]!).toBeCloseTo((e[c]! / s - (c === [1, 2, 0][i] ? 1 : 0)) / 3, 5);
      }
    });
    z.dispose();
    labels.dispose();
  });

  it('passes gradcheck for [N,C] and [B,T,C], every reduction, mask, ignoreIndex, smoothing', () => {
    const labels2 = tensor([0, 3, 1, 2], undefined, 'int32');
    const labels3 = tensor(
      [
        [0, 3, 1],
        [2, -1, 1],
      ],
      undefined,
      'int32',
    );
    const mask = tensor([
      [1, 1, 0],
      [1, 1, 0.5],
    ]);
    check((z) => softmaxCrossEntropy(z, labels2), [uniform([4, 4], 1, -2, 2)]);
    check(
      (z) => softmaxCrossEntropy(z, labels2, { reduction: 'sum', labelSmoothing: 0.1 }),
      [uniform([4, 4], 2, -2, 2)],
    );
    check(
      (z) => softmaxCrossEntropy(z, labels3, { ignoreIndex: -1, mask, reduction: 'none' }),
      [uniform([2, 3, 4], 3, -2, 2)],
    );
    check(
      (z) => softmaxCrossEntropy(z, labels3, { ignoreIndex: -1, mask, labelSmoothing: 0.2 }),
      [uniform([2, 3, 4], 4, -2, 2)],
    );
    // The composite: logits from a matmul, as a model computes them.
    check(
      (x, w) => softmaxCrossEntropy(matmul(x!, w!), labels2),
      [uniform([4, 3], 5), uniform([3, 4], 6)],
    );
    for (const t of [labels2, labels3, mask]) t.dispose();
  });

  it('mean is over kept positions only; ignored and masked positions get no gradient', () => {
    const labels = tensor([0, -100, 2], undefined, 'int32');
    const mask = tensor([1, 1, 0]);
    const z = parameter(tensor(logits));
    const loss = softmaxCrossEntropy(z, labels, { ignoreIndex: -100, mask });
    expect(loss.item()).toBeCloseTo(rowLoss(logits[0]!, 0), 5);
    backward(loss);
    const g = z.grad!.toArray() as number[][];
    expect(g[1]!.map(Math.abs)).toEqual([0, 0, 0]);
    expect(g[2]!.map(Math.abs)).toEqual([0, 0, 0]);
    for (const t of [labels, mask]) t.dispose();
    z.dispose();
  });

  it('rejects bad labels', () => {
    const z = tensor(logits);
    const bad = tensor([0, 3, 1], undefined, 'int32');
    const float = tensor([0, 1, 1]);
    const short = tensor([0, 1], undefined, 'int32');
    expect(() => softmaxCrossEntropy(z, bad)).toThrow(
      /labels\[1\] is 3, out of range for 3 classes/,
    );
    expect(() => softmaxCrossEntropy(z, float)).toThrow(RecurError);
    expect(() => softmaxCrossEntropy(z, short)).toThrow(/labels must be \[3\]/);
    expect(() => softmaxCrossEntropy(z, short, { reduction: 'avg' as 'mean' })).toThrow(
      /reduction/,
    );
    for (const t of [z, bad, float, short]) t.dispose();
  });
});

describe('mse and sigmoidCrossEntropy', () => {
  it('mse value and gradcheck for each reduction', () => {
    const loss = noGrad(() => mse(tensor([1, 2, 4]), tensor([1, 0, 1])));
    expect(loss.item()).toBeCloseTo((0 + 4 + 9) / 3, 6);
    loss.dispose();
    check((p, t) => mse(p!, t!), [uniform([3, 2], 1), uniform([3, 2], 2)]);
    check((p) => mse(p, 0.5, { reduction: 'sum' }), [uniform([4], 3)]);
    check((p, t) => mse(p!, t!, { reduction: 'none' }), [uniform([2, 2], 4), uniform([2, 2], 5)]);
  });

  it('sigmoidCrossEntropy equals −z·log σ(x) − (1−z)·log(1−σ(x)) and is stable', () => {
    const xs = [-3, -0.5, 0, 2];
    const zs = [0, 1, 0.3, 1];
    const loss = noGrad(() => sigmoidCrossEntropy(tensor(xs), tensor(zs), { reduction: 'none' }));
    const got = Array.from(loss.value.data());
    xs.forEach((x, i) => {
      const s = 1 / (1 + Math.exp(-x));
      expect(got[i]!).toBeCloseTo(-zs[i]! * Math.log(s) - (1 - zs[i]!) * Math.log(1 - s), 5);
    });
    loss.dispose();
    const big = noGrad(() => sigmoidCrossEntropy(tensor([200, -200]), tensor([1, 0])));
    expect(big.item()).toBeCloseTo(0, 6);
    big.dispose();
  });

  it('sigmoidCrossEntropy passes gradcheck in logits and targets', () => {
    check(
      (x, z) => sigmoidCrossEntropy(x!, z!),
      [uniform([3, 2], 6, -3, 3), uniform([3, 2], 7, 0, 1)],
    );
    check(
      (x) => sigmoidCrossEntropy(x, constant(tensor([0, 1, 1])), { reduction: 'sum' }),
      [uniform([3], 8, -3, 3)],
    );
  });
});
