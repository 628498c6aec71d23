import { RecurError } from '@recur/tensor';

/** One layer of a Keras / TF.js Layers topology, in the order data flows through it. */
export interface KerasLayer {
  readonly className: string;
  readonly name: string;
  readonly config: Record<string, unknown>;
}

/** A topology read as one chain of layers from the input to the output. */
export interface LayerChain {
  layers: KerasLayer[];
  /** `keras_version` as the file states it (`tfjs-layers 4.22.0`, `2.15.0`, …), or `''`. */
  kerasVersion: string;
}

/** Layers a topology may list (an RNN model has a handful; this bounds the work on a hostile file). */
export const MAX_LAYERS = 1024;

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

function layerOf(entry: unknown, index: number, source: string): KerasLayer {
  if (!isRecord(entry) || typeof entry.class_name !== 'string' || !isRecord(entry.config)) {
    throw new RecurError(
      'FORMAT',
      `${source}: layer ${index} must be { class_name, config }, got ${JSON.stringify(entry)?.slice(0, 80)}`,
    );
  }
  const name = entry.config.name ?? entry.name;
  if (typeof name !== 'string') {
    throw new RecurError('FORMAT', `${source}: layer ${index} (${entry.class_name}) has no name`);
  }
  return { className: entry.class_name, name, config: entry.config };
}

/** `[name, node, tensor]` of each tensor a Keras 2 (TF.js) or Keras 3 inbound node lists. */
function inboundNames(entry: Record<string, unknown>, name: string, source: string): string[] {
  const nodes = entry.inbound_nodes;
  if (!Array.isArray(nodes) || nodes.length === 0) return [];
  if (nodes.length > 1) {
    throw new RecurError(
      'FORMAT',
      `${source}: layer ${name} is called ${nodes.length} times (shared layers are not read)`,
    );
  }
  const node = nodes[0];
  const history = (t: unknown): unknown =>
    Array.isArray(t)
      ? t[0]
      : isRecord(t) && isRecord(t.config)
        ? t.config.keras_history
        : undefined;
  const tensors: unknown[] = Array.isArray(node)
    ? node
    : isRecord(node) && Array.isArray(node.args)
      ? node.args.flatMap((a) => (Array.isArray(a) ? a : [a]))
      : [];
  return tensors.map((t) => {
    const h = history(t);
    const from = Array.isArray(t) ? h : Array.isArray(h) ? h[0] : undefined;
    if (typeof from !== 'string') {
      throw new RecurError(
        'FORMAT',
        `${source}: layer ${name} has an inbound node without a layer name`,
      );
    }
    return from;
  });
}

/**
 * The layers of a TF.js `model.json`'s `modelTopology` (or Keras `model_config`), in order:
 * a `Sequential` as listed, a functional `Model` / `Functional` walked from its one input to
 * its one output, which must be a single chain (each layer fed by the one before it, every
 * layer on the path). Nothing else is accepted. Reads data only.
 */
export function layerChain(modelJson: Record<string, unknown>, source: string): LayerChain {
  let topology = modelJson.modelTopology;
  if (isRecord(topology) && isRecord(topology.model_config)) topology = topology.model_config;
  if (!isRecord(topology) || typeof topology.class_name !== 'string') {
    throw new RecurError(
      'FORMAT',
      `${source}: modelTopology must be a Keras model config { class_name, config }`,
    );
  }
  const kerasVersion = typeof topology.keras_version === 'string' ? topology.keras_version : '';
  const config = topology.config;
  const entries = Array.isArray(config) ? config : isRecord(config) ? config.layers : undefined;
  if (!Array.isArray(entries)) {
    throw new RecurError('FORMAT', `${source}: modelTopology.config.layers must be an array`);
  }
  if (entries.length === 0 || entries.length > MAX_LAYERS) {
    throw new RecurError(
      'FORMAT',
      `${source}: the model lists ${entries.length} layers; expected 1 to ${MAX_LAYERS}`,
    );
  }
  const kind = topology.class_name;
  if (kind === 'Sequential') {
    return { layers: entries.map((e, i) => layerOf(e, i, source)), kerasVersion };
  }
  if (kind !== 'Model' && kind !== 'Functional') {
    throw new RecurError(
      'FORMAT',
      `${source}: a ${JSON.stringify(kind)} model is not read; expected Sequential or a functional Model`,
    );
  }
  return {
    layers: functionalChain(config as Record<string, unknown>, entries, source),
    kerasVersion,
  };
}

function endpoint(config: Record<string, unknown>, key: string, source: string): string {
  const list = config[key];
  // Keras 2 / TF.js: [[name, 0, 0]]; Keras 3 with one tensor: [name, 0, 0].
  const first = Array.isArray(list) && Array.isArray(list[0]) ? list : [list];
  if (first.length !== 1 || !Array.isArray(first[0]) || typeof first[0][0] !== 'string') {
    throw new RecurError(
      'FORMAT',
      `${source}: a functional model with ${Array.isArray(list) ? list.length : 'no'} ${key} is not read; expected exactly one`,
    );
  }
  return first[0][0];
}

function functionalChain(
  config: Record<string, unknown>,
  entries: unknown[],
  source: string,
): KerasLayer[] {
  const byName = new Map<string, { layer: KerasLayer; from: string[] }>();
  entries.forEach((entry, i) => {
    const layer = layerOf(entry, i, source);
    if (byName.has(layer.name)) {
      throw new RecurError('FORMAT', `${source}: two layers are named ${layer.name}`);
    }
    byName.set(layer.name, {
      layer,
      from: inboundNames(entry as Record<string, unknown>, layer.name, source),
    });
  });
  const input = endpoint(config, 'input_layers', source);
  const chain: KerasLayer[] = [];
  let at = endpoint(config, 'output_layers', source);
  while (true) {
    const node = byName.get(at);
    if (!node) throw new RecurError('FORMAT', `${source}: no layer is named ${at}`);
    if (chain.length === entries.length) {
      throw new RecurError('FORMAT', `${source}: the layers form a cycle at ${at}`);
    }
    chain.push(node.layer);
    if (at === input) break;
    if (node.from.length !== 1) {
      throw new RecurError(
        'FORMAT',
        `${source}: layer ${at} has ${node.from.length} inputs; only a single chain of layers is read`,
      );
    }
    at = node.from[0]!;
  }
  if (chain.length !== entries.length) {
    const off = [...byName.keys()].filter((n) => !chain.some((l) => l.name === n));
    throw new RecurError(
      'FORMAT',
      `${source}: layers ${off.join(', ')} are not on the path from the input to the output; only a single chain of layers is read`,
    );
  }
  return chain.reverse();
}
