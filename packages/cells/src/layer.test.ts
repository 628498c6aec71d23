import { backward, grad, mul, slice, sum, zeroGrad } from '@recur/autograd';
import {
  dispose,
  memory,
  RecurError,
  Rng,
  randomNormal,
  type Tensor,
  tensor,
  tidy,
} from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { RecurrentLayer } from './layer.js';
import { sequence } from './sequence.js';
import { leaf, maxAbsDiff } from './test-utils.js';

const B = 3;
const T = 6;
const I = 4;
const H = 5;

describe('RecurrentLayer', () => {
  it('stacks layers: layer l reads layer l−1', () => {
    const layer = new RecurrentLayer({
      cell: 'lstm',
      inputSize: I,
      hiddenSize: H,
      numLayers: 2,
      seed: 1,
    });
    const x = randomNormal([B, T, I], { seed: 2 });
    tidy(() => {
      const { outputs, states } = layer.forward(x);
      expect(outputs.shape).toEqual([B, T, H]);
      expect(states).toHaveLength(2);
      const first = sequence(layer.cells[0]!.forward, x);
      const second = sequence(layer.cells[1]!.forward, first.outputs);
      expect(maxAbsDiff(outputs.value, second.outputs.value)).toBe(0);
      expect(maxAbsDiff(states[0]!.forward.c.value, first.state.c.value)).toBe(0);
      expect(maxAbsDiff(states[1]!.forward.a.value, second.state.a.value)).toBe(0);
    });
    expect(Object.keys(layer.parameters())).toEqual([
      'layer0.forward.W_x',
      'layer0.forward.W_a',
      'layer0.forward.b',
      'layer1.forward.W_x',
      'layer1.forward.W_a',
      'layer1.forward.b',
    ]);
    expect(layer.cells[1]!.forward.inputSize).toBe(H);
    x.dispose();
    layer.dispose();
  });

  it('bidirectional: forward and backward directions concatenated, with masks', () => {
    const layer = new RecurrentLayer({
      cell: 'gru',
      inputSize: I,
      hiddenSize: H,
      bidirectional: true,
      seed: 3,
    });
    const x = randomNormal([B, T, I], { seed: 4 });
    const lengths = [6, 3, 1];
    const mask = tensor(
      lengths.flatMap((n) => Array.from({ length: T }, (_, t) => (t < n ? 1 : 0))),
      [B, T],
    );
    tidy(() => {
      const { outputs, states } = layer.forward(x, { mask });
      expect(outputs.shape).toEqual([B, T, 2 * H]);
      expect(layer.outputSize).toBe(2 * H);
      // Row 1 (length 3): the backward direction's final state is the reverse pass over steps 2, 1, 0 only.
      const row = slice(x, [1, 0, 0], [1, 3, I]);
      const alone = sequence(layer.cells[0]!.backward!, row, { reverse: true });
      const got = tensor((states[0]!.backward!.a.value.toArray() as number[][])[1]!, [1, H]);
      expect(maxAbsDiff(alone.state.a.value, got)).toBeLessThan(1e-6);
      // Its output at t = 0 is that final state; the forward half is the plain forward pass.
      const out = outputs.value.toArray() as number[][][];
      expect(maxAbsDiff(tensor(out[1]![0]!.slice(H), [1, H]), got)).toBe(0);
      const fwd = sequence(layer.cells[0]!.forward, x, { mask });
      const fwdOut = fwd.outputs.value.toArray() as number[][][];
      expect(out[2]![4]!.slice(0, H)).toEqual(fwdOut[2]![4]);
    });
    dispose([x, mask]);
    layer.dispose();
  });

  it('fused and composed layers agree (2 layers, bidirectional, mask, dropout) in values and gradients', () => {
    const make = (fused: boolean) =>
      new RecurrentLayer({
        cell: 'lstm',
        inputSize: I,
        hiddenSize: H,
        numLayers: 2,
        bidirectional: true,
        dropout: 0.3,
        fused,
        seed: 5,
      });
    const x = randomNormal([B, T, I], { seed: 6 });
    const mask = tensor([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0], [B, T]);
    const results = [true, false].map((fused) => {
      const layer = make(fused);
      const r = tidy(() => {
        const xv = leaf(x.reshape(x.shape));
        const { outputs } = layer.forward(xv, { mask, training: true, rng: new Rng(11) });
        const loss = sum(mul(outputs, outputs));
        return [outputs.value, ...grad(loss, [xv, ...Object.values(layer.parameters())])];
      });
      layer.dispose();
      return r;
    });
    results[0]!.forEach((t, i) => {
      expect(maxAbsDiff(t, results[1]![i]!), `#${i}`).toBeLessThan(1e-5);
    });
    dispose([x, mask, results]);
  });

  it('dropout between layers: masks from the rng of each training call, none when not training', () => {
    const make = () =>
      new RecurrentLayer({
        cell: 'rnn',
        inputSize: I,
        hiddenSize: H,
        numLayers: 2,
        dropout: 0.5,
        seed: 7,
      });
    const a = make();
    const b = make();
    const x = randomNormal([B, T, I], { seed: 8 });
    const rng = new Rng(3);
    tidy(() => {
      const evalA = a.forward(x).outputs.value;
      const saved = rng.getState();
      const trainA = a.forward(x, { training: true, rng }).outputs.value;
      const next = a.forward(x, { training: true, rng }).outputs.value;
      rng.setState(saved);
      // Another layer with the same weights, given the generator in the same state: same masks.
      const trainB = b.forward(x, { training: true, rng }).outputs.value;
      expect(maxAbsDiff(trainA, trainB)).toBe(0);
      expect(maxAbsDiff(trainA, next)).toBeGreaterThan(1e-3); // the rng moved on: new masks
      expect(maxAbsDiff(evalA, trainA)).toBeGreaterThan(1e-3);
      expect(maxAbsDiff(evalA, b.forward(x).outputs.value)).toBe(0);
    });
    x.dispose();
    a.dispose();
    b.dispose();
    expect(
      () => new RecurrentLayer({ cell: 'rnn', inputSize: I, hiddenSize: H, dropout: 1, seed: 1 }),
    ).toThrow(RecurError);
  });

  it('training with dropout needs an rng (the layer keeps no generator of its own)', () => {
    const layer = new RecurrentLayer({
      cell: 'gru',
      inputSize: I,
      hiddenSize: H,
      numLayers: 2,
      dropout: 0.2,
      seed: 1,
    });
    const single = new RecurrentLayer({
      cell: 'gru',
      inputSize: I,
      hiddenSize: H,
      dropout: 0.2,
      seed: 1,
    });
    const x = randomNormal([B, T, I], { seed: 2 });
    const before = memory().numTensors;
    expect(() => layer.forward(x, { training: true })).toThrow(
      "RecurrentLayer.forward: training with dropout 0.2 between 2 layers draws masks from options.rng, which must be an Rng (e.g. the TrainingContext's rng, saved in checkpoints); got none",
    );
    expect(() => layer.forward(x, { training: true, rng: 42 as unknown as Rng })).toThrow(
      /options\.rng, which must be an Rng .*; got number/,
    );
    expect(memory().numTensors).toBe(before);
    // No draw, no rng needed: evaluation, or one layer (dropout acts between layers only).
    expect(layer.drawsWhenTraining).toBe(true);
    expect(single.drawsWhenTraining).toBe(false);
    tidy(() => {
      layer.forward(x);
      single.forward(x, { training: true });
    });
    expect(memory().numTensors).toBe(before);
    dispose(x);
    layer.dispose();
    single.dispose();
  });

  it('stateful: chunks continue the sequence, the carried state is detached', () => {
    const layer = new RecurrentLayer({
      cell: 'lstm',
      inputSize: I,
      hiddenSize: H,
      stateful: true,
      seed: 9,
    });
    const whole = new RecurrentLayer({ cell: 'lstm', inputSize: I, hiddenSize: H, seed: 9 });
    const x = randomNormal([B, T, I], { seed: 10 });
    const chunk = (t0: number) => tidy(() => slice(x, [0, t0, 0], [B, T / 2, I]).value);
    const [c1, c2] = [chunk(0), chunk(T / 2)];
    tidy(() => {
      const full = whole.forward(x).outputs.value.toArray() as number[][][];
      const first = layer.forward(c1!).outputs.value.toArray() as number[][][];
      const second = layer.forward(c2!);
      const secondValues = second.outputs.value.toArray() as number[][][];
      for (let b = 0; b < B; b++) {
        expect(
          maxAbsDiff(tensor(first[b]!.flat()), tensor(full[b]!.slice(0, T / 2).flat())),
        ).toBeLessThan(1e-6);
        expect(
          maxAbsDiff(tensor(secondValues[b]!.flat()), tensor(full[b]!.slice(T / 2).flat())),
        ).toBeLessThan(1e-6);
      }
      // Gradients stop at the chunk boundary: the carried state is a leaf without gradient.
      const carried = layer.carriedStates![0]!.forward;
      expect(carried.a.requiresGrad).toBe(false);
      expect(carried.a.isLeaf).toBe(true);
      backward(sum(second.outputs));
    });
    expect(() => tidy(() => layer.forward(randomNormal([B + 1, T, I], { seed: 1 })))).toThrow(
      /call resetStates\(\) first/,
    );
    layer.resetStates();
    expect(layer.carriedStates).toBeNull();
    tidy(() => {
      const fresh = layer.forward(c1!).outputs.value;
      expect(maxAbsDiff(fresh, whole.forward(c1!).outputs.value)).toBeLessThan(1e-6);
    });
    dispose([x, c1, c2]);
    layer.dispose();
    whole.dispose();
  });

  it('stateful training keeps the live tensor count flat', () => {
    const layer = new RecurrentLayer({
      cell: 'gru',
      inputSize: I,
      hiddenSize: H,
      stateful: true,
      numLayers: 2,
      seed: 11,
    });
    const params = Object.values(layer.parameters());
    const x = randomNormal([B, 3, I], { seed: 12 });
    const step = () =>
      tidy(() => {
        backward(sum(layer.forward(x, { training: true }).outputs));
        zeroGrad(params);
      });
    step();
    step();
    const before = memory().numTensors;
    for (let i = 0; i < 20; i++) step();
    expect(memory().numTensors).toBe(before);
    layer.dispose();
    x.dispose();
  });

  it('rejects bad options and inputs clearly', () => {
    expect(
      () =>
        new RecurrentLayer({ cell: 'lstm', inputSize: I, hiddenSize: H, numLayers: 0, seed: 1 }),
    ).toThrow(/numLayers/);
    expect(() => new RecurrentLayer({ cell: 'lstm', inputSize: I, hiddenSize: H })).toThrow(
      /give a seed or an rng/,
    );
    expect(
      () => new RecurrentLayer({ cell: 'bogus' as 'lstm', inputSize: I, hiddenSize: H, seed: 1 }),
    ).toThrow(/cell must be 'rnn', 'irnn', 'lstm', 'gru' or 'mgu'/);
    const layer = new RecurrentLayer({
      cell: 'rnn',
      inputSize: I,
      hiddenSize: H,
      numLayers: 2,
      seed: 1,
    });
    const x: Tensor = randomNormal([B, T, I + 1], { seed: 1 });
    expect(() => tidy(() => layer.forward(x))).toThrow(/inputSize is 4/);
    const good = randomNormal([B, T, I], { seed: 1 });
    expect(() => tidy(() => layer.forward(good, { initialState: [] }))).toThrow(
      /one state per layer \(2\)/,
    );
    dispose([x, good]);
    layer.dispose();
  });
});
