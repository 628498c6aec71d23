import { RecurError } from '@recur/tensor';

/** The 65 characters of Tiny Shakespeare: the vocabulary of every char-LM case (V = 65). */
export const ALPHABET = "\n !$&',-.3:;?ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** Recurrent cells the benchmarks build. */
export type CellKind = 'rnn' | 'lstm' | 'gru';

/** Gate blocks per cell: the recurrent weights are `[H, gates·H]`. */
export const GATES: Record<CellKind, number> = { rnn: 1, lstm: 4, gru: 3 };

/** Sizes of one character-LM case: hidden units, batch, sequence length, vocabulary. */
export interface LmSize {
  H: number;
  B: number;
  T: number;
  V: number;
}

/**
 * Nominal floating-point operations of one forward pass over a `[B, T]` batch: per token the
 * input projection (one-hot `V → gates·H`, counted as a dense product), the recurrent product
 * `H → gates·H` and the output layer `H → V`, each `2·m·k·n`. Elementwise work is not counted.
 */
export function forwardFlops(cell: CellKind, { H, B, T, V }: LmSize): number {
  const g = GATES[cell];
  return B * T * (2 * V * g * H + 2 * H * g * H + 2 * H * V);
}

/**
 * Nominal operations of one training step: three times the forward products (the backward pass
 * takes two products per forward one). The same count is used for every library, so effective
 * GFLOP/s compare like with like.
 */
export function trainFlops(cell: CellKind, size: LmSize): number {
  return 3 * forwardFlops(cell, size);
}

/** A seeded stream of pseudo-random character ids (an LCG; reproducible across runs and libraries). */
export function characterIds(count: number, seed = 1): Int32Array {
  if (!Number.isInteger(count) || count < 0) {
    throw new RecurError('ARGUMENT', `characterIds: count is ${count}; expected an integer ≥ 0`);
  }
  const ids = new Int32Array(count);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    ids[i] = (state >>> 8) % ALPHABET.length;
  }
  return ids;
}

/** One next-character batch: `inputs[b, t]` is followed by `targets[b, t]`. Row-major `[B, T]`. */
export interface CharBatch {
  B: number;
  T: number;
  inputs: Int32Array;
  targets: Int32Array;
}

/** `B` sequences of `T + 1` ids: the first `T` are the inputs, the last `T` the targets. */
export function charBatch(B: number, T: number, seed = 1): CharBatch {
  const ids = characterIds(B * (T + 1), seed);
  const inputs = new Int32Array(B * T);
  const targets = new Int32Array(B * T);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      inputs[b * T + t] = ids[b * (T + 1) + t]!;
      targets[b * T + t] = ids[b * (T + 1) + t + 1]!;
    }
  }
  return { B, T, inputs, targets };
}

/** The batch's sequences as strings (what brain.js trains on). */
export function batchStrings(batch: CharBatch): string[] {
  const out: string[] = [];
  for (let b = 0; b < batch.B; b++) {
    let s = '';
    for (let t = 0; t < batch.T; t++) s += ALPHABET[batch.inputs[b * batch.T + t]!];
    out.push(s);
  }
  return out;
}
