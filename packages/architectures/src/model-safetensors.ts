import type { Variable } from '@recur/autograd';
import { checkOptions, dispose, RecurError, type Tensor, tensor } from '@recur/tensor';
import { checkDirectory, describeConfig, type ModelConfig } from './check-weights.js';
import type { ModelPlan } from './parameter-specs.js';
import {
  namingFor,
  type SavedTensorSpec,
  savedTensorSpecs,
  type TensorNaming,
} from './pytorch-names.js';
import {
  encodeSafetensors,
  type SafetensorsFile,
  type SafetensorsTensor,
  safetensorsValues,
} from './safetensors.js';

/**
 * A model as one safetensors file: tensors named and laid out as PyTorch's modules name them
 * (`pytorch-names.ts`), and in `__metadata__` (all strings):
 *
 * - `format`: `pt` (what Hugging Face tools look for);
 * - `recur.config`: the model's config, JSON;
 * - `recur.naming`: `pytorch`, or `recur` for models no PyTorch module computes (a reset-before
 *   GRU, hardSigmoid gates: {@link TensorNaming});
 * - `recur.vocabulary`, `recur.tokenizer`: JSON, when given to `saveModel`;
 * - `recur.start`: JSON, what a start (`TextGenerator`, `TimeSeriesForecaster`, …) keeps beside
 *   its model (labels, a fitted `Standardizer`, …); checked by that start's `load`;
 * - `recur.crc32`: the checksum (`safetensors.ts`).
 *
 * Other keys are kept by other tools and ignored here; an unknown `recur.` key is refused.
 */
export const METADATA_KEYS = Object.freeze({
  config: 'recur.config',
  naming: 'recur.naming',
  vocabulary: 'recur.vocabulary',
  tokenizer: 'recur.tokenizer',
  start: 'recur.start',
  checksum: 'recur.crc32',
});

/** Options of `saveModel`: what the model reads and writes, saved beside it as JSON. */
export interface SaveModelOptions {
  /** A vocabulary (e.g. `Vocabulary`, saved through its `toJSON()`), or any JSON value. */
  vocabulary?: unknown;
  /** A tokenizer (e.g. `CharTokenizer`, saved through its `toJSON()`), or any JSON value. */
  tokenizer?: unknown;
  /** What a start keeps beside its model (any JSON value; its own `load` checks it). */
  start?: unknown;
}

/** What a model file carries beside the weights (parsed JSON; check it with its own reader). */
export interface ModelExtras {
  /** Give to `Vocabulary.fromJSON` (`@recur/datasets`); undefined when none was saved. */
  vocabulary: unknown;
  /** Give to `tokenizerFromJSON` (`@recur/datasets`); undefined when none was saved. */
  tokenizer: unknown;
  /** What a start saved beside the model; undefined when none was saved. */
  start: unknown;
}

function transposed(values: ArrayLike<number>, rows: number, columns: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < columns; j++) out[j * rows + i] = values[i * columns + j]!;
  return out;
}

/**
 * `values` (a `[3H]` vector, or a `[rows, 3H]` row-major matrix) with its first two column
 * blocks of width `H` swapped: recur's GRU u r ã ↔ PyTorch's r z n. Its own inverse.
 */
function swapGateBlocks(values: ArrayLike<number>, rows: number, columns: number): Float32Array {
  const H = columns / 3;
  const out = Float32Array.from(values);
  for (let i = 0; i < rows; i++) {
    const row = i * columns;
    for (let j = 0; j < H; j++) {
      out[row + j] = values[row + H + j]!;
      out[row + H + j] = values[row + j]!;
    }
  }
  return out;
}

function toJsonString(owner: string, key: string, value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new RecurError(
      'ARGUMENT',
      `${owner}: ${key} is not JSON-serialisable (${String(error)})`,
    );
  }
  if (text === undefined)
    throw new RecurError('ARGUMENT', `${owner}: ${key} is ${typeof value}; expected a JSON value`);
  return text;
}

/** The safetensors bytes of a model (its config, and its parameters by name). */
export function encodeModelSafetensors(
  model: { config: ModelConfig; parameters(): Record<string, Variable> },
  options: SaveModelOptions = {},
): Uint8Array {
  const owner = 'saveModel';
  checkOptions(owner, options, ['vocabulary', 'tokenizer', 'start']);
  const plan = describeConfig(model.config, owner);
  const naming = namingFor(plan.config);
  const parameters = model.parameters();
  const tensors: SafetensorsTensor[] = savedTensorSpecs(plan, naming, owner).map((spec) => {
    const value = parameters[spec.parameter]!.value;
    value.assertAlive(owner, spec.parameter);
    const data = value.data() as Float32Array;
    const [rows = 1, columns = 1] = value.shape;
    const values =
      spec.layout === 'transposed'
        ? transposed(data, rows, columns)
        : spec.layout === 'bias_hh'
          ? new Float32Array(data.length)
          : spec.layout === 'gru_transposed'
            ? transposed(swapGateBlocks(data, rows, columns), rows, columns)
            : spec.layout === 'gru_same'
              ? swapGateBlocks(data, 1, data.length)
              : data;
    return { name: spec.name, shape: spec.shape, values };
  });
  const metadata: Record<string, string> = {
    format: 'pt',
    [METADATA_KEYS.config]: JSON.stringify(plan.config),
    [METADATA_KEYS.naming]: naming,
  };
  for (const key of ['vocabulary', 'tokenizer', 'start'] as const) {
    if (options[key] !== undefined)
      metadata[METADATA_KEYS[key]] = toJsonString(owner, key, options[key]);
  }
  return encodeSafetensors(tensors, metadata);
}

/** The config, naming and extras a recur safetensors file records (checked, nothing allocated). */
export function readModelMetadata(
  file: SafetensorsFile,
  source: string,
): { config: unknown; naming: TensorNaming; extras: ModelExtras } {
  const meta = file.metadata;
  const known = Object.values(METADATA_KEYS) as string[];
  for (const key of Object.keys(meta)) {
    if (key.startsWith('recur.') && !known.includes(key)) {
      throw new RecurError(
        'FORMAT',
        `${source}: unknown __metadata__ key ${key}; recur writes ${known.join(', ')}`,
      );
    }
  }
  const text = meta[METADATA_KEYS.config];
  if (text === undefined) {
    throw new RecurError(
      'FORMAT',
      `${source}: __metadata__ has no ${METADATA_KEYS.config}: not a model saved by recur (for a PyTorch state dict, use modelFromPyTorch with a config)`,
    );
  }
  const naming = meta[METADATA_KEYS.naming];
  if (naming !== 'pytorch' && naming !== 'recur') {
    throw new RecurError(
      'FORMAT',
      `${source}: __metadata__.${METADATA_KEYS.naming} is ${JSON.stringify(naming) ?? 'missing'}; expected pytorch or recur`,
    );
  }
  const parse = (key: string): unknown => {
    const value = meta[key];
    if (value === undefined) return undefined;
    try {
      return JSON.parse(value);
    } catch (error) {
      throw new RecurError(
        'FORMAT',
        `${source}: __metadata__.${key} is not valid JSON (${(error as Error).message})`,
      );
    }
  };
  return {
    config: parse(METADATA_KEYS.config),
    naming,
    extras: {
      vocabulary: parse(METADATA_KEYS.vocabulary),
      tokenizer: parse(METADATA_KEYS.tokenizer),
      start: parse(METADATA_KEYS.start),
    },
  };
}

/**
 * The recur weights a checked safetensors file holds for `config` under `naming`. The file's
 * directory is compared with the tensors the config implies, one for one (`checkDirectory`:
 * names, shapes, dtypes), before a single tensor is made, so the work and memory are bounded by
 * the file. Returns the plan and new tensors (the caller owns them; on an error none is left).
 */
export function weightsFromSafetensors(
  file: SafetensorsFile,
  config: unknown,
  naming: TensorNaming,
  source: string,
): { plan: ModelPlan<ModelConfig>; weights: Record<string, Tensor> } {
  const plan = describeConfig(config, source);
  const specs = savedTensorSpecs(plan, naming, source);
  const names = naming === 'pytorch' ? 'PyTorch' : 'recur';
  checkDirectory(
    specs,
    file.entries,
    source,
    `config (${plan.config.architecture}, ${names} names)`,
  );
  const entries = new Map(file.entries.map((e) => [e.name, e]));
  const parts = new Map<string, SavedTensorSpec[]>();
  for (const spec of specs) parts.set(spec.parameter, [...(parts.get(spec.parameter) ?? []), spec]);
  const weights: Record<string, Tensor> = Object.create(null);
  try {
    for (const p of plan.parameters) {
      const [first, second] = parts.get(p.name)!;
      const values = safetensorsValues(file, entries.get(first!.name)!);
      if (first!.layout === 'transposed') {
        const [rows = 1, columns = 1] = first!.shape;
        weights[p.name] = tensor(transposed(values, rows, columns), [...p.shape]);
      } else if (first!.layout === 'gru_transposed') {
        const [rows = 1, columns = 1] = first!.shape;
        const [, gateColumns = 1] = p.shape;
        const recurLayout = transposed(values, rows, columns);
        weights[p.name] = tensor(swapGateBlocks(recurLayout, columns, gateColumns), [...p.shape]);
      } else if (first!.layout === 'gru_same') {
        weights[p.name] = tensor(swapGateBlocks(values, 1, values.length), [...p.shape]);
      } else if (first!.layout === 'bias_ih' && second) {
        const other = safetensorsValues(file, entries.get(second.name)!);
        // b = bias_ih + bias_hh; adding a zero is skipped so that -0 survives a round trip.
        const sum = Float32Array.from(values, (v, i) => (other[i] === 0 ? v : v + other[i]!));
        weights[p.name] = tensor(sum, [...p.shape]);
      } else {
        weights[p.name] = tensor(values, [...p.shape], p.dtype);
      }
    }
  } catch (error) {
    dispose(Object.values(weights));
    throw error;
  }
  return { plan, weights };
}
