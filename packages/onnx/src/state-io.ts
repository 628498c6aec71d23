import type { GraphBuilder } from './graph-builder.js';
import { type CellKind, hasCellState, type LayerStateValues } from './recurrent.js';

/**
 * Declares the graph inputs `initial_h_{l}` (and `initial_c_{l}` for the LSTM), float
 * `[1, batch, H]`, for every layer: the state a call starts from (zeros to start; the previous
 * call's `Y_*` to continue).
 */
export function stateInputs(
  g: GraphBuilder,
  cell: CellKind,
  numLayers: number,
  H: number,
): LayerStateValues[] {
  const initial: LayerStateValues[] = [];
  for (let l = 0; l < numLayers; l++) {
    const state = (field: 'h' | 'c') =>
      g.input({
        name: `initial_${field}_${l}`,
        dataType: 'float32',
        shape: [1, 'batch', H],
        docString: `layer ${l}'s initial ${field === 'h' ? 'hidden state' : 'memory cell'} (zeros to start)`,
      });
    initial.push(hasCellState(cell) ? { h: state('h'), c: state('c') } : { h: state('h') });
  }
  return initial;
}

/** Declares the graph outputs `Y_h_{l}` (and `Y_c_{l}`) for every layer's final state. */
export function stateOutputs(
  g: GraphBuilder,
  states: readonly LayerStateValues[],
  dirs: number,
  H: number,
  batch: string,
): void {
  states.forEach((s, l) => {
    const doc = `layer ${l}'s state after the last step, [num_directions, batch, hidden]`;
    g.output(s.h, {
      name: `Y_h_${l}`,
      dataType: 'float32',
      shape: [dirs, batch, H],
      docString: doc,
    });
    if (s.c) {
      g.output(s.c, {
        name: `Y_c_${l}`,
        dataType: 'float32',
        shape: [dirs, batch, H],
        docString: `layer ${l}'s LSTM memory cell after the last step`,
      });
    }
  });
}
