import {
  CpuBackend,
  dispose,
  memory,
  Rng,
  randomNormal,
  randomUniform,
  type Tensor,
  tensor,
  tidy,
  toBackend,
  withBackend,
} from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { gruSequenceBackward, gruSequenceForward } from '../cells/gru/sequence-kernel.js';
import { lstmSequenceBackward, lstmSequenceForward } from '../cells/lstm/sequence-kernel.js';
import { rnnSequenceBackward, rnnSequenceForward } from '../cells/rnn/sequence-kernel.js';
import { maxAbsDiff } from '../test-utils.js';
import type { NamedKernel } from './named-kernel.js';
import type { SequenceAttrs } from './sequence.js';

/** A CPU backend under another name: the fused kernels have no implementation for it, so they
 * run their composed fallbacks (what any backend without a native implementation runs). */
class ComposedOnly extends CpuBackend {
  override readonly name = 'composed-only';
}
const composed = new ComposedOnly();

/** Runs `kernel` natively and through its fallback on the same values; compares every output. */
function compare<In extends object, Out extends string, A>(
  kernel: NamedKernel<In, Out, A>,
  inputs: In,
  attrs: A,
  tol = 2e-5,
): void {
  tidy(() => {
    const native = kernel(inputs, attrs);
    const moved = Object.fromEntries(
      Object.entries(inputs).map(([k, t]) => [k, t && toBackend(t as Tensor, composed)]),
    ) as In;
    const reference = withBackend(composed, () => kernel(moved, attrs));
    expect(kernel.supports((inputs as { x: Tensor }).x.backend)).toBe(true);
    expect(kernel.supports(composed)).toBe(false);
    expect(Object.keys(native)).toEqual(Object.keys(reference));
    for (const name of kernel.outputNames) {
      expect(
        maxAbsDiff(native[name], reference[name]),
        `${kernel.kernelName} ${name}`,
      ).toBeLessThan(tol);
    }
  });
}

const DIMS = { B: 3, T: 5, I: 4, H: 6 };
const { B, T } = DIMS;

function weights(seed: number, gates: number, { B, T, I, H } = DIMS) {
  const rng = new Rng(seed);
  return {
    x: randomNormal([B, T, I], { rng }),
    W_x: randomNormal([I, gates * H], { rng, std: 0.5 }),
    W_a: randomNormal([H, gates * H], { rng, std: 0.5 }),
    b: randomNormal([gates * H], { rng, std: 0.3 }),
    a0: randomNormal([B, H], { rng, std: 0.5 }),
    c0: randomNormal([B, H], { rng, std: 0.5 }),
    dA: randomNormal([B, T, H], { rng }),
    dC: randomNormal([B, T, H], { rng }),
  };
}

// Row 0 full length, row 1 padded at the end, row 2 with a hole in the middle.
const maskValues = [1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 0, 1, 0, 1];

const cases: Array<{ label: string; reverse: boolean; masked: boolean }> = [
  { label: 'forward', reverse: false, masked: false },
  { label: 'reverse', reverse: true, masked: false },
  { label: 'masked', reverse: false, masked: true },
  { label: 'masked reverse', reverse: true, masked: true },
];

describe('fused sequence kernels equal their composed fallbacks', () => {
  for (const { label, reverse, masked } of cases) {
    it(`RNN tanh and relu (${label})`, () => {
      const w = weights(1, 1);
      const mask = masked ? tensor(maskValues, [B, T]) : undefined;
      const { x, W_x, W_a, b, a0, dA } = w;
      for (const activation of ['tanh', 'relu'] as const) {
        const attrs = { activation, reverse };
        compare(rnnSequenceForward, { x, W_x, W_a, b, a0, mask }, attrs);
        const { A } = rnnSequenceForward({ x, W_x, W_a, b, a0, mask }, attrs);
        compare(rnnSequenceBackward, { x, W_x, W_a, a0, A, dA, mask }, attrs);
        A.dispose();
      }
      dispose([w, mask]);
    });

    it(`LSTM (${label})`, () => {
      const w = weights(2, 4);
      const mask = masked ? tensor(maskValues, [B, T], 'int32') : undefined;
      const attrs: SequenceAttrs = { reverse };
      const { x, W_x, W_a, b, a0, c0, dA, dC } = w;
      compare(lstmSequenceForward, { x, W_x, W_a, b, a0, c0, mask }, attrs);
      const outs = lstmSequenceForward({ x, W_x, W_a, b, a0, c0, mask }, attrs);
      compare(lstmSequenceBackward, { x, W_x, W_a, a0, c0, ...outs, dA, dC, mask }, attrs);
      dispose([w, mask, outs]);
    });

    it(`GRU (${label})`, () => {
      const w = weights(3, 3);
      const mask = masked ? tensor(maskValues, [B, T]) : undefined;
      const attrs: SequenceAttrs = { reverse };
      const { x, W_x, W_a, b, a0, dA } = w;
      compare(gruSequenceForward, { x, W_x, W_a, b, a0, mask }, attrs);
      const outs = gruSequenceForward({ x, W_x, W_a, b, a0, mask }, attrs);
      compare(gruSequenceBackward, { x, W_x, W_a, a0, ...outs, dA, mask }, attrs);
      dispose([w, mask, outs]);
    });
  }
});

describe('the LSTM gate math: wasm SIMD pass and TypeScript path', () => {
  // H = 12 (a multiple of 4, B·4H ≥ 128): one wasm pass per step; the default sizes above
  // (H = 6) and a CPU backend without wasm take the TypeScript path.
  const dims = { B: 3, T: 5, I: 4, H: 12 };
  for (const backend of [new CpuBackend(), new CpuBackend({ wasm: 'never' })]) {
    it(`equals the composed fallback (${backend.usesWasm ? 'wasm' : 'TypeScript'})`, () => {
      withBackend(backend, () => {
        const w = weights(7, 4, dims);
        const moved = Object.fromEntries(
          Object.entries(w).map(([k, t]) => [k, toBackend(t, backend)]),
        ) as typeof w;
        const { x, W_x, W_a, b, a0, c0, dA, dC } = moved;
        const mask = tensor(maskValues, [dims.B, dims.T]);
        for (const reverse of [false, true]) {
          const inputs = { x, W_x, W_a, b, a0, c0, mask };
          compare(lstmSequenceForward, inputs, { reverse });
          const outs = lstmSequenceForward(inputs, { reverse });
          compare(
            lstmSequenceBackward,
            { x, W_x, W_a, a0, c0, ...outs, dA, dC, mask },
            { reverse },
          );
          dispose(outs);
        }
        dispose([w, moved, mask]);
      });
    });
  }
});

describe('fused sequence kernels: masks', () => {
  it('a padded step copies the state through and the gates read zero', () => {
    const w = weights(4, 4);
    const mask = tensor(maskValues, [B, T]);
    const { x, W_x, W_a, b, a0, c0 } = w;
    const { A, C, G } = lstmSequenceForward({ x, W_x, W_a, b, a0, c0, mask }, { reverse: false });
    const a = A.toArray() as number[][][];
    const c = C.toArray() as number[][][];
    const g = G.toArray() as number[][][];
    // Row 1 is padded from t = 3: its state stays that of t = 2.
    expect(a[1]![3]).toEqual(a[1]![2]);
    expect(a[1]![4]).toEqual(a[1]![2]);
    expect(c[1]![4]).toEqual(c[1]![2]);
    expect(g[1]![4]!.every((v) => v === 0)).toBe(true);
    // Row 2 starts padded: its first state is the initial one.
    expect(a[2]![1]).toEqual(a[2]![0]);
    dispose([w, mask, A, C, G]);
  });

  it('a padded step adds nothing to the weight gradients', () => {
    // With every step of row 1 padded, its inputs get no gradient and the weight gradients equal
    // those of the batch without row 1.
    const w = weights(5, 1);
    const mask = tensor([1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1], [B, T]);
    const attrs = { activation: 'tanh' as const, reverse: false };
    const { x, W_x, W_a, b, a0 } = w;
    const { A } = rnnSequenceForward({ x, W_x, W_a, b, a0, mask }, attrs);
    const { dx, da0 } = rnnSequenceBackward({ x, W_x, W_a, a0, A, dA: w.dA, mask }, attrs);
    const dxRow1 = (dx.toArray() as number[][][])[1]!.flat();
    expect(dxRow1.every((v) => v === 0)).toBe(true);
    // Its initial state's gradient is the sum of the output gradients (passed straight through).
    const dA = w.dA.toArray() as number[][][];
    const expected = dA[1]![0]!.map((_, j) => dA[1]!.reduce((s, row) => s + row[j]!, 0));
    const got = (da0.toArray() as number[][])[1]!;
    got.forEach((v, j) => {
      expect(v).toBeCloseTo(expected[j]!, 5);
    });
    dispose([w, mask, A, dx, da0]);
  });
});

describe('fused sequence kernels: memory', () => {
  it('leave no storage behind', () => {
    const w = weights(6, 4);
    const attrs: SequenceAttrs = { reverse: false };
    const { x, W_x, W_a, b, a0, c0, dA, dC } = w;
    const run = () => {
      const outs = lstmSequenceForward({ x, W_x, W_a, b, a0, c0 }, attrs);
      const grads = lstmSequenceBackward({ x, W_x, W_a, a0, c0, ...outs, dA, dC }, attrs);
      dispose([outs, grads]);
    };
    run();
    const before = memory();
    for (let i = 0; i < 5; i++) run();
    const after = memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
    expect(after.numBuffers).toBe(before.numBuffers);
    dispose(w);
  });

  it('uniform inputs give finite values at saturation', () => {
    const rng = new Rng(9);
    const x = randomUniform([2, 3, 2], { rng, low: -50, high: 50 });
    const wx = randomUniform([2, 8], { rng, low: -50, high: 50 });
    const wa = randomUniform([2, 8], { rng, low: -50, high: 50 });
    const b = randomUniform([8], { rng, low: -1, high: 1 });
    const a0 = randomUniform([2, 2], { rng, low: -1, high: 1 });
    const outs = lstmSequenceForward({ x, W_x: wx, W_a: wa, b, a0, c0: a0 }, { reverse: false });
    for (const o of Object.values(outs)) expect(o.data().every(Number.isFinite)).toBe(true);
    dispose([x, wx, wa, b, a0, outs]);
  });
});

/**
 * Directional finite differences, independent of autograd: for L = Σ_k ⟨R_k, out_k⟩ and a random
 * direction V, (L(w + εV) − L(w − εV)) / 2ε must equal ⟨dL/dw, V⟩ from the backward kernel.
 */
function directionalCheck(
  forward: (inputs: Tensor[]) => Tensor[],
  inputs: Tensor[],
  weightsOut: Tensor[],
  gradients: Tensor[],
  seed: number,
): void {
  const rng = new Rng(seed);
  const loss = (xs: Tensor[]) =>
    tidy(() => {
      const outs = forward(xs);
      let total = 0;
      weightsOut.forEach((r, k) => {
        const o = outs[k]!.data();
        const rv = r.data();
        for (let i = 0; i < o.length; i++) total += o[i]! * rv[i]!;
      });
      return total;
    });
  const eps = 2e-3;
  gradients.forEach((g, which) => {
    const base = inputs[which]!.data();
    const direction = Float32Array.from(base, () => rng.normal());
    const shifted = (sign: number) =>
      tensor(
        base.map((v, i) => v + sign * eps * direction[i]!),
        inputs[which]!.shape,
      );
    const plus = shifted(1);
    const minus = shifted(-1);
    const numeric =
      (loss(inputs.map((t, i) => (i === which ? plus : t))) -
        loss(inputs.map((t, i) => (i === which ? minus : t)))) /
      (2 * eps);
    const gv = g.data();
    let analytic = 0;
    for (let i = 0; i < gv.length; i++) analytic += gv[i]! * direction[i]!;
    expect(Math.abs(numeric - analytic), `input ${which}: ${numeric} vs ${analytic}`).toBeLessThan(
      2e-3 * Math.max(1, Math.abs(analytic)),
    );
    dispose([plus, minus]);
  });
}

describe('fused backward kernels match finite differences', () => {
  // Operands in a fixed order, so directionalCheck can shift one at a time; the gradients in the
  // same order.
  const rnnOrder = ['x', 'W_x', 'W_a', 'b', 'a0'] as const;
  const lstmOrder = ['x', 'W_x', 'W_a', 'b', 'a0', 'c0'] as const;
  const named = <K extends string>(order: readonly K[], xs: readonly Tensor[]) =>
    Object.fromEntries(order.map((k, i) => [k, xs[i]!])) as Record<K, Tensor>;
  const gradientsOf = (g: Record<string, Tensor>, order: readonly string[]) =>
    order.map((k) => g[k === 'b' ? 'db' : k === 'x' ? 'dx' : `d${k}`]!);
  for (const { label, reverse, masked } of cases) {
    it(`RNN, LSTM and GRU (${label})`, () => {
      const mask = masked ? tensor(maskValues, [B, T]) : undefined;
      const rnn = weights(11, 1);
      for (const activation of ['tanh'] as const) {
        const attrs = { activation, reverse };
        const ins = rnnOrder.map((k) => rnn[k]);
        const { A } = rnnSequenceForward({ ...named(rnnOrder, ins), mask }, attrs);
        const { x, W_x, W_a, a0 } = rnn;
        const grads = rnnSequenceBackward({ x, W_x, W_a, a0, A, dA: rnn.dA, mask }, attrs);
        directionalCheck(
          (xs) => [rnnSequenceForward({ ...named(rnnOrder, xs), mask }, attrs).A],
          ins,
          [rnn.dA],
          gradientsOf(grads, rnnOrder),
          1,
        );
        dispose([A, grads]);
      }
      const lstm = weights(12, 4);
      const lstmIns = lstmOrder.map((k) => lstm[k]);
      const lstmOuts = lstmSequenceForward({ ...named(lstmOrder, lstmIns), mask }, { reverse });
      const { x, W_x, W_a, a0, c0 } = lstm;
      const lstmGrads = lstmSequenceBackward(
        { x, W_x, W_a, a0, c0, ...lstmOuts, dA: lstm.dA, dC: lstm.dC, mask },
        { reverse },
      );
      directionalCheck(
        (xs) => {
          const { A, C, G } = lstmSequenceForward({ ...named(lstmOrder, xs), mask }, { reverse });
          return [A, C, G];
        },
        lstmIns,
        [lstm.dA, lstm.dC],
        gradientsOf(lstmGrads, lstmOrder),
        2,
      );
      const gru = weights(13, 3);
      const gruIns = rnnOrder.map((k) => gru[k]);
      const gruOuts = gruSequenceForward({ ...named(rnnOrder, gruIns), mask }, { reverse });
      const gruGrads = gruSequenceBackward(
        { x: gru.x, W_x: gru.W_x, W_a: gru.W_a, a0: gru.a0, ...gruOuts, dA: gru.dA, mask },
        { reverse },
      );
      directionalCheck(
        (xs) => {
          const { A, G } = gruSequenceForward({ ...named(rnnOrder, xs), mask }, { reverse });
          return [A, G];
        },
        gruIns,
        [gru.dA],
        gradientsOf(gruGrads, rnnOrder),
        3,
      );
      dispose([rnn, lstm, gru, mask, lstmOuts, lstmGrads, gruOuts, gruGrads]);
    });
  }
});

describe('fused backward kernels: skipInputGradient', () => {
  it('leaves dx at zero and every other gradient unchanged', () => {
    const w = weights(21, 4);
    const { x, W_x, W_a, b, a0, c0, dA, dC } = w;
    const outs = lstmSequenceForward({ x, W_x, W_a, b, a0, c0 }, { reverse: false });
    const operands = { x, W_x, W_a, a0, c0, ...outs, dA, dC };
    const all = lstmSequenceBackward(operands, { reverse: false });
    const skipped = lstmSequenceBackward(operands, { reverse: false, skipInputGradient: true });
    expect(skipped.dx.data().every((v) => v === 0)).toBe(true);
    for (const name of ['dW_x', 'dW_a', 'db', 'da0', 'dc0'] as const) {
      expect(maxAbsDiff(all[name], skipped[name])).toBe(0);
    }
    dispose([w, outs, all, skipped]);
  });
});
