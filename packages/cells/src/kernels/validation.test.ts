import { parameter } from '@recur/autograd';
import { memory, RecurError, randomNormal, type Tensor, tensor, zeros } from '@recur/tensor';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  gruSequenceBackward,
  gruSequenceForward,
  gruSequenceOp,
} from '../cells/gru/sequence-kernel.js';
import {
  lstmSequenceBackward,
  lstmSequenceForward,
  lstmSequenceOp,
} from '../cells/lstm/sequence-kernel.js';
import {
  rnnSequenceBackward,
  rnnSequenceForward,
  rnnSequenceOp,
} from '../cells/rnn/sequence-kernel.js';

const [B, T, I, H] = [2, 3, 4, 5];
const lstm = () => ({
  x: randomNormal([B, T, I], { seed: 1 }),
  W_x: randomNormal([I, 4 * H], { seed: 2 }),
  W_a: randomNormal([H, 4 * H], { seed: 3 }),
  b: zeros([4 * H]),
  a0: zeros([B, H]),
  c0: zeros([B, H]),
});

/** Expects `run` to throw a RecurError of `code` whose message matches `message`. */
function refused(run: () => unknown, code: string, message: RegExp): void {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(RecurError);
  expect((thrown as RecurError).code).toBe(code);
  expect((thrown as RecurError).message).toMatch(message);
}

describe('public fused kernels validate their operands, by name, before running', () => {
  let start = 0;
  let live: Tensor[] = [];
  beforeEach(() => {
    start = memory().numTensors;
  });
  afterEach(() => {
    for (const t of live) t.dispose();
    live = [];
    expect(memory().numTensors).toBe(start);
  });
  const make = () => {
    const w = lstm();
    live.push(...Object.values(w));
    return w;
  };

  it('named operands in, named results out', () => {
    const w = make();
    const out = lstmSequenceForward(w, { reverse: false });
    expect(Object.keys(out)).toEqual(['A', 'C', 'G']);
    expect(out.G.shape).toEqual([B, T, 4 * H]);
    live.push(...Object.values(out));
    const grads = lstmSequenceBackward(
      { x: w.x, W_x: w.W_x, W_a: w.W_a, a0: w.a0, c0: w.c0, ...out, dA: out.A, dC: out.C },
      { reverse: false },
    );
    expect(Object.keys(grads)).toEqual(['dx', 'dW_x', 'dW_a', 'db', 'da0', 'dc0']);
    live.push(...Object.values(grads));
  });

  it('wrong shapes are SHAPE errors naming the kernel and the operand', () => {
    const w = make();
    const wrong = zeros([H, 3 * H]);
    const mask = zeros([B, T + 1]);
    const a0 = zeros([B + 1, H]);
    live.push(wrong, mask, a0);
    refused(
      () => lstmSequenceForward({ ...w, W_a: wrong }, { reverse: false }),
      'SHAPE',
      /^lstmSequenceForward: W_a is \[5,15\]; expected \[5,20\]/,
    );
    refused(
      () => lstmSequenceForward({ ...w, W_x: w.W_a }, { reverse: false }),
      'SHAPE',
      /lstmSequenceForward: x has 4 features, so W_x must be \[4,20\]; got \[5,20\]/,
    );
    refused(
      () => lstmSequenceForward({ ...w, b: w.a0 }, { reverse: false }),
      'SHAPE',
      /b must be \[20\], got \[2,5\]/,
    );
    refused(
      () => lstmSequenceForward({ ...w, a0 }, { reverse: false }),
      'SHAPE',
      /a0 must be \[2,5\] \(batch 2, hidden 5\), got \[3,5\]/,
    );
    refused(
      () => lstmSequenceForward({ ...w, mask }, { reverse: false }),
      'SHAPE',
      /mask must be \[2,3\] \(batch, time\), got \[2,4\]/,
    );
    const { c0: _c0, ...noC0 } = w;
    refused(
      () => rnnSequenceForward({ ...noC0, W_x: w.x }, { activation: 'tanh', reverse: false }),
      'SHAPE',
      /^rnnSequenceForward: W_a is \[5,20\]; expected \[5,5\]/,
    );
    refused(() => gruSequenceForward({ ...w } as never, { reverse: false }), 'ARGUMENT', /c0/);
  });

  it('backward kernels check the saved results and gradients against the forward shapes', () => {
    const w = make();
    const out = lstmSequenceForward(w, { reverse: false });
    live.push(...Object.values(out));
    const { x, W_x, W_a, a0, c0 } = w;
    const square = zeros([H, H]);
    live.push(square);
    refused(
      () =>
        lstmSequenceBackward(
          { x, W_x, W_a, a0, c0, ...out, G: out.A, dA: out.A, dC: out.C },
          { reverse: false },
        ),
      'SHAPE',
      /^lstmSequenceBackward: G must be \[2,3,20\] \(as the forward pass made it\), got \[2,3,5\]/,
    );
    refused(
      () =>
        rnnSequenceBackward(
          { x, W_x, W_a: square, a0, A: out.A, dA: out.G },
          { activation: 'tanh', reverse: false },
        ),
      'SHAPE',
      /rnnSequenceBackward: x has 4 features, so W_x must be \[4,5\]/,
    );
    refused(
      () =>
        gruSequenceBackward({ x, W_x, W_a, a0, A: out.A, G: out.G, dA: out.A }, { reverse: false }),
      'SHAPE',
      /gruSequenceBackward: W_a is \[5,20\]; expected \[5,15\]/,
    );
  });

  it('missing, unknown, non-tensor and disposed operands, bad dtypes and attributes are refused', () => {
    const w = make();
    const { c0: _c0, ...noC0 } = w;
    refused(
      () => lstmSequenceForward(noC0 as never, { reverse: false }),
      'ARGUMENT',
      /lstmSequenceForward: operand 'c0' must be a Tensor, got missing/,
    );
    refused(
      () => lstmSequenceForward({ ...w, wx: w.W_x } as never, { reverse: false }),
      'ARGUMENT',
      /lstmSequenceForward: unknown option 'wx' .*expected any of x, W_x, W_a, b, a0, c0, mask/,
    );
    refused(
      () => lstmSequenceForward({ ...w, b: [0, 1] } as never, { reverse: false }),
      'ARGUMENT',
      /operand 'b' must be a Tensor, got Array/,
    );
    const ints = tensor(new Array(B * T * I).fill(1), [B, T, I], 'int32');
    live.push(ints);
    refused(
      () => lstmSequenceForward({ ...w, x: ints }, { reverse: false }),
      'DTYPE',
      /lstmSequenceForward: x must be float32, got int32/,
    );
    refused(
      () => lstmSequenceForward(w, {} as never),
      'ARGUMENT',
      /lstmSequenceForward: attrs.reverse must be true or false, got undefined/,
    );
    refused(
      () => rnnSequenceForward(w as never, { activation: 'gelu' as 'tanh', reverse: false }),
      'ARGUMENT',
      /rnnSequenceForward: unknown option 'c0'/,
    );
    const { c0: _c, ...rnnOperands } = w;
    const rnn = { ...rnnOperands, W_x: zeros([I, H]), W_a: zeros([H, H]), b: zeros([H]) };
    live.push(rnn.W_x, rnn.W_a, rnn.b);
    refused(
      () => rnnSequenceForward(rnn, { activation: 'gelu' as 'tanh', reverse: false }),
      'ARGUMENT',
      /rnnSequenceForward: attrs.activation must be one of 'tanh', 'relu', got "gelu"/,
    );
    const gone = zeros([B, H]);
    gone.dispose();
    refused(() => lstmSequenceForward({ ...w, a0: gone }, { reverse: false }), 'DISPOSED', /a0/);
  });

  it('the differentiable ops take and return named values, and refuse the same way', () => {
    const w = make();
    const W_a = parameter(randomNormal([H, 4 * H], { seed: 9 }), 'W_a');
    const { A, C, G } = lstmSequenceOp({ ...w, W_a }, { reverse: false });
    expect([A.shape, C.shape, G.shape]).toEqual([
      [B, T, H],
      [B, T, H],
      [B, T, 4 * H],
    ]);
    const seed = zeros([B, T, H]);
    const square = zeros([H, H]);
    live.push(seed, square);
    A.backward(seed);
    expect(W_a.grad?.shape).toEqual([H, 4 * H]);
    for (const v of [A, C, G, W_a]) v.dispose();
    refused(
      () => lstmSequenceOp({ ...w, W_a: square }, { reverse: false }),
      'SHAPE',
      /lstmSequenceForward: W_a/,
    );
    refused(
      () => rnnSequenceOp({ ...w } as never, { activation: 'tanh', reverse: false }),
      'ARGUMENT',
      /rnnSequence: unknown option 'c0'/,
    );
    refused(() => gruSequenceOp({ ...w } as never, { reverse: false }), 'ARGUMENT', /gruSequence/);
  });
});
