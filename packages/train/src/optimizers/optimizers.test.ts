import { parameter, type Variable } from '@recur/autograd';
import { memory, tensor } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { Adagrad } from './adagrad.js';
import { Adam } from './adam.js';
import { AdamW } from './adamw.js';
import type { Optimizer } from './optimizer.js';
import { RMSProp } from './rmsprop.js';
import { SGD } from './sgd.js';

/** θ0 = [1, −2]; the gradients of steps 1, 2, 3 (fixed, so the references are easy to derive). */
const gradients = [
  [0.5, -1],
  [0.1, 0.2],
  [-0.3, 0.4],
];

/**
 * References computed by hand from PyTorch's update rules in float64 (see each optimizer's doc
 * comment). E.g. SGD+Nesterov step 1: b = g = 0.5, g' = g + 0.9·b = 0.95, θ = 1 − 0.1·0.95 =
 * 0.905; Adam step 1: m̂/√v̂ = sign(g), θ = 1 − 0.1 = 0.9.
 */
const cases: [string, (p: Variable[]) => Optimizer, number[][]][] = [
  [
    'SGD',
    (p) => new SGD(p, { lr: 0.1 }),
    [
      [0.95, -1.9],
      [0.94, -1.92],
      [0.97, -1.96],
    ],
  ],
  [
    'SGD momentum 0.9, dampening 0.1, weight decay 0.01',
    (p) => new SGD(p, { lr: 0.1, momentum: 0.9, dampening: 0.1, weightDecay: 0.01 }),
    [
      [0.949, -1.898],
      [0.8932459, -1.8224918],
      [0.869263289, -1.78889418],
    ],
  ],
  [
    'SGD Nesterov',
    (p) => new SGD(p, { lr: 0.1, momentum: 0.9, nesterov: true }),
    [
      [0.905, -1.81],
      [0.8455, -1.767],
      [0.85795, -1.7863],
    ],
  ],
  [
    'RMSProp',
    (p) => new RMSProp(p),
    [
      [0.90000002, -1.90000001],
      [0.880293438, -1.91970659],
      [0.931374374, -1.95653426],
    ],
  ],
  [
    'RMSProp centered, momentum 0.5, alpha 0.9, weight decay 0.1',
    (p) =>
      new RMSProp(p, { lr: 0.01, alpha: 0.9, momentum: 0.5, centered: true, weightDecay: 0.1 }),
    [
      [0.966666669, -1.96666667],
      [0.938801331, -1.95009703],
      [0.935917506, -1.94785689],
    ],
  ],
  [
    'Adagrad',
    (p) => new Adagrad(p, { lr: 0.1 }),
    [
      [0.9, -1.9],
      [0.880388387, -1.91961161],
      [0.931097642, -1.95612645],
    ],
  ],
  [
    'Adagrad lrDecay 0.5, initial accumulator 0.1, weight decay 0.01',
    (p) =>
      new Adagrad(p, { lr: 0.1, lrDecay: 0.5, initialAccumulatorValue: 0.1, weightDecay: 0.01 }),
    [
      [0.915011803, -1.904485],
      [0.903081446, -1.91562292],
      [0.924609884, -1.93220841],
    ],
  ],
  [
    'Adam',
    (p) => new Adam(p, { lr: 0.1 }),
    [
      [0.900000002, -1.9],
      [0.819695906, -1.84889739],
      [0.798624612, -1.83547343],
    ],
  ],
  [
    'Adam with L2 weight decay 0.1 and AMSGrad',
    (p) => new Adam(p, { lr: 0.1, weightDecay: 0.1, amsgrad: true }),
    [
      [0.900000002, -1.9],
      [0.813648345, -1.8336478],
      [0.771581821, -1.79451093],
    ],
  ],
  [
    'AdamW (decoupled weight decay 0.1)',
    (p) => new AdamW(p, { lr: 0.1, weightDecay: 0.1 }),
    [
      [0.890000002, -1.88],
      [0.800795906, -1.81009739],
      [0.771716653, -1.77857246],
    ],
  ],
];

function stepWith(optimizer: Optimizer, p: Variable, g: number[]): number[] {
  p.grad = tensor(g);
  optimizer.step();
  optimizer.zeroGrad();
  return Array.from(p.value.data());
}

describe.each(cases)('%s', (_name, make, expected) => {
  it('matches the hand-computed values for 3 steps', () => {
    const p = parameter(tensor([1, -2]), 'theta');
    const optimizer = make([p]);
    gradients.forEach((g, i) => {
      const got = stepWith(optimizer, p, g);
      expect(got[0]).toBeCloseTo(expected[i]![0]!, 5);
      expect(got[1]).toBeCloseTo(expected[i]![1]!, 5);
    });
    optimizer.dispose();
    p.dispose();
  });

  it('resumes exactly from its state dict', () => {
    const a = parameter(tensor([1, -2]), 'theta');
    const reference = make([a]);
    stepWith(reference, a, gradients[0]!);
    stepWith(reference, a, gradients[1]!);
    const b = parameter(tensor(Array.from(a.value.data())), 'theta');
    const resumed = make([b]);
    resumed.loadStateDict(reference.stateDict());
    expect(stepWith(resumed, b, gradients[2]!)).toEqual(stepWith(reference, a, gradients[2]!));
    expect(resumed.stepCount).toBe(3);
    for (const x of [reference, resumed, a, b]) x.dispose();
  });
});

describe('Optimizer', () => {
  it('skips parameters without a gradient and keeps live tensors flat', () => {
    const used = parameter(tensor([1, 2]), 'used');
    const unused = parameter(tensor([5]), 'unused');
    const optimizer = new Adam({ used, unused }, { lr: 0.1 });
    stepWith(optimizer, used, [1, 1]);
    const before = memory().numTensors;
    for (let i = 0; i < 5; i++) stepWith(optimizer, used, [1, -1]);
    expect(memory().numTensors).toBe(before);
    expect(Array.from(unused.value.data())).toEqual([5]);
    expect(Object.keys(optimizer.stateDict().slots)).toEqual(['used']);
    expect(optimizer.stateDict().paramSteps).toEqual({ used: 6 });
    optimizer.dispose();
    used.dispose();
    unused.dispose();
  });

  it('names state by record key and reports hyper-parameters', () => {
    const W = parameter(tensor([1]));
    const optimizer = new SGD({ W }, { lr: 0.5, momentum: 0.9 });
    stepWith(optimizer, W, [1]);
    const state = optimizer.stateDict();
    expect(state.type).toBe('SGD');
    expect(state.hyperParams).toEqual({
      lr: 0.5,
      momentum: 0.9,
      dampening: 0,
      nesterov: false,
      weightDecay: 0,
    });
    expect(Object.keys(state.slots.W!)).toEqual(['momentum_buffer']);
    optimizer.dispose();
    W.dispose();
  });

  it('rejects bad hyper-parameters and mismatched state', () => {
    const p = parameter(tensor([1, 2]), 'p');
    expect(() => new SGD([p], { lr: 0.1, nesterov: true })).toThrow(/nesterov needs momentum/);
    expect(() => new SGD([p], { lr: -1 })).toThrow(expect.objectContaining({ code: 'RANGE' }));
    expect(() => new Adam([p], { betas: [0.9, 1] })).toThrow(/below 1/);
    expect(() => new SGD([p, p], { lr: 1 })).toThrow(/two parameters are named 'p'/);
    const adam = new Adam([p]);
    stepWith(adam, p, [1, 1]);
    expect(() => new SGD([p], { lr: 1 }).loadStateDict(adam.stateDict())).toThrow(
      /state is for Adam, not SGD/,
    );
    const q = parameter(tensor([1, 2, 3]), 'p');
    expect(() => new Adam([q]).loadStateDict(adam.stateDict())).toThrow(
      /slot 'exp_avg' of 'p' is \[2\]/,
    );
    const r = parameter(tensor([1, 2]), 'r');
    expect(() => new Adam([r]).loadStateDict(adam.stateDict())).toThrow(/unknown parameter 'p'/);
    expect(new AdamW([p]).type).toBe('AdamW');
    expect(new AdamW([p]).weightDecay).toBe(0.01);
    for (const x of [adam, p, q, r]) x.dispose();
  });
});
