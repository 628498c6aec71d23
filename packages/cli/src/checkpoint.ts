import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Model, modelFromWeights } from '@recur/architectures';
import type { FileFingerprint } from '@recur/datasets/node';
import { dispose, type Tensor } from '@recur/tensor';
import type { Checkpoint } from '@recur/train';
import { loadCheckpoint } from '@recur/train/node';
import { UsageError } from './errors.js';
import type { Arch, RunOptions } from './tasks/task.js';
import { savedFingerprint, savedOptions } from './training/saved-options.js';
import { savedVocabulary } from './training/saved-vocabulary.js';

/** What `recur train` stores in a checkpoint's `metadata.recur`. */
export interface RecurMetadata {
  version: 1;
  /** The options that define the model and the data (what `--resume` reuses). */
  options: RunOptions;
  /** One line about the training data. */
  description: string;
  /** With `--file`: what identifies the file's content (`--resume` checks the file given again). */
  data?: FileFingerprint;
}

/** What each architecture is called in messages, with its article. */
export const ARCH_NAMES: Record<Arch, string> = {
  lm: 'a language model',
  seq2seq: 'an encoder-decoder (seq2seq)',
  classify: 'a sequence classifier',
  caption: 'a captioner',
  forecast: 'a forecaster',
};

/** Where `recur train --arch <arch>` saves by default, and where the other commands look. */
export function defaultCheckpointPath(arch: Arch): string {
  return join('checkpoints', `${arch}.ckpt`);
}

/** Reads a checkpoint file; a missing file is a {@link UsageError} with a hint. */
export function readCheckpoint(command: string, path: string, arch: Arch): Checkpoint {
  if (!existsSync(path)) {
    const train = arch === 'lm' ? 'recur train' : `recur train --arch ${arch}`;
    throw new UsageError(
      `recur ${command}: no checkpoint at ${path} (train one with '${train}', or pass --checkpoint <path>)`,
    );
  }
  return loadCheckpoint(path);
}

/**
 * The `metadata.recur` of a checkpoint written by `recur train`, checked: its run options exactly
 * as `recur train` checks its flags ({@link savedOptions}), and the data fingerprint if any.
 */
export function recurMetadata(
  command: string,
  path: string,
  checkpoint: Checkpoint,
): RecurMetadata {
  const meta = checkpoint.metadata?.recur as Record<string, unknown> | undefined;
  if (meta === null || typeof meta !== 'object' || meta.version !== 1 || !('options' in meta)) {
    throw new UsageError(
      `recur ${command}: ${path} was not written by 'recur train' (no recur metadata)`,
    );
  }
  const options = savedOptions(command, path, meta.options);
  const data = savedFingerprint(command, path, meta.data);
  const description = typeof meta.description === 'string' ? meta.description : '';
  return { version: 1, options, description, ...(data ? { data } : {}) };
}

/** A trained model loaded from a `recur train` checkpoint. */
export interface TrainedModel {
  model: Model;
  metadata: RecurMetadata;
  vocabulary: unknown;
  /** Updates the model was trained for. */
  step: number;
}

/**
 * Loads the model of a `recur train` checkpoint for inference, checking that it is of the
 * architecture `arch` (a clear error otherwise; `any` takes whichever it holds). The optimizer
 * state is dropped.
 */
export function loadTrainedModel(command: string, path: string, arch: Arch | 'any'): TrainedModel {
  const checkpoint = readCheckpoint(command, path, arch === 'any' ? 'lm' : arch);
  try {
    const metadata = recurMetadata(command, path, checkpoint);
    if (arch === 'any') arch = metadata.options.arch;
    if (metadata.options.arch !== arch) {
      throw new UsageError(
        `recur ${command}: ${path} holds ${ARCH_NAMES[metadata.options.arch]}; ${command} needs ${ARCH_NAMES[arch]} (recur train --arch ${arch})`,
      );
    }
    // Checked before the model is built: nothing to free when it is refused.
    const vocabulary = savedVocabulary(command, path, arch, checkpoint.vocabulary);
    // Views of the checkpoint's tensors: the model keeps them when the checkpoint is disposed.
    // The config is checked against these weights before anything is built (bounded by the file).
    const weights: Record<string, Tensor> = {};
    for (const [name, t] of Object.entries(checkpoint.parameters))
      weights[name] = t.reshape(t.shape);
    let model: Model;
    try {
      model = modelFromWeights(checkpoint.config, weights, path);
    } catch (error) {
      dispose(weights);
      throw error;
    }
    return { model, metadata, vocabulary, step: checkpoint.step };
  } finally {
    dispose(checkpoint);
  }
}
