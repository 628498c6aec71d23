import * as T from '@recur/tensor';
import { memory, randomNormal, tensor, tidy, zeros } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { backward, zeroGrad } from './backward.js';
import { noGrad } from './grad-mode.js';
import { add, tanh } from './ops/elementwise.js';
import { softmaxCrossEntropy } from './ops/losses.js';
import { matmul } from './ops/matmul.js';
import { gather } from './ops/shape.js';
import { parameter, type Variable } from './variable.js';

describe('memory', () => {
  it('100 training steps of a small RNN inside tidy keep the live tensor count flat', () => {
    const vocab = 5;
    const hidden = 8;
    const W_xh = parameter(randomNormal([vocab, hidden], { seed: 1, std: 0.3 }), 'W_xh');
    const W_ah = parameter(randomNormal([hidden, hidden], { seed: 2, std: 0.3 }), 'W_ah');
    const b_h = parameter(zeros([hidden]), 'b_h');
    const W_ao = parameter(randomNormal([hidden, vocab], { seed: 3, std: 0.3 }), 'W_ao');
    const b_o = parameter(zeros([vocab]), 'b_o');
    const params = [W_xh, W_ah, b_h, W_ao, b_o];
    // Predict the next symbol of 0 1 2 3 4 0 1 2 … (batch of 2 shifted sequences).
    const inputs = [0, 1, 2, 3].map((t) => tensor([t, (t + 2) % vocab], [2], 'int32'));
    const targets = [1, 2, 3, 4].map((t) => tensor([t, (t + 2) % vocab], [2], 'int32'));

    const step = (): number =>
      tidy(() => {
        let a: Variable | T.Tensor = zeros([2, hidden]); // a⟨0⟩
        const losses = inputs.map((x, t) => {
          a = tanh(add(add(gather(W_xh, x), matmul(a, W_ah)), b_h));
          return softmaxCrossEntropy(add(matmul(a, W_ao), b_o), targets[t]!);
        });
        const total = losses.reduce((sum, l) => add(sum, l));
        zeroGrad(params);
        backward(total);
        noGrad(() => {
          for (const p of params) p.assign(T.sub(p.value, T.mul(p.grad!, 0.1)));
        });
        return total.item();
      });

    const first = step();
    const counts: number[] = [];
    const bytes: number[] = [];
    let last = first;
    for (let i = 0; i < 100; i++) {
      last = step();
      counts.push(memory().numTensors);
      bytes.push(memory().numBytes);
    }
    expect(new Set(counts).size).toBe(1);
    expect(new Set(bytes).size).toBe(1);
    expect(last).toBeLessThan(first / 2); // it did train
    for (const p of params) p.dispose();
    for (const t of [...inputs, ...targets]) t.dispose();
  });

  it('backward releases the tensors a graph saved; values stay with their variables', () => {
    const w = parameter(
      tensor([
        [0.5, -0.2],
        [0.1, 0.3],
      ]),
    );
    const labels = tensor([0, 1], undefined, 'int32');
    const before = memory().numTensors;
    const h = tanh(matmul(w, w)); // 2 values
    const loss = softmaxCrossEntropy(h, labels); // its value + 3 saved for backward
    expect(memory().numTensors).toBe(before + 2 + 1 + 3);
    backward(loss);
    expect(memory().numTensors).toBe(before + 2 + 1 + 1); // saved freed, w.grad added
    for (const v of [h, loss, w]) v.dispose();
    labels.dispose();
    expect(memory().numTensors).toBe(before - 1); // w's own value gone too
  });
});
