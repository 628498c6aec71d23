import { memory, RecurError, randomNormal, tensor } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { LSTMCell } from './cells/lstm/cell.js';
import { RecurrentLayer } from './layer.js';
import { sequence } from './sequence.js';

describe('masks must hold only 0 and 1', () => {
  it.each([2, -1, 0.5, Number.NaN])(
    'sequence and RecurrentLayer refuse %s, naming its position',
    (value) => {
      const before = memory().numTensors;
      const cell = new LSTMCell({ inputSize: 2, hiddenSize: 3, seed: 1 });
      const layer = new RecurrentLayer({ cell: 'gru', inputSize: 2, hiddenSize: 3, seed: 1 });
      const x = randomNormal([2, 3, 2], { seed: 2 });
      const mask = tensor([
        [1, 1, 0],
        [1, value, 0],
      ]);
      for (const run of [
        () => sequence(cell, x, { mask }),
        () => sequence(cell, x, { mask, fused: false }),
        () => layer.forward(x, { mask }),
      ]) {
        let error: unknown;
        try {
          run();
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(RecurError);
        expect((error as RecurError).code).toBe('RANGE');
        expect((error as Error).message).toContain(`mask[1,1] is ${value}`);
      }
      for (const t of [x, mask, cell, layer]) t.dispose();
      expect(memory().numTensors).toBe(before);
    },
  );

  it('accepts 0/1 masks in float32 and int32', () => {
    const cell = new LSTMCell({ inputSize: 2, hiddenSize: 3, seed: 1 });
    const x = randomNormal([2, 3, 2], { seed: 2 });
    for (const dtype of ['float32', 'int32'] as const) {
      const mask = tensor([1, 1, 0, 1, 0, 0], [2, 3], dtype);
      const { outputs, state } = sequence(cell, x, { mask });
      for (const v of [outputs, state.a, state.c]) v.dispose();
      mask.dispose();
    }
    x.dispose();
    cell.dispose();
  });

  it('sequence options refuse unknown names', () => {
    const cell = new LSTMCell({ inputSize: 2, hiddenSize: 3, seed: 1 });
    const x = randomNormal([1, 2, 2], { seed: 2 });
    expect(() => sequence(cell, x, { backwards: true } as never)).toThrow(
      "sequence: unknown option 'backwards'",
    );
    x.dispose();
    cell.dispose();
  });
});
