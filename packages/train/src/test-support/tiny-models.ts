/**
 * Test-only models and data built from autograd ops (not exported): a character-level tanh RNN
 * with dropout (so the model's RNG matters for exact resume) and a synthetic sequence task.
 */
import {
  add,
  constant,
  dropout,
  gather,
  matmul,
  parameter,
  softmaxCrossEntropy,
  stack,
  tanh,
  type Variable,
} from '@recur/autograd';
import { Rng, randomNormal, slice, type Tensor, tensor, zeros } from '@recur/tensor';
import type { TrainableModel } from '../model.js';
import type { TbpttOptions } from '../tbptt.js';

export interface SeqBatch {
  /** int32 [B, T] */
  x: Tensor;
  /** int32 [B, T]: the next symbol */
  y: Tensor;
  /** float32 [B, T]: 1 where the loss counts */
  mask?: Tensor;
}

export type RnnState = { a: Variable };

export interface TinyCharRnn extends TrainableModel<SeqBatch, RnnState> {
  params: Record<string, Variable>;
  /** Every call of loss: the window length, whether a state came in, and whether it was a leaf. */
  calls: { T: number; withState: boolean; stateIsLeaf: boolean; training: boolean }[];
  dispose(): void;
}

export function tinyCharRnn(options: {
  vocab: number;
  hidden: number;
  seed: number;
  dropout?: number;
}): TinyCharRnn {
  const { vocab: V, hidden: H } = options;
  const rng = new Rng(options.seed);
  const params: Record<string, Variable> = {
    W_xh: parameter(randomNormal([V, H], { rng, std: 0.5 }), 'W_xh'),
    W_ah: parameter(randomNormal([H, H], { rng, std: 0.5 / Math.sqrt(H) }), 'W_ah'),
    b_h: parameter(zeros([H]), 'b_h'),
    W_ao: parameter(randomNormal([H, V], { rng, std: 0.5 / Math.sqrt(H) }), 'W_ao'),
    b_o: parameter(zeros([V]), 'b_o'),
  };
  const calls: TinyCharRnn['calls'] = [];
  return {
    params,
    calls,
    parameters: () => params,
    loss(batch, state, context) {
      const [B, T] = batch.x.shape as [number, number];
      calls.push({
        T,
        withState: state !== undefined,
        stateIsLeaf: state ? state.a.creator === null && !state.a.requiresGrad : false,
        training: context.training,
      });
      let a: Variable = state?.a ?? constant(zeros([B, H]));
      const logits: Variable[] = [];
      for (let t = 0; t < T; t++) {
        const xt = slice(batch.x, [0, t], [B, 1]).reshape([B]);
        a = tanh(add(add(gather(params.W_xh!, xt, 0), matmul(a, params.W_ah!)), params.b_h!));
        const h = options.dropout ? dropout(a, options.dropout, context.rng, context.training) : a;
        logits.push(add(matmul(h, params.W_ao!), params.b_o!));
      }
      const loss = softmaxCrossEntropy(
        stack(logits, 1),
        batch.y,
        batch.mask ? { mask: batch.mask } : {},
      );
      return { loss, state: { a }, tokens: B * T };
    },
    dispose: () => {
      for (const p of Object.values(params)) p.dispose();
    },
  };
}

/**
 * `count` batches of `B` sequences of length T+1 over V symbols: each sequence steps by a
 * per-sequence stride (1 or 2) mod V from a random start, with 10% random symbols — learnable.
 */
export function sequenceBatches(
  rng: Rng,
  count: number,
  B: number,
  T: number,
  V: number,
): SeqBatch[] {
  return Array.from({ length: count }, () => {
    const x = new Int32Array(B * T);
    const y = new Int32Array(B * T);
    for (let b = 0; b < B; b++) {
      const stride = 1 + rng.int(2);
      let s = rng.int(V);
      for (let t = 0; t <= T; t++) {
        const next = rng.next() < 0.1 ? rng.int(V) : (s + stride) % V;
        if (t < T) x[b * T + t] = s;
        if (t > 0) y[b * T + t - 1] = s;
        s = next;
      }
    }
    return { x: tensor(x, [B, T], 'int32'), y: tensor(y, [B, T], 'int32') };
  });
}

/** The TBPTT adapter for {@link SeqBatch}: slices time, masks the warm-up steps. */
export const seqTbptt = (k1: number, k2?: number): TbpttOptions<SeqBatch> => ({
  k1,
  ...(k2 === undefined ? {} : { k2 }),
  length: (batch) => batch.x.shape[1]!,
  slice: (batch, start, end, lossStart) => {
    const B = batch.x.shape[0]!;
    const mask = new Float32Array(B * (end - start));
    for (let b = 0; b < B; b++)
      for (let t = start; t < end; t++)
        mask[b * (end - start) + t - start] = t >= lossStart ? 1 : 0;
    return {
      x: slice(batch.x, [0, start], [B, end - start]),
      y: slice(batch.y, [0, start], [B, end - start]),
      mask: tensor(mask, [B, end - start]),
    };
  },
});
