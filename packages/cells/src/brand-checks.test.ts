import { constant, type Variable } from '@recur/autograd';
import { memory, type Rng, Rng as RngClass, type Tensor, tensor, tidy } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { RNNCell } from './cells/rnn/cell.js';
import { rnnSequenceForward } from './cells/rnn/sequence-kernel.js';
import { fromKeras } from './importers.js';
import { RecurrentLayer } from './layer.js';
import { sequence } from './sequence.js';

/**
 * `real` as a second copy of its package would hand it over: another class (so `instanceof`
 * fails), the same `Symbol.for` brand, working methods and fields. A Proxy stands in for the other
 * copy's class: `instanceof` reads its prototype, every method runs on the real object.
 */
function otherCopy<T extends object>(real: T, brand: string): T {
  const otherPrototype = Object.defineProperty({}, Symbol.for(brand), { value: true });
  return new Proxy(real, {
    getPrototypeOf: () => otherPrototype,
    get: (target, key) => {
      const value = Reflect.get(target, key);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
const otherTensor = (t: Tensor) => otherCopy(t, 'recur.tensor.Tensor');
const otherVariable = (v: Variable) => otherCopy(v, 'recur.autograd.Variable');
const otherRng = (seed: number) => otherCopy(new RngClass(seed), 'recur.tensor.Rng');

const [B, T, I, H] = [2, 3, 2, 2];
const weights = () => ({
  W_xh: tensor([0.5, -0.3, 0.2, 0.4], [I, H]),
  W_ah: tensor([0.1, 0.2, -0.2, 0.3], [H, H]),
  b_h: tensor([0.05, -0.05], [H]),
});
const input = () =>
  tensor([0.1, 0.2, -0.3, 0.4, 0.5, -0.6, 0.7, 0.8, -0.9, 1, 0.2, -0.1], [B, T, I]);
const maskValues = () => tensor([1, 1, 1, 1, 1, 0], [B, T]);

describe('values of another copy of tensor / autograd are recognised by their brand', () => {
  it('is what the fakes look like: the brand, not the class', () => {
    const t = tensor([1]);
    const foreign = otherTensor(t);
    expect(foreign instanceof (t.constructor as new () => unknown)).toBe(false);
    expect(otherRng(1) instanceof RngClass).toBe(false);
    t.dispose();
  });

  it('cell weights, sequence input, mask and initial state from another copy', () => {
    const before = memory().numTensors;
    const reference = new RNNCell({ inputSize: I, hiddenSize: H, weights: weights() });
    const given = weights();
    const shared = constant(given.W_ah);
    const foreign = new RNNCell({
      inputSize: I,
      hiddenSize: H,
      weights: {
        W_xh: otherTensor(given.W_xh),
        W_ah: otherVariable(shared),
        b_h: otherTensor(given.b_h),
      },
    });
    const [expected, got] = tidy(() => {
      const x = input();
      const mask = maskValues();
      const a = tensor([0.3, -0.3, 0.1, 0.2], [B, H]);
      const want = sequence(reference, x, { mask, initialState: { a } }).outputs.value.toArray();
      const have = sequence(foreign, otherVariable(constant(x)), {
        mask: otherTensor(mask),
        initialState: { a: otherTensor(a) },
      }).outputs.value.toArray();
      return [want, have];
    });
    expect(got).toEqual(expected);
    reference.dispose();
    foreign.dispose();
    shared.dispose();
    expect(memory().numTensors).toBe(before);
  });

  it('fused kernel operands and importer weights from another copy', () => {
    const before = memory().numTensors;
    const [expected, got] = tidy(() => {
      const w = weights();
      const x = input();
      const a0 = tensor([0, 0, 0, 0], [B, H]);
      const attrs = { activation: 'tanh', reverse: false } as const;
      const want = rnnSequenceForward({ x, W_x: w.W_xh, W_a: w.W_ah, b: w.b_h, a0 }, attrs);
      const have = rnnSequenceForward(
        {
          x: otherTensor(x),
          W_x: otherTensor(w.W_xh),
          W_a: otherTensor(w.W_ah),
          b: otherTensor(w.b_h),
          a0: otherTensor(a0),
        },
        attrs,
      );
      return [want.A.toArray(), have.A.toArray()];
    });
    expect(got).toEqual(expected);
    const w = weights();
    const imported = fromKeras('rnn', [
      otherTensor(w.W_xh),
      otherTensor(w.W_ah),
      otherTensor(w.b_h),
    ]);
    expect(imported.W_xh.value.toArray()).toEqual(w.W_xh.toArray());
    imported.dispose();
    for (const t of Object.values(w)) t.dispose();
    expect(memory().numTensors).toBe(before);
  });

  it('a layer trains with dropout drawn from an Rng of another copy', () => {
    const layer = new RecurrentLayer({
      cell: 'rnn',
      inputSize: I,
      hiddenSize: H,
      numLayers: 2,
      dropout: 0.5,
      seed: 3,
    });
    const before = memory().numTensors;
    const [expected, got] = tidy(() => {
      const x = input();
      const run = (rng: Rng) => {
        const out = layer.forward(x, { training: true, rng }).outputs.value.toArray();
        layer.resetStates();
        return out;
      };
      return [run(new RngClass(9)), run(otherRng(9))];
    });
    expect(got).toEqual(expected);
    expect(memory().numTensors).toBe(before);
    layer.dispose();
  });

  it('a plain object is still refused, with the same message', () => {
    const before = memory().numTensors;
    const plain = { shape: [I, H], dtype: 'float32' };
    const w = weights();
    expect(
      () => new RNNCell({ inputSize: I, hiddenSize: H, weights: { ...w, W_xh: plain as never } }),
    ).toThrow('RNNCell: weight W_xh must be a Tensor or a Variable [2,2], got object');
    const cell = new RNNCell({ inputSize: I, hiddenSize: H, weights: w });
    const x = input();
    expect(() => sequence(cell, plain as never)).toThrow(
      'sequence: x must be a Variable or a Tensor, got object',
    );
    expect(() => sequence(cell, x, { mask: plain as never })).toThrow(
      'sequence: mask must be a Tensor [batch, time]',
    );
    expect(() =>
      rnnSequenceForward({ x: plain, W_x: x, W_a: x, b: x, a0: x } as never, {
        activation: 'tanh',
        reverse: false,
      }),
    ).toThrow("rnnSequenceForward: operand 'x' must be a Tensor, got Object");
    const layer = new RecurrentLayer({
      cell: 'rnn',
      inputSize: I,
      hiddenSize: H,
      numLayers: 2,
      dropout: 0.5,
      seed: 3,
    });
    expect(() => layer.forward(x, { training: true, rng: { next: () => 0.5 } as never })).toThrow(
      /options\.rng, which must be an Rng .*; got object/,
    );
    layer.dispose();
    cell.dispose();
    x.dispose();
    expect(memory().numTensors).toBe(before);
  });
});
