import { parameter } from '@recur/autograd';
import { memory, tensor } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { scaleRecurrentWeights } from './experiment-support.js';

describe('scaleRecurrentWeights', () => {
  it("scales the recurrent weight the cell registry names, in recurrent layers only (not a Luong attention's W_a)", () => {
    const before = memory().numTensors;
    const make = () => parameter(tensor([1, 2], [1, 2]));
    const gated = {
      'encoder.layer0.forward.W_a': make(),
      'encoder.layer1.backward.W_a': make(),
      'encoder.layer0.forward.W_x': make(),
      'attention.W_a': make(),
    };
    const vanilla = { 'rnn.layer0.forward.W_ah': make(), 'rnn.layer0.forward.W_xh': make() };
    scaleRecurrentWeights(gated, 'lstm', 3);
    scaleRecurrentWeights(vanilla, 'rnn', 3);
    const values = (ps: Record<string, { value: { data(): ArrayLike<number> } }>) =>
      Object.fromEntries(Object.entries(ps).map(([n, p]) => [n, Array.from(p.value.data())]));
    expect(values(gated)).toEqual({
      'encoder.layer0.forward.W_a': [3, 6],
      'encoder.layer1.backward.W_a': [3, 6],
      'encoder.layer0.forward.W_x': [1, 2],
      'attention.W_a': [1, 2],
    });
    expect(values(vanilla)).toEqual({
      'rnn.layer0.forward.W_ah': [3, 6],
      'rnn.layer0.forward.W_xh': [1, 2],
    });
    for (const p of [...Object.values(gated), ...Object.values(vanilla)]) p.dispose();
    expect(memory().numTensors).toBe(before);
  });
});
