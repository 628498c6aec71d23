import { constant } from '@recur/autograd';
import { dispose, type RecurError, Rng, randomNormal, tensor, tidy } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { GRUCell } from './gru/cell.js';
import { IRNNCell } from './irnn/cell.js';
import { LSTMCell } from './lstm/cell.js';
import { RNNCell } from './rnn/cell.js';

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

/** Row-vector times matrix, for hand-computed references: `x [n] · W [n, m]`. */
function vecMat(x: number[], w: number[][]): number[] {
  return w[0]!.map((_, j) => x.reduce((s, xi, i) => s + xi * w[i]![j]!, 0));
}

describe('cells: parameters and initial weights', () => {
  it('RNNCell names its parameters as the article does', () => {
    const cell = new RNNCell({ inputSize: 3, hiddenSize: 4, seed: 1 });
    const p = cell.parameters();
    expect(Object.keys(p)).toEqual(['W_xh', 'W_ah', 'b_h']);
    expect(p.W_xh.shape).toEqual([3, 4]);
    expect(p.W_ah.shape).toEqual([4, 4]);
    expect(p.b_h.shape).toEqual([4]);
    expect(p.W_xh.name).toBe('W_xh');
    expect(p.W_xh.requiresGrad).toBe(true);
    cell.dispose();
  });

  it('IRNNCell: W_ah = I × gain, b_h = 0, W_xh ~ N(0, 0.001²)', () => {
    const cell = new IRNNCell({ inputSize: 64, hiddenSize: 64, seed: 2, gain: 0.5 });
    const w = cell.W_ah.value.toArray() as number[][];
    w.forEach((row, i) => {
      row.forEach((v, j) => {
        expect(v).toBe(i === j ? 0.5 : 0);
      });
    });
    expect(cell.b_h.value.data().every((v) => v === 0)).toBe(true);
    const x = Array.from(cell.W_xh.value.data());
    const std = Math.sqrt(x.reduce((s, v) => s + v * v, 0) / x.length);
    expect(std).toBeGreaterThan(0.00095);
    expect(std).toBeLessThan(0.00105);
    expect(cell.activation).toBe('relu');
    cell.dispose();
  });

  it('LSTMCell: fused [I,4H]/[H,4H]/[4H], forget bias 1 by default, orthogonal recurrent blocks', () => {
    const H = 6;
    const cell = new LSTMCell({ inputSize: 3, hiddenSize: H, seed: 3 });
    expect(Object.keys(cell.parameters())).toEqual(['W_x', 'W_a', 'b']);
    expect(cell.W_x.shape).toEqual([3, 4 * H]);
    expect(cell.W_a.shape).toEqual([H, 4 * H]);
    const b = Array.from(cell.b.value.data());
    expect(b.slice(0, H).every((v) => v === 0)).toBe(true);
    expect(b.slice(H, 2 * H).every((v) => v === 1)).toBe(true);
    expect(b.slice(2 * H).every((v) => v === 0)).toBe(true);
    const wa = cell.W_a.value.toArray() as number[][];
    for (let gate = 0; gate < 4; gate++) {
      for (let i = 0; i < H; i++) {
        for (let j = 0; j < H; j++) {
          const dot = wa.reduce((s, row) => s + row[gate * H + i]! * row[gate * H + j]!, 0);
          expect(dot).toBeCloseTo(i === j ? 1 : 0, 5);
        }
      }
    }
    const other = new LSTMCell({ inputSize: 3, hiddenSize: H, seed: 3, forgetBias: 0 });
    expect(other.b.value.data().every((v) => v === 0)).toBe(true);
    cell.dispose();
    other.dispose();
  });

  it('GRUCell: fused [I,3H]/[H,3H]/[3H]', () => {
    const cell = new GRUCell({ inputSize: 2, hiddenSize: 5, seed: 4 });
    expect(cell.W_x.shape).toEqual([2, 15]);
    expect(cell.W_a.shape).toEqual([5, 15]);
    expect(cell.b.shape).toEqual([15]);
    cell.dispose();
  });

  it('the same seed gives the same weights; a shared rng gives different cells', () => {
    const a = new LSTMCell({ inputSize: 3, hiddenSize: 4, seed: 5 });
    const b = new LSTMCell({ inputSize: 3, hiddenSize: 4, seed: 5 });
    expect(a.W_x.value.data()).toEqual(b.W_x.value.data());
    const rng = new Rng(5);
    const c = new LSTMCell({ inputSize: 3, hiddenSize: 4, rng });
    const d = new LSTMCell({ inputSize: 3, hiddenSize: 4, rng });
    expect(c.W_x.value.data()).not.toEqual(d.W_x.value.data());
    for (const cell of [a, b, c, d]) cell.dispose();
  });

  it('rejects bad sizes, missing seeds and mis-shaped weights', () => {
    expect(() => new RNNCell({ inputSize: 0, hiddenSize: 4, seed: 1 })).toThrow(
      /inputSize must be a positive integer/,
    );
    expect(() => new GRUCell({ inputSize: 2, hiddenSize: 4 })).toThrow(/give a seed or an rng/);
    const weights = {
      W_x: randomNormal([3, 8], { seed: 1 }),
      W_a: randomNormal([2, 8], { seed: 1 }),
      b: randomNormal([7], { seed: 1 }),
    };
    expect(() => new LSTMCell({ inputSize: 3, hiddenSize: 2, weights })).toThrow(
      /weight b must be \[8\], got \[7\]/,
    );
    try {
      new LSTMCell({ inputSize: 3, hiddenSize: 2, weights });
    } catch (error) {
      expect((error as RecurError).code).toBe('SHAPE');
    }
    dispose(weights);
  });
});

describe('cells: one step equals the equations', () => {
  const x = [0.5, -1];
  const a = [0.25, -0.5];
  const c = [0.1, 0.3];

  it('RNNCell: a = tanh(x W_xh + a W_ah + b_h)', () => {
    const W_xh = [
      [0.1, 0.2],
      [-0.3, 0.4],
    ];
    const W_ah = [
      [0.5, -0.6],
      [0.7, 0.8],
    ];
    const b_h = [0.05, -0.05];
    const cell = new RNNCell({
      inputSize: 2,
      hiddenSize: 2,
      weights: { W_xh: tensor(W_xh), W_ah: tensor(W_ah), b_h: tensor(b_h) },
    });
    tidy(() => {
      const out = cell.step(tensor([x]), { a: constant(tensor([a])) }).a.value.data();
      const z = vecMat(x, W_xh).map((v, j) => v + vecMat(a, W_ah)[j]! + b_h[j]!);
      z.forEach((v, j) => {
        expect(out[j]).toBeCloseTo(Math.tanh(v), 6);
      });
    });
    cell.dispose();
  });

  it('LSTMCell: gates u, f, c̃, o in that column order', () => {
    const rng = new Rng(6);
    const W_x = Array.from({ length: 2 }, () =>
      Array.from({ length: 8 }, () => rng.uniform(-1, 1)),
    );
    const W_a = Array.from({ length: 2 }, () =>
      Array.from({ length: 8 }, () => rng.uniform(-1, 1)),
    );
    const b = Array.from({ length: 8 }, () => rng.uniform(-1, 1));
    const cell = new LSTMCell({
      inputSize: 2,
      hiddenSize: 2,
      weights: { W_x: tensor(W_x), W_a: tensor(W_a), b: tensor(b) },
    });
    tidy(() => {
      const d = cell.detail(tensor([x]), { a: constant(tensor([a])), c: constant(tensor([c])) });
      const z = vecMat(x, W_x).map((v, j) => v + vecMat(a, W_a)[j]! + b[j]!);
      for (let j = 0; j < 2; j++) {
        const u = sigmoid(z[j]!);
        const f = sigmoid(z[2 + j]!);
        const cc = Math.tanh(z[4 + j]!);
        const o = sigmoid(z[6 + j]!);
        const cNext = f * c[j]! + u * cc;
        expect(d.gammaU.value.data()[j]).toBeCloseTo(u, 6);
        expect(d.gammaF.value.data()[j]).toBeCloseTo(f, 6);
        expect(d.cTilde.value.data()[j]).toBeCloseTo(cc, 6);
        expect(d.gammaO.value.data()[j]).toBeCloseTo(o, 6);
        expect(d.c.value.data()[j]).toBeCloseTo(cNext, 6);
        expect(d.a.value.data()[j]).toBeCloseTo(o * Math.tanh(cNext), 6);
      }
    });
    cell.dispose();
  });

  it('GRUCell: reset before, a = u ⊙ a_prev + (1 − u) ⊙ ã', () => {
    const rng = new Rng(7);
    const W_x = Array.from({ length: 2 }, () =>
      Array.from({ length: 6 }, () => rng.uniform(-1, 1)),
    );
    const W_a = Array.from({ length: 2 }, () =>
      Array.from({ length: 6 }, () => rng.uniform(-1, 1)),
    );
    const b = Array.from({ length: 6 }, () => rng.uniform(-1, 1));
    const cell = new GRUCell({
      inputSize: 2,
      hiddenSize: 2,
      weights: { W_x: tensor(W_x), W_a: tensor(W_a), b: tensor(b) },
    });
    tidy(() => {
      const d = cell.detail(tensor([x]), { a: constant(tensor([a])) });
      const xz = vecMat(x, W_x).map((v, j) => v + b[j]!);
      const az = vecMat(a, W_a);
      const u = [0, 1].map((j) => sigmoid(xz[j]! + az[j]!));
      const r = [0, 1].map((j) => sigmoid(xz[2 + j]! + az[2 + j]!));
      const ra = a.map((v, j) => v * r[j]!);
      const candRec = vecMat(
        ra,
        W_a.map((row) => row.slice(4)),
      );
      for (let j = 0; j < 2; j++) {
        const cand = Math.tanh(xz[4 + j]! + candRec[j]!);
        expect(d.u.value.data()[j]).toBeCloseTo(u[j]!, 6);
        expect(d.r.value.data()[j]).toBeCloseTo(r[j]!, 6);
        expect(d.aTilde.value.data()[j]).toBeCloseTo(cand, 6);
        expect(d.a.value.data()[j]).toBeCloseTo(u[j]! * a[j]! + (1 - u[j]!) * cand, 6);
      }
    });
    cell.dispose();
  });
});
