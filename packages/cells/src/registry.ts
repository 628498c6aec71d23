import { RecurError } from '@recur/tensor';
import type { CellState, RecurrentCell } from './cells/cell.js';
import type { CellDefinition } from './cells/definition.js';
import { gru } from './cells/gru/index.js';
import { irnn } from './cells/irnn/index.js';
import { lstm } from './cells/lstm/index.js';
import { rnn } from './cells/rnn/index.js';

/**
 * The cell registry: every kind of cell, by the name configs use (`cell: 'lstm'`), registered
 * once. Layers, `sequence`, the importers, the architectures' config checks and the demo read
 * this table; adding a cell is one folder under `cells/` and one entry here (README, "Adding a
 * cell"). The order is the order listings and messages show.
 */
export const CELLS = {
  rnn,
  irnn,
  lstm,
  gru,
} as const;

/** Which recurrence a cell computes: a key of {@link CELLS}. */
export type CellKind = keyof typeof CELLS;

/** Every registered kind, in registry order. */
export const CELL_KINDS = Object.keys(CELLS) as readonly CellKind[];

/** The cell class a kind builds (e.g. `LSTMCell` for `lstm`). */
export type CellOf<K extends CellKind> = ReturnType<(typeof CELLS)[K]['make']>;

/** The state type of a kind: `{ a, c }` for the LSTM, `{ a }` for the others. */
export type StateOf<K extends CellKind> = CellOf<K> extends RecurrentCell<infer S> ? S : never;

/** Whether `kind` names a registered cell. */
export function isCellKind(kind: unknown): kind is CellKind {
  return typeof kind === 'string' && Object.hasOwn(CELLS, kind);
}

/** `'rnn', 'irnn', 'lstm' or 'gru'`: the registered kinds, for messages. */
export function cellKindList(): string {
  const quoted = CELL_KINDS.map((k) => `'${k}'`);
  return quoted.length === 1
    ? quoted[0]!
    : `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
}

/** The definition of `kind`, or a RecurError naming `owner` and the registered kinds. */
export function cellDefinition<K extends CellKind>(
  owner: string,
  kind: K,
): CellDefinition<CellOf<K>>;
export function cellDefinition(
  owner: string,
  kind: unknown,
): CellDefinition<RecurrentCell<CellState>>;
export function cellDefinition(
  owner: string,
  kind: unknown,
): CellDefinition<RecurrentCell<CellState>> {
  if (!isCellKind(kind)) {
    throw new RecurError('ARGUMENT', `${owner} must be ${cellKindList()}, got '${String(kind)}'`);
  }
  return CELLS[kind] as unknown as CellDefinition<RecurrentCell<CellState>>;
}
