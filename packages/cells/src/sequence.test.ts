import {
  assertGradcheck,
  backward,
  concat,
  describeGradcheck,
  grad,
  mul,
  reshape,
  sum,
  type Variable,
  zeroGrad,
} from '@recur/autograd';
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
import type { CellState, LstmState, RecurrentCell } from './cells/cell.js';
import { LSTMCell } from './cells/lstm/cell.js';
import { RNNCell } from './cells/rnn/cell.js';
import { type SequenceOptions, sequence } from './sequence.js';
import { inputsFor, KINDS, leaf, makeCell, maxAbsDiff, sequenceFn } from './test-utils.js';

const B = 2;
const T = 4;
const I = 3;
const H = 3;
const DIMS = { B, T, I, H };

/** Row 0 is full length; row 1 has 2 real steps, then padding. */
const MASK = [1, 1, 1, 1, 1, 1, 0, 0];

const variants: Array<{ label: string; options: SequenceOptions<CellState> }> = [
  { label: 'plain', options: {} },
  { label: 'reverse', options: { reverse: true } },
  { label: 'masked', options: {} },
  { label: 'introspect', options: { introspect: true } },
];

describe('sequence: gradcheck on both paths', () => {
  for (const kind of KINDS) {
    for (const fused of [true, false]) {
      it(`${kind} ${fused ? 'fused' : 'composed'}`, () => {
        const cell = makeCell(kind, I, H, 3);
        const mask = tensor(MASK, [B, T]);
        // The composed path is many small ops per step: check it on fewer variants to stay fast.
        for (const { label, options } of fused ? variants : variants.slice(0, 3)) {
          const inputs = inputsFor(cell, 5, DIMS);
          const opts = { ...options, fused, ...(label === 'masked' ? { mask } : {}) };
          const result = assertGradcheck(sequenceFn(cell, opts, DIMS), inputs, {
            eps: 1e-2,
            atol: 2e-3,
            rtol: 2e-2,
          });
          expect(result.checked, describeGradcheck(result)).toBeGreaterThan(0);
          dispose(inputs);
        }
        mask.dispose();
        cell.dispose();
      });
    }
  }
});

/** Outputs and the gradients with respect to every input, for one path. */
function valuesAndGrads(
  cell: RecurrentCell<CellState>,
  inputs: Tensor[],
  options: SequenceOptions<CellState>,
): Tensor[] {
  return tidy(() => {
    const vars = inputs.map((t) => leaf(t.reshape(t.shape)));
    const y = sequenceFn(cell, options, DIMS)(vars[0]!, ...vars.slice(1));
    const r = randomNormal(y.shape, { seed: 17 });
    return [y.value, ...grad(sum(mul(y, r)), vars)];
  });
}

describe('sequence: fused equals composed within 1e-5', () => {
  for (const kind of KINDS) {
    it(`${kind}: outputs, final state and every gradient (plain, reverse, masked, introspect)`, () => {
      const cell = makeCell(kind, I, H, 4);
      const mask = tensor(MASK, [B, T], 'int32');
      for (const { label, options } of variants) {
        const inputs = inputsFor(cell, 6, DIMS);
        const opts = { ...options, ...(label === 'masked' ? { mask } : {}) };
        const fused = valuesAndGrads(cell, inputs, { ...opts, fused: true });
        const composed = valuesAndGrads(cell, inputs, { ...opts, fused: false });
        fused.forEach((t, i) => {
          expect(maxAbsDiff(t, composed[i]!), `${kind} ${label} #${i}`).toBeLessThan(1e-5);
        });
        dispose([inputs, fused, composed]);
      }
      mask.dispose();
      cell.dispose();
    });
  }
});

describe('sequence: masks', () => {
  for (const kind of KINDS) {
    it(`${kind}: padded steps change neither the state nor the gradients`, () => {
      const cell = makeCell(kind, I, H, 8);
      const rng = new Rng(2);
      // Row 1 is 2 steps long; padding values are garbage that must not matter.
      const real = randomNormal([B, T, I], { rng });
      const garbage = randomNormal([B, T, I], { rng, std: 100 });
      const xs = real.data();
      const gs = garbage.data();
      for (let t = 2; t < T; t++)
        for (let i = 0; i < I; i++) xs[(T + t) * I + i] = gs[(T + t) * I + i]!;
      const x = tensor(xs, [B, T, I]);
      const mask = tensor(MASK, [B, T]);
      for (const fused of [true, false]) {
        tidy(() => {
          const r = sequence(cell, x, { mask, fused });
          const out = r.outputs.value.toArray() as number[][][];
          expect(out[1]![2]).toEqual(out[1]![1]);
          expect(out[1]![3]).toEqual(out[1]![1]);
          expect((r.state.a.value.toArray() as number[][])[1]).toEqual(out[1]![1]);
          // The same sequence cut at its length gives the same final state and gradients.
          const xShort = leaf(tensor(xs.slice(T * I, T * I + 2 * I), [1, 2, I]));
          const short = sequence(cell, xShort, { fused });
          const row1 = tensor((r.state.a.value.toArray() as number[][])[1]!, [1, H]);
          expect(maxAbsDiff(short.state.a.value, row1)).toBeLessThan(1e-6);
          const params = Object.values(cell.parameters());
          const xLong = leaf(x.reshape(x.shape));
          const onlyRow1 = tensor([0, 1], [B, 1]);
          const full = sequence(cell, xLong, { mask, fused });
          const gLong = grad(sum(mul(full.state.a, onlyRow1)), [xLong, ...params]);
          const gShort = grad(sum(short.state.a), [xShort, ...params]);
          const dxLong = gLong[0]!.toArray() as number[][][];
          expect(
            dxLong[1]!
              .slice(2)
              .flat()
              .every((v) => v === 0),
          ).toBe(true);
          expect(
            maxAbsDiff(tensor(dxLong[1]!.slice(0, 2).flat(), [1, 2, I]), gShort[0]!),
          ).toBeLessThan(1e-6);
          gLong.slice(1).forEach((g, i) => {
            expect(maxAbsDiff(g, gShort[i + 1]!)).toBeLessThan(1e-6);
          });
        });
      }
      dispose([real, garbage, x, mask]);
      cell.dispose();
    });
  }
});

describe('sequence: initial state', () => {
  it('gradients reach the initial state (LSTM a and c), equal on both paths', () => {
    const cell = makeCell('lstm', I, H, 9) as RecurrentCell<LstmState>;
    const rng = new Rng(3);
    const x = randomNormal([B, T, I], { rng });
    const got = [true, false].map((fused) =>
      tidy(() => {
        const a0 = leaf(randomNormal([B, H], { seed: 4 }));
        const c0 = leaf(randomNormal([B, H], { seed: 5 }));
        const r = sequence(cell, x, { fused, initialState: { a: a0, c: c0 } });
        const loss = sum(r.outputs);
        backward(loss);
        expect(a0.grad).not.toBeNull();
        expect(c0.grad!.data().some((v) => v !== 0)).toBe(true);
        const out = [a0.grad!, c0.grad!];
        zeroGrad(Object.values(cell.parameters()));
        return out;
      }),
    );
    expect(maxAbsDiff(got[0]![0]!, got[1]![0]!)).toBeLessThan(1e-5);
    expect(maxAbsDiff(got[0]![1]!, got[1]![1]!)).toBeLessThan(1e-5);
    dispose([x, got]);
    cell.dispose();
  });

  it('accepts Tensors as the initial state and starts from zeros by default', () => {
    const cell = new RNNCell({ inputSize: I, hiddenSize: H, seed: 1 });
    const x = randomNormal([B, T, I], { seed: 2 });
    tidy(() => {
      const zero = sequence(cell, x);
      const explicit = sequence(cell, x, {
        initialState: { a: tensor(new Float32Array(B * H), [B, H]) },
      });
      expect(maxAbsDiff(zero.outputs.value, explicit.outputs.value)).toBe(0);
    });
    x.dispose();
    cell.dispose();
  });
});

describe('sequence: introspection', () => {
  it('LSTM: every cell state and the gate activations, equal on both paths', () => {
    const cell = makeCell('lstm', I, H, 10) as RecurrentCell<LstmState>;
    const x = randomNormal([B, T, I], { seed: 1 });
    tidy(() => {
      const fused = sequence(cell, x, { introspect: true });
      const composed = sequence(cell, x, { introspect: true, fused: false });
      expect(fused.cellStates!.shape).toEqual([B, T, H]);
      expect(fused.gates!.shape).toEqual([B, T, 4 * H]);
      expect(fused.gates!.requiresGrad).toBe(false);
      expect(maxAbsDiff(fused.gates!.value, composed.gates!.value)).toBeLessThan(1e-6);
      expect(maxAbsDiff(fused.cellStates!.value, composed.cellStates!.value)).toBeLessThan(1e-6);
      // a⟨t⟩ = Γo ⊙ tanh(c⟨t⟩) at every step.
      const g = fused.gates!.value.data();
      const c = fused.cellStates!.value.data();
      const a = fused.outputs.value.data();
      for (let i = 0; i < B * T; i++) {
        for (let j = 0; j < H; j++) {
          expect(a[i * H + j]!).toBeCloseTo(
            g[i * 4 * H + 3 * H + j]! * Math.tanh(c[i * H + j]!),
            6,
          );
        }
      }
      // Gates of σ lie in (0, 1), the candidate in (−1, 1).
      expect(Array.from(g).every((v) => v > -1 && v < 1)).toBe(true);
    });
    x.dispose();
    cell.dispose();
  });

  it('GRU gates [u, r, ã]; vanilla cells have none', () => {
    const gru = makeCell('gru', I, H, 11);
    const rnn = makeCell('rnn', I, H, 12);
    const x = randomNormal([B, T, I], { seed: 1 });
    tidy(() => {
      expect(sequence(gru, x, { introspect: true }).gates!.shape).toEqual([B, T, 3 * H]);
      const plain = sequence(rnn, x, { introspect: true });
      expect(plain.gates).toBeUndefined();
      expect(plain.cellStates).toBeUndefined();
    });
    dispose(x);
    gru.dispose();
    rnn.dispose();
  });
});

describe('sequence: bad input gives a clear RecurError', () => {
  const cell = new LSTMCell({ inputSize: I, hiddenSize: H, seed: 1 });
  const expectError = (fn: () => unknown, code: string, pattern: RegExp) => {
    try {
      tidy(fn);
    } catch (error) {
      expect(error).toBeInstanceOf(RecurError);
      expect((error as RecurError).code).toBe(code);
      expect((error as Error).message).toMatch(pattern);
      return;
    }
    throw new Error('expected an error');
  };

  for (const fused of [true, false]) {
    it(`${fused ? 'fused' : 'composed'} path`, () => {
      expectError(
        () => sequence(cell, randomNormal([B, T, I + 1], { seed: 1 }), { fused }),
        'SHAPE',
        /4 features per step, but the cell's inputSize is 3/,
      );
      expectError(
        () => sequence(cell, randomNormal([B, I], { seed: 1 }), { fused }),
        'SHAPE',
        /x must be \[batch, time, features\]/,
      );
      expectError(
        () => sequence(cell, randomNormal([B, 0, I], { seed: 1 }), { fused }),
        'ARGUMENT',
        /empty sequence/,
      );
      const x = randomNormal([B, T, I], { seed: 1 });
      const good = randomNormal([B, H], { seed: 2 });
      expectError(
        () =>
          sequence(cell, x, {
            fused,
            initialState: { a: randomNormal([B + 1, H], { seed: 2 }), c: good },
          }),
        'SHAPE',
        /initialState.a must be \[2,3\] \(batch of x, hiddenSize\), got \[3,3\]/,
      );
      expectError(
        () => sequence(cell, x, { fused, initialState: { a: good } as unknown as LstmState }),
        'ARGUMENT',
        /initialState.c is missing/,
      );
      expectError(
        () => sequence(cell, x, { fused, mask: tensor([1, 1], [B, 1]) }),
        'SHAPE',
        /mask must be \[2,4\]/,
      );
      const bad = x.data();
      bad[5] = Number.NaN;
      expectError(
        () => sequence(cell, tensor(bad, [B, T, I]), { fused, checkFinite: true }),
        'NONFINITE',
        /x \[2,4,3\] holds NaN at \[0,1,2\]/,
      );
      // Without the opt-in check, NaN simply propagates.
      tidy(() =>
        expect(
          Number.isNaN(sequence(cell, tensor(bad, [B, T, I]), { fused }).outputs.value.data()[3]),
        ).toBe(true),
      );
      dispose([x, good]);
    });
  }

  it('cell.step checks its inputs too', () => {
    tidy(() => {
      const state = cell.zeroState(B);
      expect(() => cell.step(randomNormal([B, I + 2], { seed: 1 }), state)).toThrow(
        /LSTMCell.step: x must be \[batch, 3\]/,
      );
      expect(() =>
        cell.step(randomNormal([B, I], { seed: 1 }), { a: state.a, c: cell.zeroState(B + 1).c }),
      ).toThrow(/state.c must be \[2, 3\]/);
    });
  });
});

describe('sequence: memory', () => {
  it('live tensor count stays flat across 50 fused training steps', () => {
    const cell = new LSTMCell({ inputSize: I, hiddenSize: 8, seed: 1 });
    const params = Object.values(cell.parameters());
    const x = randomNormal([4, 6, I], { seed: 2 });
    const mask = tensor(
      [1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0],
      [4, 6],
    );
    const step = () =>
      tidy(() => {
        const { outputs, state } = sequence(cell, x, { mask });
        backward(sum(concat([reshape(outputs, [4, -1]), state.c], 1)));
        for (const p of params) p.assign(tensorMinus(p, 0.01));
        zeroGrad(params);
      });
    step();
    const before = memory();
    for (let i = 0; i < 50; i++) step();
    const after = memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
    dispose([x, mask]);
    cell.dispose();
  });
});

function tensorMinus(p: Variable, lr: number): Tensor {
  const v = p.value.data();
  const g = p.grad!.data();
  return tensor(
    v.map((x, i) => x - lr * g[i]!),
    p.shape,
  );
}
