import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';
import type { LanguageModel, Model, SequenceClassifier } from '@recur/architectures';
import { RecurError } from '@recur/tensor';
import { TFJS_WEIGHTS_FILE, toTfjs } from '../export-tfjs.js';
import { modelFromTfjs } from '../import-tfjs.js';
import { isRecord } from '../topology.js';
import { weightSpecsOf } from '../weights-manifest.js';

/** The largest `model.json` {@link loadTfjsModel} reads (16 MiB; an RNN's topology takes a few KB). */
export const MAX_MODEL_JSON_BYTES = 16 * 2 ** 20;

function sizeOf(path: string, fn: string, what: string): number {
  let stats: ReturnType<typeof statSync>;
  try {
    stats = statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new RecurError(
      'FORMAT',
      `${fn}: ${what} ${path} cannot be read (${code ?? (error as Error).message})`,
    );
  }
  if (!stats.isFile()) throw new RecurError('FORMAT', `${fn}: ${what} ${path} is not a file`);
  return stats.size;
}

/**
 * Reads a TF.js Layers model from disk — `path` is its `model.json` or the folder holding one —
 * with {@link modelFromTfjs}. Bounded by the files themselves: the `model.json` may be at most
 * {@link MAX_MODEL_JSON_BYTES}; each manifest group's shard files (plain relative paths inside
 * the model's folder; `..` and absolute paths are refused) must together hold exactly the bytes
 * its weight specs describe, checked with `stat` before a shard is read. Any problem is a
 * `RecurError` naming the file.
 */
export function loadTfjsModel(path: string): LanguageModel | SequenceClassifier {
  const fn = 'loadTfjsModel';
  let file = path;
  try {
    if (statSync(path).isDirectory()) file = join(path, 'model.json');
  } catch {
    // Named below, as the model.json that cannot be read.
  }
  const bytes = sizeOf(file, fn, 'model JSON');
  if (bytes > MAX_MODEL_JSON_BYTES) {
    throw new RecurError(
      'FORMAT',
      `${fn}: ${file} is ${bytes} bytes; a model.json may be at most ${MAX_MODEL_JSON_BYTES}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new RecurError('FORMAT', `${fn}: ${file} is not JSON (${(error as Error).message})`);
  }
  const source = `${fn} (${file})`;
  if (!isRecord(json) || !Array.isArray(json.weightsManifest)) {
    throw new RecurError('FORMAT', `${source}: the model JSON has no weightsManifest`);
  }
  const folder = resolve(dirname(file));
  const groups = json.weightsManifest.map((group: unknown, g: number) => {
    const where = `weightsManifest[${g}]`;
    if (!isRecord(group) || !Array.isArray(group.paths)) {
      throw new RecurError('FORMAT', `${source}: ${where}.paths must be an array`);
    }
    const specs = weightSpecsOf({ weightsManifest: [group] }, `${source}: ${where}`);
    const expected = specs.reduce((n, s) => n + 4 * s.shape.reduce((a, b) => a * b, 1), 0);
    const paths = group.paths.map((p: unknown) => {
      const parts = typeof p === 'string' ? p.split(/[\\/]/) : [];
      if (typeof p !== 'string' || p === '' || isAbsolute(p) || parts.includes('..')) {
        throw new RecurError(
          'FORMAT',
          `${source}: ${where}.paths holds ${JSON.stringify(p)}; expected a relative file name inside the model's folder`,
        );
      }
      const full = resolve(folder, p);
      if (!full.startsWith(folder + sep)) {
        throw new RecurError('FORMAT', `${source}: shard ${p} lies outside the model's folder`);
      }
      return full;
    });
    const held = paths.reduce((n: number, p: string) => n + sizeOf(p, fn, 'weight shard'), 0);
    if (held !== expected) {
      throw new RecurError(
        'FORMAT',
        `${source}: ${where}'s shards hold ${held} bytes; its weight specs describe ${expected}`,
      );
    }
    return paths;
  });
  const shards = groups.flat().map((p: string) => new Uint8Array(readFileSync(p)));
  return modelFromTfjs(json, shards, { name: file });
}

/**
 * Writes a model with {@link toTfjs} into `dir` (created if missing): `model.json` and its one
 * weight shard, {@link TFJS_WEIGHTS_FILE} — what `tf.loadLayersModel('file://…/model.json')`
 * (tfjs-node) or an HTTP server for `tf.loadLayersModel(url)` serves. Returns the paths written.
 */
export function saveTfjsModel(model: Model, dir: string): { modelJson: string; weights: string } {
  const { modelJson, weightData } = toTfjs(model);
  mkdirSync(dir, { recursive: true });
  const weights = join(dir, TFJS_WEIGHTS_FILE);
  const json = join(dir, 'model.json');
  writeFileSync(weights, weightData);
  writeFileSync(json, `${JSON.stringify(modelJson, null, 2)}\n`);
  return { modelJson: json, weights };
}
