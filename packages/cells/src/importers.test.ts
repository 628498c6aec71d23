import { constant } from '@recur/autograd';
import { memory, RecurError, Rng, tensor, tidy } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { fromKeras, fromPyTorch } from './importers.js';

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

function randomMatrix(rows: number, cols: number, rng: Rng): number[][] {
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => rng.uniform(-1, 1)));
}

/** `{ shape, values }` as a state dict entry. */
function entry(m: number[][] | number[]) {
  const flat = (m as (number | number[])[]).flat() as number[];
  const shape = Array.isArray(m[0]) ? [m.length, (m[0] as number[]).length] : [m.length];
  return { shape, values: flat };
}

describe('fromPyTorch', () => {
  it('LSTM: transposes [4H, in] weights, sums the two biases, keeps the i, f, g, o order', () => {
    const I = 3;
    const H = 2;
    const rng = new Rng(1);
    const wIH = randomMatrix(4 * H, I, rng);
    const wHH = randomMatrix(4 * H, H, rng);
    const bIH = randomMatrix(1, 4 * H, rng)[0]!;
    const bHH = randomMatrix(1, 4 * H, rng)[0]!;
    const cell = fromPyTorch(
      'lstm',
      {
        weight_ih_l1: entry(wIH),
        weight_hh_l1: entry(wHH),
        bias_ih_l1: entry(bIH),
        bias_hh_l1: entry(bHH),
      },
      { layer: 1 },
    );
    expect(cell.inputSize).toBe(I);
    expect(cell.hiddenSize).toBe(H);
    // PyTorch's own formula, written against its layout: gates = W_ih x + b_ih + W_hh h + b_hh.
    const x = [0.3, -0.7, 0.2];
    const h = [0.1, -0.4];
    const c = [0.5, -0.2];
    const gates = wIH.map(
      (row, k) =>
        row.reduce((s, w, i) => s + w * x[i]!, 0) +
        bIH[k]! +
        wHH[k]!.reduce((s, w, i) => s + w * h[i]!, 0) +
        bHH[k]!,
    );
    tidy(() => {
      const out = cell.step(tensor([x]), { a: constant(tensor([h])), c: constant(tensor([c])) });
      for (let j = 0; j < H; j++) {
        const i = sigmoid(gates[j]!);
        const f = sigmoid(gates[H + j]!);
        const g = Math.tanh(gates[2 * H + j]!);
        const o = sigmoid(gates[3 * H + j]!);
        const cNext = f * c[j]! + i * g;
        expect(out.c.value.data()[j]).toBeCloseTo(cNext, 6);
        expect(out.a.value.data()[j]).toBeCloseTo(o * Math.tanh(cNext), 6);
      }
    });
    cell.dispose();
  });

  it('RNN (tanh) and the reverse direction; missing biases count as zero', () => {
    const rng = new Rng(2);
    const wIH = randomMatrix(3, 2, rng);
    const wHH = randomMatrix(3, 3, rng);
    const cell = fromPyTorch(
      'rnn',
      { weight_ih_l0_reverse: entry(wIH), weight_hh_l0_reverse: entry(wHH) },
      { reverse: true },
    );
    expect(cell.W_xh.value.toArray()).toEqual(
      wIH[0]!.map((_, i) => wIH.map((row) => Math.fround(row[i]!))),
    );
    expect(cell.b_h.value.data().every((v) => v === 0)).toBe(true);
    cell.dispose();
  });

  it('GRU: a reset-after cell, blocks r z n reordered to u r ã, the two biases kept apart', () => {
    const rng = new Rng(8);
    const [I, H] = [3, 2];
    const ih = randomMatrix(3 * H, I, rng);
    const hh = randomMatrix(3 * H, H, rng);
    const bih = randomMatrix(1, 3 * H, rng)[0]!;
    const bhh = randomMatrix(1, 3 * H, rng)[0]!;
    const cell = fromPyTorch('gru', {
      weight_ih_l0: entry(ih),
      weight_hh_l0: entry(hh),
      bias_ih_l0: entry(bih),
      bias_hh_l0: entry(bhh),
    });
    expect(cell.resetAfter).toBe(true);
    // recur block u is PyTorch's z (rows H..2H), r is PyTorch's r (rows 0..H), ã is n.
    const torchBlock = [1, 0, 2];
    const W_x = cell.W_x.value.toArray() as number[][];
    const b = cell.b.value.data();
    const b_a = cell.b_a!.value.data();
    for (let g = 0; g < 3; g++) {
      for (let j = 0; j < H; j++) {
        const row = torchBlock[g]! * H + j;
        for (let i = 0; i < I; i++) expect(W_x[i]![g * H + j]).toBe(Math.fround(ih[row]![i]!));
        expect(b[g * H + j]).toBe(Math.fround(bih[row]!));
        expect(b_a[g * H + j]).toBe(Math.fround(bhh[row]!));
      }
    }
    cell.dispose();
  });

  it('names missing or mis-shaped weights', () => {
    expect(() => fromPyTorch('gru', {})).toThrow(/weight_ih_l0 is missing/);
    expect(() => fromPyTorch('lstm', {})).toThrow(/weight_ih_l0 is missing/);
    const rng = new Rng(3);
    expect(() =>
      fromPyTorch('lstm', {
        weight_ih_l0: entry(randomMatrix(8, 3, rng)),
        weight_hh_l0: entry(randomMatrix(8, 3, rng)),
      }),
    ).toThrow(/weight_hh_l0 must be \[12,3\] \(\[4·H, H\] .*\), got \[8,3\]/);
  });
});

describe('fromKeras', () => {
  it('takes [kernel, recurrent_kernel, bias] as they are', () => {
    const rng = new Rng(4);
    const kernel = randomMatrix(3, 6, rng);
    const recurrent = randomMatrix(2, 6, rng);
    const bias = randomMatrix(1, 6, rng)[0]!;
    const cell = fromKeras('gru', [tensor(kernel), entry(recurrent), entry(bias)]);
    expect(cell.W_x.value.toArray()).toEqual(kernel.map((r) => r.map(Math.fround)));
    expect(cell.b.value.data()).toEqual(Float32Array.from(bias));
    cell.dispose();
    const noBias = fromKeras('rnn', [
      entry(randomMatrix(3, 2, rng)),
      entry(randomMatrix(2, 2, rng)),
    ]);
    expect(noBias.b_h.value.data()).toEqual(new Float32Array(2));
    noBias.dispose();
  });

  it('rejects wrong layouts clearly', () => {
    const rng = new Rng(5);
    expect(() => fromKeras('lstm', [entry(randomMatrix(3, 8, rng))])).toThrow(RecurError);
    expect(() =>
      fromKeras('lstm', [entry(randomMatrix(3, 8, rng)), entry(randomMatrix(2, 6, rng))]),
    ).toThrow(/recurrent_kernel must be \[2,8\] \(\[H, 4·H\] .*\), got \[2,6\]/);
    const twoBiases = { shape: [2, 8], values: new Array(16).fill(0) };
    expect(() =>
      fromKeras('lstm', [
        entry(randomMatrix(3, 8, rng)),
        entry(randomMatrix(2, 8, rng)),
        twoBiases,
      ]),
    ).toThrow(/bias \[2,8\] is 2-D; a lstm has one bias/);
    const wrongRows = { shape: [3, 6], values: new Array(18).fill(0) };
    expect(() =>
      fromKeras('gru', [entry(randomMatrix(3, 6, rng)), entry(randomMatrix(2, 6, rng)), wrongRows]),
    ).toThrow(/bias must be \[2,6\]/);
    expect(() =>
      fromKeras('lstm', [entry(randomMatrix(3, 7, rng)), entry(randomMatrix(2, 8, rng))]),
    ).toThrow(/fromKeras: kernel must be \[3,8\] \(\[I, 4·H\] .*\), got \[3,7\]/);
  });
});

describe('fromKeras: reset_after=True GRU', () => {
  it('a [2, 3H] bias makes a reset-after cell: row 0 is b, row 1 is b_a; gate order kept', () => {
    const rng = new Rng(9);
    const kernel = randomMatrix(3, 6, rng);
    const recurrent = randomMatrix(2, 6, rng);
    const bias = randomMatrix(2, 6, rng);
    const cell = fromKeras('gru', [entry(kernel), entry(recurrent), entry(bias)]);
    expect(cell.resetAfter).toBe(true);
    expect(cell.W_x.value.toArray()).toEqual(kernel.map((r) => r.map(Math.fround)));
    expect(cell.b.value.data()).toEqual(Float32Array.from(bias[0]!));
    expect(cell.b_a!.value.data()).toEqual(Float32Array.from(bias[1]!));
    cell.dispose();
  });
});

describe('importer errors name the weight', () => {
  it('fromKeras takes nested arrays, and refuses ragged or foreign values with FORMAT', () => {
    const rng = new Rng(6);
    const cell = fromKeras('rnn', [randomMatrix(3, 2, rng), randomMatrix(2, 2, rng), [0.5, -0.5]]);
    expect(cell.b_h.value.data()).toEqual(Float32Array.of(0.5, -0.5));
    cell.dispose();
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        return `${(error as RecurError).code} ${(error as Error).message}`;
      }
      return 'no error';
    };
    expect(code(() => fromKeras('rnn', [[[1, 2], [3]], randomMatrix(2, 2, rng)] as never))).toMatch(
      /^FORMAT fromKeras: kernel is an array but not a rectangular array/,
    );
    expect(code(() => fromKeras('rnn', ['abc', randomMatrix(2, 2, rng)] as never))).toMatch(
      /^FORMAT fromKeras: kernel must be a Tensor, a TF.js tensor, \{ shape, values \} or nested arrays/,
    );
    expect(
      code(() => fromKeras('rnn', [randomMatrix(3, 2, rng), randomMatrix(2, 2, rng), [1, 2, 3]])),
    ).toMatch(/^SHAPE fromKeras: bias must be \[2\] .*got \[3\]/);
    expect(
      code(() => fromKeras('rnn', [{ shape: [3, 2], values: [1, 2] }, randomMatrix(2, 2, rng)])),
    ).toMatch(/^SHAPE fromKeras: kernel has shape \[3,2\] \(6 values\) but holds 2/);
  });

  it('fromPyTorch names mis-shaped biases and refuses unknown options', () => {
    const rng = new Rng(7);
    const dict = {
      weight_ih_l0: randomMatrix(2, 3, rng),
      weight_hh_l0: randomMatrix(2, 2, rng),
      bias_hh_l0: [1, 2, 3],
    };
    expect(() => fromPyTorch('rnn', dict as never)).toThrow(
      /fromPyTorch: bias_hh_l0 must be \[2\] .*got \[3\]/,
    );
    expect(() => fromPyTorch('rnn', dict as never, { layers: 1 } as never)).toThrow(
      "fromPyTorch: unknown option 'layers'",
    );
  });
});

describe('fromKeras recurrentActivation', () => {
  it('builds hardSigmoid LSTM/GRU cells and refuses the option on other kinds or bad values', () => {
    const w = (r: number, c: number) => Array.from({ length: r }, () => new Array(c).fill(0.1));
    const before = memory().numTensors;
    const lstm = fromKeras('lstm', [w(2, 12), w(3, 12)], {
      recurrentActivation: 'hardSigmoid',
    });
    expect(lstm.recurrentActivation).toBe('hardSigmoid');
    lstm.dispose();
    expect(() =>
      fromKeras('rnn', [w(2, 3), w(3, 3)], { recurrentActivation: 'hardSigmoid' }),
    ).toThrow(/fromKeras: recurrentActivation is an option of an LSTM or GRU, not of a rnn/);
    expect(() =>
      fromKeras('gru', [w(2, 9), w(3, 9)], { recurrentActivation: 'relu' as never }),
    ).toThrow(/GRUCell: recurrentActivation must be 'sigmoid' or 'hardSigmoid', got "relu"/);
    expect(() => fromKeras('gru', [w(2, 9), w(3, 9)], { act: 1 } as never)).toThrow(/fromKeras/);
    expect(memory().numTensors).toBe(before);
  });
});
