import { parameter } from '@recur/autograd';
import {
  dispose,
  MAX_TENSOR_SIZE,
  memory,
  RecurError,
  type RecurErrorCode,
  Rng,
  randomNormal,
} from '@recur/tensor';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RecurrentLayer } from '../layer.js';
import { GRUCell } from './gru/cell.js';
import { IRNNCell } from './irnn/cell.js';
import { LSTMCell } from './lstm/cell.js';
import { RNNCell } from './rnn/cell.js';

function expectError(fn: () => unknown, code: RecurErrorCode, ...parts: string[]): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error, 'expected a RecurError').toBeInstanceOf(RecurError);
  expect((error as RecurError).code).toBe(code);
  for (const part of parts) expect((error as Error).message).toContain(part);
}

let before = 0;
beforeEach(() => {
  before = memory().numTensors;
});
afterEach(() => {
  expect(memory().numTensors, 'live tensors after the test').toBe(before);
});

const unknown = (o: object) => o as never;

describe('cell constructors refuse unknown options by name', () => {
  it.each([
    [
      'GRUCell',
      () => new GRUCell(unknown({ inputSize: 2, hiddenSize: 3, seed: 1, resetAfter: true })),
      'resetAfter',
    ],
    [
      'IRNNCell',
      () => new IRNNCell(unknown({ inputSize: 2, hiddenSize: 3, seed: 1, init: 'uniform' })),
      'init',
    ],
    [
      'RNNCell',
      () => new RNNCell(unknown({ inputSize: 2, hiddenSize: 3, seed: 1, activation: 'relu' })),
      'activation',
    ],
    [
      'LSTMCell',
      () => new LSTMCell(unknown({ inputSize: 2, hiddenSize: 3, seed: 1, forgetbias: 1 })),
      'forgetbias',
    ],
    [
      'RecurrentLayer',
      () =>
        new RecurrentLayer(
          unknown({ cell: 'gru', inputSize: 2, hiddenSize: 3, seed: 1, layers: 2 }),
        ),
      'layers',
    ],
    [
      "RecurrentLayer: cellOptions of a 'lstm' cell",
      () =>
        new RecurrentLayer(
          unknown({ cell: 'lstm', inputSize: 2, hiddenSize: 3, seed: 1, cellOptions: { gain: 2 } }),
        ),
      'gain',
    ],
  ])('%s', (owner, make, name) => {
    expectError(make, 'ARGUMENT', `${owner}: unknown option '${name}'`);
  });

  it('refuses an init that is neither keras nor uniform, and unknown weight names', () => {
    expectError(
      () => new LSTMCell(unknown({ inputSize: 2, hiddenSize: 3, seed: 1, init: 'orthogonal' })),
      'ARGUMENT',
      "LSTMCell: init must be 'keras' or 'uniform', got 'orthogonal'",
    );
    const W_xh = randomNormal([2, 3], { seed: 1 });
    expectError(
      () => new RNNCell(unknown({ inputSize: 2, hiddenSize: 3, weights: { W_xh, W_hh: W_xh } })),
      'ARGUMENT',
      "RNNCell: weights: unknown option 'W_hh'",
    );
    W_xh.dispose();
  });
});

describe('cell weights given as Variables', () => {
  it("starts from a Variable's current value without taking it over", () => {
    const source = new LSTMCell({ inputSize: 2, hiddenSize: 3, seed: 1 });
    const copy = new LSTMCell({ inputSize: 2, hiddenSize: 3, weights: source.parameters() });
    expect(Array.from(copy.W_a.value.data())).toEqual(Array.from(source.W_a.value.data()));
    copy.dispose();
    // the source keeps its own values
    expect(source.W_a.value.isDisposed).toBe(false);
    expect(source.W_a.value.data().length).toBe(3 * 12);
    source.dispose();
  });

  it('mixes Tensors and Variables, and still checks shapes', () => {
    const W_xh = parameter(randomNormal([2, 3], { seed: 1 }));
    const W_ah = randomNormal([3, 3], { seed: 2 });
    const b_h = randomNormal([4], { seed: 3 });
    expectError(
      () => new RNNCell({ inputSize: 2, hiddenSize: 3, weights: { W_xh, W_ah, b_h } }),
      'SHAPE',
      'RNNCell: weight b_h must be [3], got [4]',
    );
    b_h.dispose();
    const cell = new RNNCell({
      inputSize: 2,
      hiddenSize: 3,
      weights: { W_xh, W_ah, b_h: randomNormal([3], { seed: 3 }) },
    });
    cell.dispose();
    W_xh.dispose();
  });
});

describe('allocation limits reach the cells (e.g. the CLI --hidden 10000000)', () => {
  it.each([
    ['LSTMCell', () => new LSTMCell({ inputSize: 8, hiddenSize: 10_000_000, seed: 1 })],
    ['GRUCell', () => new GRUCell({ inputSize: 8, hiddenSize: 10_000_000, seed: 1 })],
    ['RNNCell', () => new RNNCell({ inputSize: 8, hiddenSize: 10_000_000, seed: 1 })],
    ['IRNNCell', () => new IRNNCell({ inputSize: 1e9, hiddenSize: 4, seed: 1 })],
    [
      'LSTMCell',
      () => new RecurrentLayer({ cell: 'lstm', inputSize: 8, hiddenSize: 1e7, seed: 1 }),
    ],
  ])('%s refuses with RANGE before allocating', (owner, make) => {
    expectError(make, 'RANGE', `${owner}: weight`, String(MAX_TENSOR_SIZE));
  });
});

/** An Rng that throws after `draws` draws: makes a constructor fail at a chosen depth. */
class FailingRng extends Rng {
  #left: number;
  used = 0;
  constructor(draws: number) {
    super(7);
    this.#left = draws;
  }
  override next(): number {
    if (this.#left-- <= 0) throw new Error('rng exhausted (test)');
    this.used++;
    return super.next();
  }
}

/** Every depth at which `make(rng)` can fail, from the first draw to the last. */
function failAtEveryDepth(make: (rng: Rng) => { dispose(): void }): number {
  const counter = new FailingRng(Number.MAX_SAFE_INTEGER);
  make(counter).dispose();
  const total = counter.used;
  const start = memory().numTensors;
  const depths = new Set([0, 1, 2, Math.floor(total / 3), Math.floor(total / 2), total - 1]);
  for (let d = 0; d < total; d += Math.max(1, Math.floor(total / 40))) depths.add(d);
  for (const depth of depths) {
    expect(() => make(new FailingRng(depth))).toThrow('rng exhausted');
    expect(memory().numTensors, `live tensors after failing at draw ${depth}`).toBe(start);
  }
  return total;
}

describe('constructors that fail part-way leave no tensors', () => {
  it.each([
    ['RNNCell keras', (rng: Rng) => new RNNCell({ inputSize: 3, hiddenSize: 4, rng })],
    [
      'RNNCell uniform',
      (rng: Rng) => new RNNCell({ inputSize: 3, hiddenSize: 4, rng, init: 'uniform' }),
    ],
    ['IRNNCell', (rng: Rng) => new IRNNCell({ inputSize: 3, hiddenSize: 4, rng })],
    ['LSTMCell keras', (rng: Rng) => new LSTMCell({ inputSize: 3, hiddenSize: 4, rng })],
    [
      'LSTMCell uniform',
      (rng: Rng) => new LSTMCell({ inputSize: 3, hiddenSize: 4, rng, init: 'uniform' }),
    ],
    ['GRUCell keras', (rng: Rng) => new GRUCell({ inputSize: 3, hiddenSize: 4, rng })],
    [
      'GRUCell uniform',
      (rng: Rng) => new GRUCell({ inputSize: 3, hiddenSize: 4, rng, init: 'uniform' }),
    ],
    [
      'RecurrentLayer lstm, 3 bidirectional layers',
      (rng: Rng) =>
        new RecurrentLayer({
          cell: 'lstm',
          inputSize: 3,
          hiddenSize: 4,
          numLayers: 3,
          bidirectional: true,
          rng,
        }),
    ],
    [
      'RecurrentLayer gru, 2 layers',
      (rng: Rng) =>
        new RecurrentLayer({ cell: 'gru', inputSize: 3, hiddenSize: 4, numLayers: 2, rng }),
    ],
  ])('%s', (_, make) => {
    expect(failAtEveryDepth(make)).toBeGreaterThan(1);
  });

  it('bad given weights leave the caller owning them, and nothing else alive', () => {
    const weights = {
      W_x: randomNormal([3, 8], { seed: 1 }),
      W_a: randomNormal([2, 8], { seed: 1 }),
      b: randomNormal([7], { seed: 1 }),
    };
    const start = memory().numTensors;
    expect(() => new LSTMCell({ inputSize: 3, hiddenSize: 2, weights })).toThrow(RecurError);
    expect(memory().numTensors).toBe(start);
    expect(weights.W_x.isDisposed).toBe(false);
    dispose(weights);
  });
});
