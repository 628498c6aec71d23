import { CELLS, type CellKind } from '@recur/cells';

/**
 * How the recurrent layers a model constructor builds draw their first weights. By default the
 * cells' own initialisation (Keras: Glorot input weights, orthogonal recurrent blocks — an
 * O(H³) QR per block). A loader that is about to replace every weight with the file's values
 * builds the model under {@link withPlaceholderWeights}: the same shapes, drawn uniformly in
 * O(n), so loading costs time proportional to the file's size, not to H³.
 */
let placeholder = false;

/**
 * The `cellOptions` a constructor passes to a `RecurrentLayer` of `cell` (undefined: the cells'
 * default). Cells without an `init` option (the IRNN: its identity and small Gaussian weights
 * cost O(n)) keep their own.
 */
export function recurrentInit(cell: CellKind): { init: 'uniform' } | undefined {
  return placeholder && CELLS[cell].optionKeys.includes('init') ? { init: 'uniform' } : undefined;
}

/** Runs `build` with cheap placeholder weights (every one of which the caller will overwrite). */
export function withPlaceholderWeights<T>(build: () => T): T {
  const previous = placeholder;
  placeholder = true;
  try {
    return build();
  } finally {
    placeholder = previous;
  }
}
