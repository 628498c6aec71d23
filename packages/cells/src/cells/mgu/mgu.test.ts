import { constant } from '@recur/autograd';
import {
  CpuBackend,
  dispose,
  memory,
  RecurError,
  Rng,
  randomNormal,
  type Tensor,
  tensor,
  tidy,
  toBackend,
  withBackend,
} from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { fromKeras, fromPyTorch } from '../../importers.js';
import { RecurrentLayer } from '../../layer.js';
import { CELLS } from '../../registry.js';
import { sequence } from '../../sequence.js';
import { maxAbsDiff } from '../../test-utils.js';
import { MGUCell } from './cell.js';
import { mguSequenceBackward, mguSequenceForward } from './sequence-kernel.js';

/**
 * What is particular to the MGU. The shared tests run it with every registered kind: gradcheck
 * of both paths (plain, reversed, masked, introspect), fused = composed, masks
 * (`sequence.test.ts`), and CPU = GPU with GPU gradcheck (`kernels.gpu.test.ts`).
 */

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

/** Row-vector times matrix: `x [n] · W [n, m]`. */
function vecMat(x: number[], w: number[][]): number[] {
  return w[0]!.map((_, j) => x.reduce((s, xi, i) => s + xi * w[i]![j]!, 0));
}

describe('MGUCell', () => {
  it('computes f = σ(x W_xf + a W_af + b_f), ã = tanh(x W_xa + (f ⊙ a) W_aa + b_a), a′ = (1 − f) ⊙ a + f ⊙ ã', () => {
    const [I, H] = [3, 2];
    const rng = new Rng(4);
    const cell = new MGUCell({
      inputSize: I,
      hiddenSize: H,
      weights: {
        W_x: randomNormal([I, 2 * H], { rng }),
        W_a: randomNormal([H, 2 * H], { rng }),
        b: randomNormal([2 * H], { rng }),
      },
    });
    const xs = [0.5, -1, 2];
    const as = [0.3, -0.7];
    const Wx = cell.W_x.value.toArray() as number[][];
    const Wa = cell.W_a.value.toArray() as number[][];
    const b = Array.from(cell.b.value.data());
    const block = (w: number[][], k: number) => w.map((row) => row.slice(k * H, (k + 1) * H));
    const xf = vecMat(xs, block(Wx, 0));
    const af = vecMat(as, block(Wa, 0));
    const f = xf.map((v, j) => sigmoid(v + af[j]! + b[j]!));
    const gated = as.map((v, j) => f[j]! * v);
    const xa = vecMat(xs, block(Wx, 1));
    const aa = vecMat(gated, block(Wa, 1));
    const cand = xa.map((v, j) => Math.tanh(v + aa[j]! + b[H + j]!));
    const expected = as.map((v, j) => (1 - f[j]!) * v + f[j]! * cand[j]!);
    tidy(() => {
      const detail = cell.detail(tensor(xs, [1, I]), { a: constant(tensor(as, [1, H])) });
      expectClose(detail.a.value.data(), expected);
      expectClose(detail.f.value.data(), f);
      expectClose(detail.aTilde.value.data(), cand);
    });
    cell.dispose();
  });

  it('has two gate blocks, named parameters, Keras-style initial weights and a registry entry', () => {
    const cell = new MGUCell({ inputSize: 3, hiddenSize: 4, seed: 1 });
    const p = cell.parameters();
    expect(Object.keys(p)).toEqual(['W_x', 'W_a', 'b']);
    expect([p.W_x.shape, p.W_a.shape, p.b.shape]).toEqual([[3, 8], [4, 8], [8]]);
    expect(cell.b.value.data().every((v) => v === 0)).toBe(true);
    // each [H, H] block of W_a is orthogonal: WᵀW = I
    const W = cell.W_a.value.toArray() as number[][];
    for (const k of [0, 1]) {
      for (let i = 0; i < 4; i++) {
        for (let j = 0; j < 4; j++) {
          const dot = W.reduce((s, row) => s + row[k * 4 + i]! * row[k * 4 + j]!, 0);
          expect(dot).toBeCloseTo(i === j ? 1 : 0, 5);
        }
      }
    }
    expect(CELLS.mgu.gates).toBe(2);
    const made = CELLS.mgu.make({ inputSize: 3, hiddenSize: 4, seed: 1 });
    expect(made).toBeInstanceOf(MGUCell);
    made.dispose();
    cell.dispose();
  });

  it('refuses bad options by name, leaving no tensor behind', () => {
    const before = memory().numTensors;
    expect(
      () => new MGUCell({ inputSize: 3, hiddenSize: 4, seed: 1, init: 'glorot' as 'keras' }),
    ).toThrow(/MGUCell: init must be 'keras' or 'uniform', got 'glorot'/);
    expect(
      () => new MGUCell({ inputSize: 3, hiddenSize: 4, seed: 1, forgetBias: 1 } as never),
    ).toThrow(/MGUCell.*forgetBias/);
    const wrong = tensor([1], [1]);
    expect(
      () => new MGUCell({ inputSize: 3, hiddenSize: 4, weights: { W_x: wrong } } as never),
    ).toThrow(RecurError);
    wrong.dispose();
    expect(memory().numTensors).toBe(before);
  });
});

/** A CPU backend under another name: the kernels run their composed fallbacks there. */
class ComposedOnly extends CpuBackend {
  override readonly name = 'composed-only';
}

describe('mguSequenceForward / mguSequenceBackward', () => {
  const [B, T, I, H] = [3, 5, 4, 6];
  const mask = [1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 0, 1, 0, 1];
  for (const reverse of [false, true]) {
    for (const masked of [false, true]) {
      it(`the JS CPU kernel equals its composed fallback (reverse ${reverse}, masked ${masked})`, () => {
        const before = memory().numTensors;
        const rng = new Rng(9);
        const w = {
          x: randomNormal([B, T, I], { rng }),
          W_x: randomNormal([I, 2 * H], { rng, std: 0.5 }),
          W_a: randomNormal([H, 2 * H], { rng, std: 0.5 }),
          b: randomNormal([2 * H], { rng, std: 0.3 }),
          a0: randomNormal([B, H], { rng, std: 0.5 }),
          mask: masked ? tensor(mask, [B, T]) : undefined,
        };
        const dA = randomNormal([B, T, H], { rng });
        const composed = new ComposedOnly();
        const onComposed = <V extends Record<string, Tensor | undefined>>(v: V) =>
          Object.fromEntries(
            Object.entries(v).map(([k, t]) => [k, t && toBackend(t, composed)]),
          ) as V;
        tidy(() => {
          const attrs = { reverse };
          expect(mguSequenceForward.supports(w.x.backend)).toBe(true);
          expect(mguSequenceForward.supports(composed)).toBe(false);
          const fwd = mguSequenceForward(w, attrs);
          const ref = withBackend(composed, () => mguSequenceForward(onComposed(w), attrs));
          expect(maxAbsDiff(fwd.A, toBackend(ref.A, w.x.backend))).toBeLessThan(2e-5);
          expect(maxAbsDiff(fwd.G, toBackend(ref.G, w.x.backend))).toBeLessThan(2e-5);
          const { x, W_x, W_a, a0 } = w;
          const grads = mguSequenceBackward({ x, W_x, W_a, a0, ...fwd, dA, mask: w.mask }, attrs);
          const refGrads = withBackend(composed, () =>
            mguSequenceBackward(onComposed({ x, W_x, W_a, a0, ...fwd, dA, mask: w.mask }), attrs),
          );
          for (const name of mguSequenceBackward.outputNames) {
            const diff = maxAbsDiff(grads[name], toBackend(refGrads[name], w.x.backend));
            expect(diff, name).toBeLessThan(2e-5);
          }
        });
        dispose([w, dA]);
        expect(memory().numTensors).toBe(before);
      });
    }
  }

  it('validates its operands by name (two gate blocks) before running', () => {
    const before = memory().numTensors;
    const x = randomNormal([B, T, I], { seed: 1 });
    const W_x = randomNormal([I, 2 * H], { seed: 2 });
    const lstmLike = randomNormal([H, 4 * H], { seed: 3 });
    const b = randomNormal([2 * H], { seed: 4 });
    const a0 = randomNormal([B, H], { seed: 5 });
    expect(() => mguSequenceForward({ x, W_x, W_a: lstmLike, b, a0 }, { reverse: false })).toThrow(
      /mguSequenceForward: W_a is \[6,24\]; expected \[6,12\] \(2 gate blocks\)/,
    );
    expect(() =>
      mguSequenceForward({ x, W_x, W_a: lstmLike, b, a0, c0: a0 } as never, { reverse: false }),
    ).toThrow(/mguSequenceForward.*c0/);
    dispose([x, W_x, lstmLike, b, a0]);
    expect(memory().numTensors).toBe(before);
  });
});

describe("RecurrentLayer({ cell: 'mgu' })", () => {
  it('stacks bidirectional MGU layers through the registry alone, fused = composed', () => {
    const before = memory().numTensors;
    const make = (fused: boolean) =>
      new RecurrentLayer({
        cell: 'mgu',
        inputSize: 3,
        hiddenSize: 4,
        numLayers: 2,
        bidirectional: true,
        fused,
        seed: 2,
      });
    const fusedLayer = make(true);
    const composedLayer = make(false);
    expect(Object.keys(fusedLayer.parameters())).toContain('layer1.backward.W_a');
    expect(fusedLayer.parameters()['layer1.forward.W_x']!.shape).toEqual([8, 8]);
    const x = randomNormal([2, 5, 3], { seed: 3 });
    tidy(() => {
      const a = fusedLayer.forward(x).outputs;
      const c = composedLayer.forward(x).outputs;
      expect(a.shape).toEqual([2, 5, 8]);
      expect(maxAbsDiff(a.value, c.value)).toBeLessThan(1e-5);
      const r = sequence(fusedLayer.cells[0]!.forward, x, { introspect: true });
      expect(r.gates!.shape).toEqual([2, 5, 8]);
    });
    expect(
      () =>
        new RecurrentLayer({
          cell: 'mgu',
          inputSize: 3,
          hiddenSize: 4,
          seed: 1,
          cellOptions: { forgetBias: 1 },
        }),
    ).toThrow(/cellOptions of a 'mgu' cell.*forgetBias/);
    dispose(x);
    fusedLayer.dispose();
    composedLayer.dispose();
    expect(memory().numTensors).toBe(before);
  });
});

function expectClose(actual: ArrayLike<number>, expected: number[]): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(actual[i]).toBeCloseTo(expected[i]!, 5);
}

describe('importers', () => {
  it("refuse the MGU by name with the registry's reason (no Keras layer, no PyTorch module)", () => {
    const before = memory().numTensors;
    const w = [
      [
        [1, 2],
        [3, 4],
      ],
      [[1, 2]],
      [1, 2],
    ];
    expect(() => fromKeras('mgu', w)).toThrow(
      /fromKeras: Keras and TensorFlow.js have no minimal gated unit layer/,
    );
    expect(() => fromPyTorch('mgu', {})).toThrow(
      /fromPyTorch: PyTorch has no minimal gated unit module/,
    );
    expect(memory().numTensors).toBe(before);
  });
});
