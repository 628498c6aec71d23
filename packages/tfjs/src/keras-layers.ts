import type { CellKind } from '@recur/cells';

/**
 * What recur and Keras call the same things. recur's cells keep Keras's fused layouts
 * (`kernel [I, gH]`, `recurrent_kernel [H, gH]`, `bias [gH]`, gate blocks i f c o for the LSTM,
 * z r h for the GRU), so every weight maps one for one, untransposed.
 */

/** The recurrent layer class of each recur cell (the IRNN is a `SimpleRNN` with `relu`). */
export const RECURRENT_CLASS: Record<CellKind, 'SimpleRNN' | 'LSTM' | 'GRU'> = {
  rnn: 'SimpleRNN',
  irnn: 'SimpleRNN',
  lstm: 'LSTM',
  gru: 'GRU',
};

/** recur's names of a cell's `kernel`, `recurrent_kernel` and `bias`. */
export function cellWeightNames(cell: CellKind): {
  kernel: string;
  recurrent_kernel: string;
  bias: string;
} {
  return cell === 'rnn' || cell === 'irnn'
    ? { kernel: 'W_xh', recurrent_kernel: 'W_ah', bias: 'b_h' }
    : { kernel: 'W_x', recurrent_kernel: 'W_a', bias: 'b' };
}

/** Gate blocks per cell. */
export const GATES: Record<CellKind, number> = { rnn: 1, irnn: 1, lstm: 4, gru: 3 };

/** An activation name as Keras (`hard_sigmoid`) or TF.js (`hardSigmoid`) writes it, in snake case. */
export function activationName(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') return JSON.stringify(value);
  return value.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}
