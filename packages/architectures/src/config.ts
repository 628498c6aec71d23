import { CELLS, type CellKind, CELL_KINDS as REGISTERED_CELLS } from '@recur/cells';
import { checkOptions, RecurError } from '@recur/tensor';
import type { TokenInput } from './decoder.js';

/**
 * The bounds every model configuration is checked against before anything is allocated. A
 * configuration read from a file is untrusted: these keep a hostile one from asking for
 * absurd work (a loader then also checks every size against the file's own weight directory).
 *
 * - `size`: any width, vocabulary or output size (2²⁴ = 16,777,216);
 * - `numLayers`: stacked recurrent layers (256);
 * - `encoderLayers`: layers of the captioner's image encoder (64);
 * - `parameterElements`: all parameters of one model together, in elements (2³⁰ ≈ 4 GiB of
 *   float32) — the constructor refuses more before drawing a single weight.
 */
export const CONFIG_LIMITS = Object.freeze({
  size: 2 ** 24,
  numLayers: 256,
  encoderLayers: 64,
  parameterElements: 2 ** 30,
});

const describeValue = (v: unknown): string =>
  typeof v === 'string' ? JSON.stringify(v) : Array.isArray(v) ? 'an array' : String(v);

/** A positive integer no larger than `max`; throws ARGUMENT naming `owner` and `key`. */
export function checkSize(
  owner: string,
  key: string,
  value: unknown,
  max: number = CONFIG_LIMITS.size,
): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw new RecurError(
      'ARGUMENT',
      `${owner}: ${key} must be an integer in [1, ${max}], got ${describeValue(value)}`,
    );
  }
  return value;
}

/** One of `choices`; throws ARGUMENT otherwise. */
export function checkChoice<T extends string>(
  owner: string,
  key: string,
  value: unknown,
  choices: readonly T[],
): T {
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    throw new RecurError(
      'ARGUMENT',
      `${owner}: ${key} is ${describeValue(value)}; expected ${choices.join(', ')}`,
    );
  }
  return value as T;
}

/** The recurrent cells a model may stack: every kind in `@recur/cells`' registry. */
export const CELL_KINDS: readonly CellKind[] = REGISTERED_CELLS;

/** The gate activations an LSTM or GRU may use (`hardSigmoid`: TensorFlow.js's default). */
export const RECURRENT_ACTIVATIONS = ['sigmoid', 'hardSigmoid'] as const;

/**
 * The cell variants a model config may choose, passed to every recurrent layer the model builds
 * and saved in the config (an absent field, or an absent `cellOptions`, is the default, so files
 * saved before these existed load unchanged):
 *
 * - `resetAfter` (GRU only; default false): the "reset after" GRU of PyTorch's `nn.GRU`, cuDNN
 *   and Keras 2, with a second bias `b_a` per layer and direction (docs/notation.md);
 * - `recurrentActivation` (LSTM and GRU; default `sigmoid`): the gates' activation, the logistic
 *   sigmoid or TensorFlow.js's `hardSigmoid` `clip(0.2·x + 0.5, 0, 1)`.
 */
export interface ModelCellOptions {
  resetAfter?: boolean;
  recurrentActivation?: (typeof RECURRENT_ACTIVATIONS)[number];
}

/** Every {@link ModelCellOptions} key. */
const MODEL_CELL_OPTION_KEYS: readonly (keyof ModelCellOptions)[] = [
  'resetAfter',
  'recurrentActivation',
];

/** The {@link ModelCellOptions} keys a cell kind takes: those its registry entry lists. */
function modelCellOptions(cell: CellKind): readonly (keyof ModelCellOptions)[] {
  const own = CELLS[cell].optionKeys;
  return MODEL_CELL_OPTION_KEYS.filter((key) => own.includes(key));
}

/**
 * A checked copy of a model's `cellOptions` for `cell` (undefined stays undefined): unknown
 * keys, keys the cell does not take (`resetAfter` on an LSTM) and wrong values throw ARGUMENT.
 */
export function checkCellOptions(
  owner: string,
  cell: CellKind,
  value: unknown,
): ModelCellOptions | undefined {
  if (value === undefined) return undefined;
  const where = `${owner}.cellOptions`;
  checkOptions(where, value, MODEL_CELL_OPTION_KEYS);
  const known = modelCellOptions(cell);
  for (const key of Object.keys(value as object)) {
    if (!(known as readonly string[]).includes(key)) {
      throw new RecurError(
        'ARGUMENT',
        `${where}: ${key} is not an option of a '${cell}' cell (it takes ${known.length > 0 ? known.join(', ') : 'none'})`,
      );
    }
  }
  const { resetAfter, recurrentActivation } = value as Record<string, unknown>;
  return {
    ...(resetAfter !== undefined
      ? { resetAfter: checkBoolean(where, 'resetAfter', resetAfter) }
      : {}),
    ...(recurrentActivation !== undefined
      ? {
          recurrentActivation: checkChoice(
            where,
            'recurrentActivation',
            recurrentActivation,
            RECURRENT_ACTIVATIONS,
          ),
        }
      : {}),
  };
}

/** `{ cellOptions }` when given, else nothing: spread into a config so that absent stays absent. */
export function cellOptionsField(cellOptions: ModelCellOptions | undefined): {
  cellOptions?: ModelCellOptions;
} {
  return cellOptions === undefined ? {} : { cellOptions };
}

/** A dropout rate in [0, 1); throws RANGE otherwise. */
export function checkRate(owner: string, key: string, value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0 && value < 1)) {
    throw new RecurError(
      'RANGE',
      `${owner}: ${key} must be in [0, 1), got ${describeValue(value)}`,
    );
  }
  return value;
}

/** A seed: a safe integer; throws ARGUMENT otherwise. */
export function checkSeed(owner: string, key: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new RecurError(
      'ARGUMENT',
      `${owner}: ${key} must be an integer seed, got ${describeValue(value)}`,
    );
  }
  return value;
}

/** A boolean; throws ARGUMENT otherwise. */
export function checkBoolean(owner: string, key: string, value: unknown): boolean {
  if (typeof value !== 'boolean') {
    throw new RecurError(
      'ARGUMENT',
      `${owner}: ${key} must be true or false, got ${describeValue(value)}`,
    );
  }
  return value;
}

/** Throws unless `token` is an integer id in `[0, size)`. */
export function checkToken(owner: string, key: string, token: unknown, size: number): number {
  if (typeof token !== 'number' || !Number.isInteger(token) || token < 0 || token >= size) {
    throw new RecurError(
      'RANGE',
      `${owner}: ${key} is ${describeValue(token)}; expected a token id in [0, ${size})`,
    );
  }
  return token;
}

/** A checked copy of a {@link TokenInput} (`{ kind: 'onehot' }` or `{ kind: 'embedding', size }`). */
export function checkTokenInput(owner: string, key: string, value: unknown): TokenInput {
  const where = `${owner}.${key}`;
  checkOptions(where, value, ['kind', 'size']);
  const { kind, size } = value as { kind?: unknown; size?: unknown };
  if (checkChoice(where, 'kind', kind, ['onehot', 'embedding']) === 'onehot') {
    checkOptions(where, value, ['kind']);
    return { kind: 'onehot' };
  }
  return { kind: 'embedding', size: checkSize(where, 'size', size) };
}

/**
 * Refuses unknown option names (with `checkOptions`) and an `architecture` other than `name`
 * (a saved config may be passed straight back to its constructor).
 */
export function checkModelOptions(name: string, options: unknown, known: readonly string[]): void {
  checkOptions(name, options, ['architecture', ...known]);
  const architecture = (options as { architecture?: unknown }).architecture;
  if (architecture !== undefined && architecture !== name) {
    throw new RecurError(
      'ARGUMENT',
      `${name}: architecture is ${describeValue(architecture)}; this constructor builds ${name}`,
    );
  }
}

/** `value`, or `fallback` when it is undefined (null is kept, so it is refused as a wrong type). */
export function orDefault<T>(value: T | undefined, fallback: T): T {
  return value === undefined ? fallback : value;
}
