import type { CellOptions, CellState, RecurrentCell } from './cell.js';

/**
 * The roles of a cell's three parameters, in recur's fused layout (`docs/notation.md`): the
 * input weight `[I, G·H]`, the recurrent weight `[H, G·H]` and the bias `[G·H]`, each holding
 * the cell's G gate blocks side by side. The values are the parameter names the cell uses
 * (`parameters()`, saved files): the vanilla cells keep the article's `W_xh`, `W_ah`, `b_h`,
 * the gated cells `W_x`, `W_a`, `b`. Code that needs "the recurrent weight" of any cell reads
 * this mapping instead of testing names.
 */
export interface ParameterRoles {
  readonly input: string;
  readonly recurrent: string;
  readonly bias: string;
}

/**
 * How another library's layer holds this cell's weights, or why none does:
 *
 * - `keras`: `layer.getWeights()` of this TF.js / Keras layer is `[kernel, recurrent_kernel,
 *   bias]` in recur's layout, gate blocks in recur's order;
 * - `pytorch`: this module's `weight_ih`, `weight_hh` are recur's weights transposed and
 *   `bias_ih + bias_hh` its bias, gate blocks in recur's order.
 *
 * A `refused` entry says why no layer of that library computes what the cell does; importers
 * and exporters refuse the cell with that reason.
 */
export type ForeignLayer = { readonly layer: string } | { readonly refused: string };

/**
 * Everything recur needs to know about a kind of cell, registered once in `registry.ts` and
 * read by every place that handles cells by kind (layers, sequence, importers, architectures,
 * the demo). A cell's folder exports one of these from its `index.ts`.
 */
export interface CellDefinition<C extends RecurrentCell<CellState> = RecurrentCell<CellState>> {
  /** A short name for listings, e.g. `LSTM`. */
  readonly label: string;
  /** One line: what the cell computes (CLI help, the web form). */
  readonly description: string;
  /** Gate blocks G in the fused weights (1 for the vanilla cells, 4 for the LSTM). */
  readonly gates: number;
  /** The state field names, e.g. `['a']` or `['a', 'c']`. */
  readonly stateNames: C['stateNames'];
  /** The parameter names by role. */
  readonly parameters: ParameterRoles;
  /** The cell's own options (besides sizes, seed, rng, weights) a layer may pass through. */
  readonly optionKeys: readonly string[];
  /** Builds a cell; `options` are checked by the cell (unknown ones refused by name). */
  make(options: CellOptions & { readonly [option: string]: unknown }): C;
  /** The layer of each library whose weights map onto this cell (see {@link ForeignLayer}). */
  readonly keras: ForeignLayer;
  readonly pytorch: ForeignLayer;
}

/** Declares a cell kind's definition (checks its shape; returns it unchanged). */
export function defineCell<C extends RecurrentCell<CellState>>(
  definition: CellDefinition<C>,
): CellDefinition<C> {
  return definition;
}
