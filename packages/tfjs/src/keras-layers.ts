import { CELLS, type CellKind } from '@recur/cells';
import { RecurError } from '@recur/tensor';

/**
 * What recur and Keras call the same things. recur's cells keep Keras's fused layouts
 * (`kernel [I, gH]`, `recurrent_kernel [H, gH]`, `bias [gH]`, gate blocks i f c o for the LSTM,
 * z r h for the GRU), so every weight maps one for one, untransposed.
 */

/** The recurrent layer class of each recur cell Keras has (the IRNN is a `SimpleRNN` with `relu`). */
const RECURRENT_CLASSES: Partial<Record<CellKind, 'SimpleRNN' | 'LSTM' | 'GRU'>> = {
  rnn: 'SimpleRNN',
  irnn: 'SimpleRNN',
  lstm: 'LSTM',
  gru: 'GRU',
};

/**
 * The Keras layer class of `cell`; a cell with none (the MGU) is refused with its registry
 * entry's reason, naming `owner`.
 */
export function recurrentClass(owner: string, cell: CellKind): 'SimpleRNN' | 'LSTM' | 'GRU' {
  const cls = RECURRENT_CLASSES[cell];
  if (cls) return cls;
  const keras = CELLS[cell].keras;
  const why = 'refused' in keras ? keras.refused : `Keras has no layer for cell '${cell}'`;
  throw new RecurError('ARGUMENT', `${owner}: ${why}`);
}

/** recur's names of a cell's `kernel`, `recurrent_kernel` and `bias` (the registry's roles). */
export function cellWeightNames(cell: CellKind): {
  kernel: string;
  recurrent_kernel: string;
  bias: string;
} {
  const { input, recurrent, bias } = CELLS[cell].parameters;
  return { kernel: input, recurrent_kernel: recurrent, bias };
}

/** Gate blocks of `cell` (the registry's). */
export function gatesOf(cell: CellKind): number {
  return CELLS[cell].gates;
}

/** An activation name as Keras (`hard_sigmoid`) or TF.js (`hardSigmoid`) writes it, in snake case. */
export function activationName(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') return JSON.stringify(value);
  return value.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}
