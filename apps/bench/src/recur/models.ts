type CharLmModule = typeof import('./char-lm.js');
type SequenceLayerModule = typeof import('./sequence-layer.js');

/** recur's model code: the char LM (autograd, cells, clipping, train) and the sequence-layer cases. */
export interface RecurModels {
  RecurCharLm: CharLmModule['RecurCharLm'];
  recurSequenceLayer: SequenceLayerModule['recurSequenceLayer'];
}

let loading: Promise<RecurModels> | null = null;

/**
 * Loads the recur model code on first use. It is imported lazily so that a workspace package
 * that fails to load (not built, an export missing) turns into `failed` rows naming the error,
 * while the peers and the kernels still run.
 */
export function recurModels(): Promise<RecurModels> {
  loading ??= Promise.all([import('./char-lm.js'), import('./sequence-layer.js')]).then(
    ([lm, layer]) => ({
      RecurCharLm: lm.RecurCharLm,
      recurSequenceLayer: layer.recurSequenceLayer,
    }),
  );
  return loading;
}
