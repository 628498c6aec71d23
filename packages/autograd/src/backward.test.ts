import { memory, RecurError, tensor, tidy } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { backward, grad, zeroGrad } from './backward.js';
import { noGrad } from './grad-mode.js';
import { add, mul, relu, square, sub, tanh } from './ops/elementwise.js';
import { matmul } from './ops/matmul.js';
import { mean, sum } from './ops/reduce.js';
import { constant, parameter } from './variable.js';

const values = (t: { data(): ArrayLike<number> }) => Array.from(t.data());

describe('backward', () => {
  it('differentiates the micrograd example exactly', () => {
    // a = -4, b = 2; c = a + b; d = a·b + b³; e = relu(c·2 + d); L = e² (hand-derived gradients)
    const a = parameter(tensor(-4), 'a');
    const b = parameter(tensor(2), 'b');
    tidy(() => {
      const c = add(a, b);
      const d = add(mul(a, b), mul(mul(b, b), b));
      const e = relu(add(mul(c, 2), d)); // relu(-4 + 0) = 0 → gradients vanish; use a shifted copy
      const f = add(e, square(add(mul(c, 3), d))); // (3c + d)² with 3c + d = -6 + 0 = -6
      backward(f);
    });
    // ∂f/∂a = 2(3c+d)·(3 + b) = 2·(-6)·5 = -60;  ∂f/∂b = 2(3c+d)·(3 + a + 3b²) = -12·11 = -132
    expect(a.grad!.item()).toBeCloseTo(-60, 4);
    expect(b.grad!.item()).toBeCloseTo(-132, 4);
    a.dispose();
    b.dispose();
  });

  it('accumulates: a weight used at every step receives the sum of the per-step gradients', () => {
    const w = parameter(tensor([[0.5]]), 'W_ah');
    const steps = [0.3, -0.2, 0.7];
    const perStep: number[] = [];
    for (const x of steps) {
      const single = parameter(tensor([[0.5]]));
      tidy(() => backward(sum(tanh(matmul(constant(tensor([[x]])), single)))));
      perStep.push(single.grad!.item());
      single.dispose();
    }
    tidy(() => {
      let total = constant(tensor(0));
      for (const x of steps) total = add(total, sum(tanh(matmul(constant(tensor([[x]])), w))));
      backward(total);
    });
    expect(w.grad!.item()).toBeCloseTo(
      perStep.reduce((p, c) => p + c, 0),
      6,
    );
    // A second pass adds to the existing gradient (+=), zeroGrad clears it.
    tidy(() => backward(sum(mul(w, 1))));
    expect(w.grad!.item()).toBeCloseTo(perStep.reduce((p, c) => p + c, 0) + 1, 6);
    zeroGrad([w]);
    expect(w.grad).toBeNull();
    w.dispose();
  });

  it('stops at detach() and records nothing under noGrad()', () => {
    const w = parameter(tensor([2, 3]));
    tidy(() => {
      const h = mul(w, w);
      const cut = h.detach();
      expect(cut.isLeaf).toBe(true);
      expect(cut.requiresGrad).toBe(false);
      backward(sum(add(mul(cut, w), h))); // d/dw [cut·w + w²] = cut + 2w, cut treated as constant
    });
    expect(values(w.grad!)).toEqual([4 + 4, 9 + 6]);
    const y = noGrad(() => mul(w, 2));
    expect(y.requiresGrad).toBe(false);
    expect(y.creator).toBeNull();
    y.dispose();
    w.dispose();
  });

  it('grad() returns gradients of intermediate variables without touching .grad', () => {
    const w = parameter(tensor([1, -2, 3]));
    tidy(() => {
      const h = mul(w, 2);
      const loss = sum(square(h));
      const [dh, dw] = grad(loss, [h, w]);
      expect(values(dh!)).toEqual([4, -8, 12]); // 2h
      expect(values(dw!)).toEqual([8, -16, 24]); // 2h·2
      expect(w.grad).toBeNull();
    });
    w.dispose();
  });

  it('retainGrad() keeps the gradient of an intermediate variable', () => {
    const w = parameter(tensor([1, 2]));
    tidy(() => {
      const h = mul(w, 3).retainGrad();
      backward(sum(square(h)));
      expect(values(h.grad!)).toEqual([6, 12]);
      h.grad!.dispose();
    });
    expect(values(w.grad!)).toEqual([18, 36]);
    w.dispose();
  });

  it('throws clear errors on bad input', () => {
    const w = parameter(tensor([1, 2]), 'w');
    tidy(() => {
      const y = mul(w, 2);
      expect(() => backward(y)).toThrow(/not a scalar.*seed/);
      expect(() => backward(y, tensor([1, 2, 3]))).toThrow(RecurError);
      const c = sum(constant(tensor([1, 2])));
      expect(() => backward(c)).toThrow(/does not require gradients/);
      const loss = sum(tanh(y));
      backward(loss);
      const again = () => backward(loss);
      expect(again).toThrow(/already freed/);
      try {
        again();
      } catch (error) {
        expect((error as RecurError).code).toBe('DISPOSED');
      }
    });
    w.dispose();
  });

  it('backward with a seed and retainGraph runs twice and accumulates', () => {
    const w = parameter(tensor([1, 2]));
    tidy(() => {
      const y = mul(sub(w, 1), 3);
      backward(y, tensor([1, 10]), { retainGraph: true });
      backward(y, tensor([1, 10]));
    });
    expect(values(w.grad!)).toEqual([6, 60]);
    w.dispose();
  });

  it('reports a loss or a saved tensor that was disposed before backward', () => {
    const w = parameter(tensor([1, 2]));
    // tidy finds tensors in arrays and plain objects, not inside Variables: this loss is freed.
    const freed = tidy(() => ({ loss: sum(tanh(w)) })).loss;
    expect(() => backward(freed)).toThrow(/was disposed/);
    // Here the loss survives but tanh's output, which sum saved, does not.
    const h = tanh(w);
    const loss = sum(h);
    h.dispose();
    expect(() => backward(loss)).toThrow(
      /a tensor 'sum' \(node #\d+\) saved for backward \(\[2\]\) was disposed/,
    );
    loss.dispose();
    w.dispose();
  });

  it('leaves no tensors behind', () => {
    const w = parameter(
      tensor([
        [1, 2],
        [3, 4],
      ]),
    );
    const before = memory().numTensors;
    for (let i = 0; i < 5; i++) tidy(() => backward(mean(tanh(matmul(w, w)))));
    expect(memory().numTensors).toBe(before + 1); // w.grad
    w.dispose();
  });
});
