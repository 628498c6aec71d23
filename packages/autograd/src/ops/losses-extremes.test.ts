import { memory, tensor } from '@recur/tensor';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backward } from '../backward.js';
import { parameter } from '../variable.js';
import { sigmoidCrossEntropy, softmaxCrossEntropy } from './losses.js';

// Cross-entropy at ±Infinity and at logits near float32's limit (3.4e38): exact values and
// finite gradients where the mathematics gives them (0 · log 0 = 0).

const MAX = 3.4e38;

let before = 0;
beforeEach(() => {
  before = memory().numTensors;
});
afterEach(() => {
  expect(memory().numTensors).toBe(before);
});

/** Loss and gradient of one row of logits against one label. */
function softmaxRow(
  logits: number[],
  label: number,
  options: Parameters<typeof softmaxCrossEntropy>[2] = {},
) {
  const z = parameter(tensor([logits]));
  const labels = tensor([label], [1], 'int32');
  const loss = softmaxCrossEntropy(z, labels, options);
  const value = loss.item();
  backward(loss);
  const grad = Array.from(z.grad!.data());
  loss.dispose();
  z.dispose();
  labels.dispose();
  return { value, grad };
}

/** −log softmax(z)[label] in float64, with exp(−∞) = 0. */
function reference(z: number[], label: number): number {
  const m = Math.max(...z);
  return m + Math.log(z.reduce((p, v) => p + Math.exp(v - m), 0)) - z[label]!;
}

describe('softmaxCrossEntropy at extreme logits', () => {
  it('a −Infinity logit of another class: finite loss, and zero gradient there', () => {
    const { value, grad } = softmaxRow([Number.NEGATIVE_INFINITY, 0, 1], 2);
    expect(value).toBeCloseTo(0.3133, 4);
    expect(value).toBeCloseTo(reference([Number.NEGATIVE_INFINITY, 0, 1], 2), 5);
    expect(grad.every(Number.isFinite)).toBe(true);
    expect(grad[0]).toBe(0);
    expect(grad[1]).toBeCloseTo(Math.exp(0) / (1 + Math.E), 5);
  });

  it('logits of ±3.4e38 give exact losses and finite gradients', () => {
    const right = softmaxRow([MAX, -MAX], 0);
    expect(right.value).toBe(0);
    expect(right.grad).toEqual([0, 0]);
    const rightOf3 = softmaxRow([MAX, 0, -MAX], 0);
    expect(rightOf3.value).toBe(0);
    expect(rightOf3.grad.every(Number.isFinite)).toBe(true);
    const wrong = softmaxRow([MAX, 0, 1], 1);
    expect(wrong.value).toBeCloseTo(MAX, -33);
    expect(wrong.grad).toEqual([1, -1, 0]);
    const tie = softmaxRow([MAX, MAX], 1);
    expect(tie.value).toBeCloseTo(Math.LN2, 6);
  });

  it('a +Infinity logit takes the limit: 0 at its class, +Infinity elsewhere, no NaN', () => {
    const inf = Number.POSITIVE_INFINITY;
    const right = softmaxRow([inf, 0, 1], 0);
    expect(right.value).toBe(0);
    expect(right.grad).toEqual([0, 0, 0]);
    const wrong = softmaxRow([inf, 0, 1], 2);
    expect(wrong.value).toBe(inf);
    expect(wrong.grad).toEqual([1, 0, -1]);
    const tie = softmaxRow([inf, inf, 0], 1);
    expect(tie.value).toBeCloseTo(Math.LN2, 6);
    expect(tie.grad).toEqual([0.5, -0.5, 0]);
  });

  it('the label at −Infinity is an infinite loss; with smoothing any −Infinity is', () => {
    expect(softmaxRow([Number.NEGATIVE_INFINITY, 0], 0).value).toBe(Number.POSITIVE_INFINITY);
    const smoothed = softmaxRow([Number.NEGATIVE_INFINITY, 0], 1, { labelSmoothing: 0.1 });
    expect(smoothed.value).toBe(Number.POSITIVE_INFINITY);
  });

  it('a masked position adds nothing, whatever its logits', () => {
    const z = parameter(
      tensor([
        [0, 1],
        [Number.NEGATIVE_INFINITY, 0],
      ]),
    );
    const labels = tensor([1, 0], [2], 'int32');
    const mask = tensor([1, 0]);
    const loss = softmaxCrossEntropy(z, labels, { mask });
    expect(loss.item()).toBeCloseTo(reference([0, 1], 1), 5);
    backward(loss);
    expect(Array.from(z.grad!.data()).every(Number.isFinite)).toBe(true);
    for (const t of [labels, mask, loss]) t.dispose();
    z.dispose();
  });
});

describe('sigmoidCrossEntropy at extreme logits', () => {
  const INF = Number.POSITIVE_INFINITY;
  it.each([
    // logit, target, loss, ∂/∂logit, ∂/∂target (= −logit)
    [INF, 1, 0, 0, -INF],
    [-INF, 0, 0, 0, INF],
    [INF, 0, INF, 1, -INF],
    [-INF, 1, INF, -1, INF],
    [MAX, 1, 0, 0, -MAX],
    [-MAX, 0, 0, 0, MAX],
    [MAX, 0, MAX, 1, -MAX],
    [MAX, 0.5, MAX / 2, 0.5, -MAX],
  ])('(%s, %s) gives loss %s and gradients %s, %s', (x, z, loss, gx, gz) => {
    const logit = parameter(tensor([x]));
    const target = parameter(tensor([z]));
    const l = sigmoidCrossEntropy(logit, target);
    const value = l.item();
    if (Number.isFinite(loss) && loss !== 0) expect(value / loss).toBeCloseTo(1, 6);
    else expect(value).toBe(loss);
    backward(l);
    expect(logit.grad!.item()).toBeCloseTo(gx, 6);
    const g = target.grad!.item();
    if (Number.isFinite(gz)) expect(g / gz).toBeCloseTo(1, 6);
    else expect(g).toBe(gz);
    for (const v of [l, logit, target]) v.dispose();
  });
});
