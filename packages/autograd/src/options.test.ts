import { memory, RecurError, tensor } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { backward, grad } from './backward.js';
import { gradcheck } from './gradcheck.js';
import { mse, sigmoidCrossEntropy, softmaxCrossEntropy } from './ops/losses.js';
import { sum } from './ops/reduce.js';
import { parameter, Variable } from './variable.js';

/** Expects `fn` to throw an ARGUMENT RecurError naming `owner` and the unknown option `name`. */
function expectUnknown(fn: () => unknown, owner: string, name: string): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(RecurError);
  expect((error as RecurError).code).toBe('ARGUMENT');
  expect((error as Error).message).toContain(`${owner}: unknown option '${name}'`);
}

describe('public option objects refuse unknown options by name', () => {
  it('losses, backward, grad, gradcheck and Variable', () => {
    const before = memory().numTensors;
    const x = parameter(tensor([[0.5, -1]]));
    const labels = tensor([1], [1], 'int32');
    const t = tensor([[1, 0]]);
    const options = (o: object) => o as never;
    expectUnknown(
      () => softmaxCrossEntropy(x, labels, options({ label_smoothing: 0.1 })),
      'softmaxCrossEntropy',
      'label_smoothing',
    );
    expectUnknown(() => mse(x, t, options({ reduce: 'sum' })), 'mse', 'reduce');
    expectUnknown(
      () => sigmoidCrossEntropy(x, t, options({ pos_weight: 2 })),
      'sigmoidCrossEntropy',
      'pos_weight',
    );
    const loss = sum(x);
    expectUnknown(
      () => backward(loss, undefined, options({ retain_graph: true })),
      'backward',
      'retain_graph',
    );
    expectUnknown(() => grad(loss, [x], options({ create_graph: true })), 'grad', 'create_graph');
    expectUnknown(
      () => gradcheck((v) => sum(v), [t], options({ tolerance: 1 })),
      'gradcheck',
      'tolerance',
    );
    expectUnknown(
      () => new Variable(t, options({ requires_grad: true })),
      'Variable',
      'requires_grad',
    );
    for (const d of [loss, x, labels, t]) d.dispose();
    expect(memory().numTensors).toBe(before);
  });
});
