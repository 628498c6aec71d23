import { CELL_KINDS, CELLS, type CellKind } from '@recur/cells';
import { RecurError } from '@recur/tensor';
import type { WeightDescription } from './check-weights.js';

/**
 * Fills in what a PyTorch state dict's shapes say, for a `LanguageModel` or
 * `SequenceClassifier` config that gives only what they cannot: the architecture, and where
 * ambiguous the cell (`nn.RNN` weights do not say tanh or ReLU) and a classifier's input without
 * an embedding (features or one-hot). Keys the config gives are kept as given (the directory
 * check then compares them with the file). Read from the shapes (names as in the README):
 *
 * - `hiddenSize`: `rnn.weight_hh_l0` `[G·H, H]`; `cell`: the cell of the registry with G gates and a
 *   PyTorch module (`CELLS[kind].gates`, `.pytorch`): G = 4 → `lstm`, G = 3 → `gru` (G = 1:
 *   ambiguous, `nn.RNN` is `rnn` or `irnn`);
 * - `cellOptions.resetAfter`: `true` for a GRU (`nn.GRU` is always "reset after"), added to the
 *   given `cellOptions` when they do not say (a given `false` is kept, and refused by the naming);
 * - `numLayers`: how many `rnn.weight_ih_l{k}`; `bidirectional`: `rnn.weight_ih_l0_reverse`;
 * - `vocabularySize` (LanguageModel) or `outputSize` (classifier): `output.weight` rows;
 * - `input`: from `embedding.weight` `[V, E]`; a LanguageModel without one reads one-hot.
 *
 * Other architectures are returned as given: their configs say more than shapes can.
 */
export function inferPyTorchConfig(
  config: Record<string, unknown>,
  weights: readonly WeightDescription[],
  source: string,
): Record<string, unknown> {
  const architecture = config.architecture;
  if (architecture !== 'LanguageModel' && architecture !== 'SequenceClassifier') return config;
  const shapes = new Map(weights.map((w) => [w.name, w.shape]));
  const out: Record<string, unknown> = { ...config };
  const fill = (key: string, value: () => unknown) => {
    if (out[key] === undefined) {
      const v = value();
      if (v !== undefined) out[key] = v;
    }
  };
  const ambiguous = (key: string, why: string): never => {
    throw new RecurError('FORMAT', `${source}: config.${key} is not given and ${why}; give it`);
  };
  const hh = shapes.get('rnn.weight_hh_l0');
  fill('hiddenSize', () => hh?.[1]);
  fill('cell', () => {
    const [rows = 0, columns = 0] = hh ?? [];
    if (columns === 0) return undefined;
    const candidates = pytorchCells(rows / columns);
    if (candidates.length > 1) {
      const module = candidates[0]!.module;
      const which = candidates.map((c) => `${c.variant} (cell ${c.kind})`).join(' or ');
      ambiguous('cell', `${module} weights do not say ${which}`);
    }
    return candidates[0]?.kind;
  });
  const cellOptions = out.cellOptions;
  if (out.cell === 'gru' && (cellOptions === undefined || isPlainObject(cellOptions))) {
    const given = (cellOptions ?? {}) as Record<string, unknown>;
    if (!Object.hasOwn(given, 'resetAfter')) out.cellOptions = { ...given, resetAfter: true };
  }
  fill('numLayers', () => {
    let layers = 0;
    while (shapes.has(`rnn.weight_ih_l${layers}`)) layers++;
    return layers > 0 ? layers : undefined;
  });
  const output = shapes.get('output.weight')?.[0];
  const embedding = shapes.get('embedding.weight');
  if (architecture === 'LanguageModel') {
    fill('vocabularySize', () => output);
    fill('input', () =>
      embedding ? { kind: 'embedding', size: embedding[1] } : { kind: 'onehot' },
    );
  } else {
    fill('bidirectional', () => shapes.has('rnn.weight_ih_l0_reverse'));
    fill('outputSize', () => output);
    fill('input', () =>
      embedding
        ? { kind: 'embedding', vocabularySize: embedding[0], size: embedding[1] }
        : ambiguous('input', 'without embedding.weight the input may be features or one-hot'),
    );
  }
  return out;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The registered cells with `gates` gate blocks that a PyTorch module computes (`CELLS[kind].pytorch`
 * is a layer, e.g. `nn.RNN(nonlinearity='tanh')`), each with that module (`nn.RNN`) and what
 * tells it from the others computing the same module (`tanh`).
 */
function pytorchCells(gates: number): { kind: CellKind; module: string; variant: string }[] {
  return CELL_KINDS.flatMap((kind) => {
    const definition = CELLS[kind];
    if (definition.gates !== gates || !('layer' in definition.pytorch)) return [];
    const layer = definition.pytorch.layer;
    const module = layer.split(/[(,\s]/)[0]!;
    const variant = /\(\w+='([^']*)'\)$/.exec(layer)?.[1] ?? layer;
    return [{ kind, module, variant }];
  });
}
