import { RecurError } from '@recur/tensor';
import type { Architecture } from '../check-weights.js';
import { disposeModel, loadModelWithExtras, type Model, saveModel } from '../model-io.js';

/** The version of what a start writes under `recur.start`. */
const START_VERSION = 1;

/**
 * A start's model as one safetensors file (`saveModel`): the weights and config as any model,
 * the tokenizer (with its vocabulary) under `recur.tokenizer`, and the start's own settings —
 * `{ kind, version, ...fields }` — under `recur.start`.
 */
export function saveStart(
  kind: string,
  model: Model,
  tokenizer: unknown,
  fields: Record<string, unknown>,
): Uint8Array {
  return saveModel(model, {
    ...(tokenizer !== undefined ? { tokenizer } : {}),
    start: { kind, version: START_VERSION, ...fields },
  });
}

/** What {@link loadStart} hands the start: the checked model, and the JSON it still has to check. */
export interface LoadedStart<M extends Model> {
  model: M;
  tokenizer: unknown;
  fields: Record<string, unknown>;
}

/**
 * Reads a file {@link saveStart} wrote for `kind`, trusting nothing: the file through
 * `loadModel` (layout, checksum, config against the weights, before anything is allocated), then
 * the model's architecture, then `recur.start` (an object of `kind` and this version with
 * exactly the fields `keys`). `build` checks the rest (the tokenizer, the fields against the
 * model) and makes the start; any error on the way frees the model and is a `FORMAT`
 * `RecurError` naming `kind.load` and what is wrong.
 */
export function loadStart<M extends Model, S>(
  kind: string,
  bytes: Uint8Array,
  architecture: Architecture,
  keys: readonly string[],
  build: (loaded: LoadedStart<M>) => S,
): S {
  const owner = `${kind}.load`;
  if (!(bytes instanceof Uint8Array)) {
    throw new RecurError(
      'ARGUMENT',
      `${owner}: expected the bytes save() returned (a Uint8Array, e.g. fs.readFileSync(path)), got ${bytes === null ? 'null' : typeof bytes}`,
    );
  }
  const { model, tokenizer, start } = loadModelWithExtras(bytes, { name: owner });
  try {
    if (model.config.architecture !== architecture) {
      fail(owner, `the file holds a ${model.config.architecture}; a ${kind} is a ${architecture}`);
    }
    if (start === null || typeof start !== 'object' || Array.isArray(start)) {
      fail(
        owner,
        `the file has no recur.start of a ${kind} (a model saved by saveModel? use loadModel)`,
      );
    }
    const fields = { ...(start as Record<string, unknown>) };
    if (fields.kind !== kind || fields.version !== START_VERSION) {
      fail(
        owner,
        `recur.start is of kind ${JSON.stringify(fields.kind)} version ${JSON.stringify(fields.version)}; expected ${kind} version ${START_VERSION}`,
      );
    }
    delete fields.kind;
    delete fields.version;
    const extra = Object.keys(fields).filter((k) => !keys.includes(k));
    const missing = keys.filter((k) => !Object.hasOwn(fields, k));
    if (extra.length > 0 || missing.length > 0) {
      fail(
        owner,
        `recur.start has ${extra.length ? `unknown fields ${extra.join(', ')}` : ''}${extra.length && missing.length ? ' and ' : ''}${missing.length ? `no ${missing.join(', ')}` : ''}; expected ${keys.join(', ')}`,
      );
    }
    return asFormat(owner, () => build({ model: model as M, tokenizer, fields }));
  } catch (error) {
    disposeModel(model);
    throw error;
  }
}

/** Throws a `FORMAT` error of `owner`. */
export function fail(owner: string, message: string): never {
  throw new RecurError('FORMAT', `${owner}: ${message}`);
}

/**
 * `read()`, with the errors of the readers it calls (`tokenizerFromJSON`, `Standardizer.fromJSON`
 * of `@recur/datasets`, which throw their own error class) turned into `FORMAT` errors of
 * `owner`.
 */
export function asFormat<T>(owner: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof RecurError && error.code === 'FORMAT') throw error;
    throw new RecurError('FORMAT', `${owner}: ${(error as Error).message}`);
  }
}
