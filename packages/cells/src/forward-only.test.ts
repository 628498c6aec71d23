import { add, grad, noGrad, sum, type Variable } from '@recur/autograd';
import {
  memory,
  RecurError,
  Rng,
  randomNormal,
  slice,
  type Tensor,
  tensor,
  tidy,
} from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import type { CellState } from './cells/cell.js';
import { gruResetAfterSequenceForward } from './cells/gru/reset-after-kernel.js';
import { gruSequenceForward } from './cells/gru/sequence-kernel.js';
import { lstmSequenceForward, lstmSequenceOp } from './cells/lstm/sequence-kernel.js';
import { mguSequenceForward } from './cells/mgu/sequence-kernel.js';
import { type SequenceOptions, sequence } from './sequence.js';
import { KINDS, leaf, makeCell } from './test-utils.js';

// H = 12, B = 3: 144 gate values per step, so the LSTM's wasm cell pass runs too.
const B = 3;
const T = 5;
const I = 4;
const H = 12;
/** Row 0 full; row 1 padded after 2 steps; row 2 padded at the start (left padding). */
const MASK = [1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 1, 1, 1];

const variants: Array<{ label: string; options: () => SequenceOptions<CellState> }> = [
  { label: 'plain', options: () => ({}) },
  { label: 'reverse', options: () => ({ reverse: true }) },
  { label: 'masked', options: () => ({ mask: tensor(MASK, [B, T]) }) },
  { label: 'masked reverse', options: () => ({ mask: tensor(MASK, [B, T]), reverse: true }) },
];

/** Outputs and final state of one run, as plain arrays. */
function run(
  cell: ReturnType<typeof makeCell>,
  x: Tensor,
  options: SequenceOptions<CellState>,
): Record<string, Float32Array> {
  return tidy(() => {
    const r = sequence(cell, x, options);
    const out: Record<string, Float32Array> = { outputs: r.outputs.value.data() as Float32Array };
    for (const name of cell.stateNames) {
      out[name] = (r.state as unknown as Record<string, Variable>)[
        name
      ]!.value.data() as Float32Array;
    }
    return out;
  });
}

describe('sequence without gradients (forward only)', () => {
  for (const kind of KINDS) {
    it(`${kind}: outputs and final state equal the training path's bit for bit`, () => {
      const cell = makeCell(kind, I, H, 7);
      const x = randomNormal([B, T, I], { rng: new Rng(3) });
      for (const { label, options } of variants) {
        const opts = options();
        // The training path: the parameters require gradients, so the full forward runs.
        const training = run(cell, x, opts);
        const before = memory().numTensors;
        const inference = noGrad(() => run(cell, x, opts));
        expect(memory().numTensors, `${kind} ${label}: live tensors`).toBe(before);
        for (const name of Object.keys(training)) {
          expect(inference[name], `${kind} ${label}: ${name}`).toEqual(training[name]);
        }
        opts.mask?.dispose();
      }
      x.dispose();
      cell.dispose();
    });
  }
});

describe('lstmSequenceForward forwardOnly', () => {
  const rng = new Rng(11);
  const operands = () => ({
    x: randomNormal([B, T, I], { rng }),
    W_x: randomNormal([I, 4 * H], { rng, std: 0.5 }),
    W_a: randomNormal([H, 4 * H], { rng, std: 0.5 }),
    b: randomNormal([4 * H], { rng, std: 0.5 }),
    a0: randomNormal([B, H], { rng, std: 0.5 }),
    c0: randomNormal([B, H], { rng, std: 0.5 }),
  });

  it('skips the gates and all but the final c on the CPU; A and the final c are unchanged', () => {
    tidy(() => {
      const inputs = operands();
      for (const reverse of [false, true]) {
        const full = lstmSequenceForward(inputs, { reverse });
        const lean = lstmSequenceForward(inputs, { reverse, forwardOnly: true });
        expect(lean.A.data()).toEqual(full.A.data());
        const last = reverse ? 0 : T - 1;
        expect(lean.C.shape).toEqual([B, 1, H]);
        expect(lean.C.data()).toEqual(slice(full.C, [0, last, 0], [B, 1, H]).data());
        expect(lean.G.shape).toEqual([B, 1, 4 * H]);
        expect(Array.from(lean.G.data()).every((v) => v === 0)).toBe(true);
        expect(full.G.shape).toEqual([B, T, 4 * H]);
      }
    });
  });

  it('the GRU (both variants) and MGU kernels keep no gates either; A is unchanged', () => {
    tidy(() => {
      const w = (gates: number) => ({
        x: randomNormal([B, T, I], { rng }),
        W_x: randomNormal([I, gates * H], { rng, std: 0.5 }),
        W_a: randomNormal([H, gates * H], { rng, std: 0.5 }),
        b: randomNormal([gates * H], { rng, std: 0.5 }),
        a0: randomNormal([B, H], { rng, std: 0.5 }),
      });
      type Attrs = { reverse: boolean; forwardOnly?: boolean };
      const gru = w(3);
      const resetAfter = { ...w(3), b_a: randomNormal([3 * H], { rng, std: 0.5 }) };
      const mgu = w(2);
      const kernels: Array<[string, (attrs: Attrs) => { A: Tensor; G: Tensor }]> = [
        ['gru', (attrs) => gruSequenceForward(gru, attrs)],
        ['gru reset-after', (attrs) => gruResetAfterSequenceForward(resetAfter, attrs)],
        ['mgu', (attrs) => mguSequenceForward(mgu, attrs)],
      ];
      for (const [name, kernel] of kernels) {
        for (const reverse of [false, true]) {
          const full = kernel({ reverse });
          const lean = kernel({ reverse, forwardOnly: true });
          expect(lean.A.data(), name).toEqual(full.A.data());
          expect(full.G.shape[1], name).toBe(T);
          expect(lean.G.shape, name).toEqual([B, 1, full.G.shape[2]]);
          expect(
            Array.from(lean.G.data()).every((v) => v === 0),
            name,
          ).toBe(true);
        }
      }
    });
  });

  it('is ignored by the op where a gradient is recorded: the gradients are unchanged', () => {
    tidy(() => {
      const values = operands();
      const gradients = (forwardOnly: boolean) => {
        const params = { W_x: leaf(values.W_x), W_a: leaf(values.W_a), b: leaf(values.b) };
        const { A, C } = lstmSequenceOp({ ...values, ...params }, { reverse: false, forwardOnly });
        const [gx, ga, gb] = grad(add(sum(A), sum(C)), [params.W_x, params.W_a, params.b]);
        return [gx!, ga!, gb!].map((g) => g.data());
      };
      expect(gradients(true)).toEqual(gradients(false));
    });
  });

  it('refuses a forwardOnly that is not a boolean', () => {
    tidy(() => {
      expect(() =>
        lstmSequenceForward(operands(), { reverse: false, forwardOnly: 1 as never }),
      ).toThrow(RecurError);
      expect(() =>
        lstmSequenceForward(operands(), { reverse: false, forwardOnly: 'yes' as never }),
      ).toThrow(/lstmSequenceForward: attrs.forwardOnly must be true or false, got yes/);
    });
  });
});
