import { DatasetError, Standardizer, tokenizerFromJSON } from '@recur/datasets';
import { UsageError } from '../errors.js';
import type { Arch } from '../tasks/task.js';
import { shown } from './saved-options.js';

/** What a field of a saved vocabulary holds. */
type Field = 'tokenizer' | 'standardizer' | 'string' | 'labels' | 'length' | { literal: string };

/** The fields `recur train` writes as each architecture's vocabulary (exactly these). */
function shapeOf(arch: Arch, raw: Record<string, unknown>): Record<string, Field> {
  switch (arch) {
    case 'lm':
      return { tokenizer: 'tokenizer', prompt: 'string' };
    case 'seq2seq':
      return { source: 'tokenizer', target: 'tokenizer', maxTargetLength: 'length' };
    case 'classify':
      return raw.input === 'digits'
        ? { input: { literal: 'digits' }, labels: 'labels' }
        : {
            input: { literal: 'text' },
            tokenizer: 'tokenizer',
            labels: 'labels',
            maxTokens: 'length',
          };
    case 'caption':
      return { tokenizer: 'tokenizer', maxDigits: 'length' };
    case 'forecast':
      return { normalization: 'standardizer' };
  }
}

/** Longest decode / text length a vocabulary may ask for, and most labels. */
const MAX_LENGTH = 100_000;
const MAX_LABELS = 10_000;

/**
 * The vocabulary of a `recur train` checkpoint of architecture `arch`, checked field by field
 * against what `recur train` writes: tokenizers through `tokenizerFromJSON` (enumerated options,
 * never code), a forecaster's z-scores through `Standardizer.fromJSON`, strings, label lists and
 * lengths within limits, no other keys. Anything else is a {@link UsageError} naming the
 * checkpoint and the field.
 */
export function savedVocabulary(command: string, path: string, arch: Arch, raw: unknown): unknown {
  const fail = (detail: string): never => {
    throw new UsageError(
      `recur ${command}: ${path} holds a vocabulary recur train never writes: ${detail}`,
    );
  };
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return fail(`expected an object; got ${shown(raw)}`);
  }
  const record = raw as Record<string, unknown>;
  const shape = shapeOf(arch, record);
  for (const key of Object.keys(record)) {
    if (!Object.hasOwn(shape, key)) fail(`unknown field ${shown(key)}`);
  }
  for (const [key, field] of Object.entries(shape)) {
    const value = record[key];
    if (typeof field === 'object') {
      if (value !== field.literal)
        fail(`${key} must be ${shown(field.literal)}; got ${shown(value)}`);
    } else if (field === 'string') {
      if (typeof value !== 'string' || value.length > MAX_LENGTH) {
        fail(`${key} must be a string; got ${shown(value)}`);
      }
    } else if (field === 'length') {
      if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > MAX_LENGTH) {
        fail(`${key} must be an integer from 1 to ${MAX_LENGTH}; got ${shown(value)}`);
      }
    } else if (field === 'labels') {
      if (
        !Array.isArray(value) ||
        value.length < 2 ||
        value.length > MAX_LABELS ||
        !value.every((l) => typeof l === 'string')
      ) {
        fail(`${key} must be 2 to ${MAX_LABELS} strings; got ${shown(value)}`);
      }
    } else if (field === 'standardizer') {
      try {
        Standardizer.fromJSON(value);
      } catch (error) {
        if (error instanceof DatasetError) fail(`${key}: ${error.message}`);
        throw error;
      }
    } else {
      try {
        tokenizerFromJSON(value);
      } catch (error) {
        if (error instanceof DatasetError) fail(`${key}: ${error.message}`);
        throw error;
      }
    }
  }
  return raw;
}
