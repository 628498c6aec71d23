import { grad, mul, reshape, slice, sum, type Variable, where } from '@recur/autograd';
import {
  memory,
  RecurError,
  randomNormal,
  slice as sliceTensor,
  type Tensor,
  tensor,
  tidy,
} from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import type { CellState, RecurrentCell } from './cells/cell.js';
import { sequence } from './sequence.js';
import { KINDS, makeCell, maxAbsDiff } from './test-utils.js';

const [B, T, I, H] = [2, 5, 3, 4];
/** Row 0 full length; row 1 three real steps, then padding. */
const MASK = [1, 1, 1, 1, 1, 1, 1, 1, 0, 0];

type Fields = Record<string, Variable>;

/** The loop apps used to write by hand: `cell.step` per step, padded steps carried through. */
function handLoop(cell: RecurrentCell<CellState>, x: Tensor, mask: Tensor): Fields[] {
  let state = cell.zeroState(B) as unknown as Fields;
  const out: Fields[] = [];
  for (let t = 0; t < T; t++) {
    const xt = reshape(slice(x, [0, t, 0], [B, 1, I]), [B, I]);
    const next = cell.step(xt, state as unknown as CellState) as unknown as Fields;
    const m = sliceTensor(mask, [0, t], [B, 1]);
    state = Object.fromEntries(cell.stateNames.map((n) => [n, where(m, next[n]!, state[n]!)]));
    out.push(state);
  }
  return out;
}

describe('sequence: everyState', () => {
  for (const kind of KINDS) {
    it(`${kind}: one Variable per step that BPTT runs through, the same values and ∂L/∂a⟨t⟩ as a hand-written step loop`, () => {
      const cell = makeCell(kind, I, H, 6);
      const before = memory().numTensors;
      tidy(() => {
        const x = randomNormal([B, T, I], { seed: 7 });
        const mask = tensor(MASK, [B, T]);
        const r = randomNormal([B, H], { seed: 8 });
        const result = sequence(cell, x, { mask, everyState: true });
        const states = result.states as unknown as Fields[];
        expect(states).toHaveLength(T);
        const reference = handLoop(cell, x, mask);
        for (let t = 0; t < T; t++) {
          for (const name of cell.stateNames) {
            expect(maxAbsDiff(states[t]![name]!.value, reference[t]![name]!.value)).toBeLessThan(
              1e-6,
            );
          }
          const step = reshape(slice(result.outputs, [0, t, 0], [B, 1, H]), [B, H]);
          expect(maxAbsDiff(states[t]!.a!.value, step.value)).toBe(0);
        }
        // The loss reads the last step only; its gradient reaches every earlier state.
        const loss = sum(mul(states[T - 1]!.a!, r));
        const refLoss = sum(mul(reference[T - 1]!.a!, r));
        const grads = grad(
          loss,
          states.map((s) => s.a!),
        );
        const refGrads = grad(
          refLoss,
          reference.map((s) => s.a!),
        );
        grads.forEach((g, t) => {
          expect(maxAbsDiff(g, refGrads[t]!), `∂L/∂a⟨${t}⟩`).toBeLessThan(1e-6);
        });
        expect(grads[0]!.data().some((v) => v !== 0)).toBe(true);
      });
      expect(memory().numTensors).toBe(before);
      cell.dispose();
    });
  }

  it('keeps time order when reversed, and returns no states unless asked', () => {
    const cell = makeCell('lstm', I, H, 2);
    tidy(() => {
      const x = randomNormal([B, T, I], { seed: 3 });
      const result = sequence(cell, x, { reverse: true, everyState: true });
      const states = result.states as unknown as Fields[];
      // The last step processed is t = 0: the final state is states[0].
      expect(maxAbsDiff(states[0]!.c!.value, (result.state as unknown as Fields).c!.value)).toBe(0);
      expect(sequence(cell, x).states).toBeUndefined();
      expect(sequence(cell, x, { fused: false }).states).toBeUndefined();
    });
    cell.dispose();
  });

  it('refuses fused: true with it, before allocating anything', () => {
    const cell = makeCell('gru', I, H, 2);
    const x = randomNormal([B, T, I], { seed: 3 });
    const before = memory().numTensors;
    expect(() => sequence(cell, x, { everyState: true, fused: true })).toThrow(RecurError);
    expect(() => sequence(cell, x, { everyState: true, fused: true })).toThrow(
      /sequence: everyState needs the composed path.*fused is true/,
    );
    expect(memory().numTensors).toBe(before);
    x.dispose();
    cell.dispose();
  });
});
