import { formatShape, RecurError, type RngState, type Tensor, tensor } from '@recur/tensor';
import { checkCheckpoint } from './checkpoint-check.js';
import {
  decodeCheckpointFile,
  encodeCheckpointFile,
  type TensorBlob,
} from './checkpoint-format.js';
import type { HyperParams, OptimizerState } from './optimizers/optimizer.js';
import type { SchedulerState } from './schedules.js';
import { checkKeys, checkRecord } from './value-checks.js';

/**
 * Everything a training run needs to continue exactly where it stopped. JSON-able fields go to
 * the file's header; tensors are stored as raw blobs (see `checkpoint-format.ts`).
 */
export interface Checkpoint {
  /** Optimizer updates taken. */
  step: number;
  /** Epochs completed. */
  epoch?: number;
  /** The model's configuration (JSON), to rebuild it before loading the weights. */
  config?: unknown;
  /** The vocabulary (JSON), e.g. the list of symbols of a character model. */
  vocabulary?: unknown;
  /** Random generator states by name (e.g. `data`, `model`). */
  rng?: Record<string, RngState>;
  /** The weights, by parameter name. */
  parameters: Record<string, Tensor>;
  /** The optimizer's state. */
  optimizer?: OptimizerState;
  /** The learning-rate scheduler's position. */
  scheduler?: SchedulerState;
  /** Other tensors to keep (e.g. recurrent state carried between truncated-BPTT chunks). */
  tensors?: Record<string, Tensor>;
  /** Anything else JSON-able (the trainer's progress, the caller's notes). */
  metadata?: Record<string, unknown>;
}

/** The format identifier in every header. */
const FORMAT = 'recur-checkpoint';

function blobOf(t: Tensor): TensorBlob {
  return { shape: t.shape, dtype: t.dtype, data: t.data() };
}

function checkFinite(name: string, blob: TensorBlob): void {
  const i = blob.data.findIndex((x) => !Number.isFinite(x));
  if (i >= 0) {
    throw new RecurError(
      'NONFINITE',
      `serializeCheckpoint: parameter '${name}' holds ${blob.data[i]} (element ${i} of ${formatShape(blob.shape)}); a checkpoint of non-finite weights is never written`,
    );
  }
}

/**
 * Encodes a checkpoint as the bytes of one file (see `checkpoint-format.ts` for the layout).
 * Reads every tensor back once; runs in browsers and Node. Weights holding NaN or ±Infinity are
 * refused with `RecurError('NONFINITE')` naming the parameter: such a checkpoint could only
 * resume a diverged run.
 */
export function serializeCheckpoint(checkpoint: Checkpoint): Uint8Array {
  const blobs: Record<string, TensorBlob> = {};
  const refs = (
    prefix: string,
    tensors: Record<string, Tensor> | undefined,
    finite = false,
  ): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const [name, t] of Object.entries(tensors ?? {})) {
      const key = `${prefix}${Object.keys(blobs).length}`;
      const blob = blobOf(t);
      if (finite) checkFinite(name, blob);
      blobs[key] = blob;
      out[name] = key;
    }
    return out;
  };
  const parameters = refs('p', checkpoint.parameters, true);
  const optimizer = checkpoint.optimizer
    ? {
        type: checkpoint.optimizer.type,
        hyperParams: checkpoint.optimizer.hyperParams,
        step: checkpoint.optimizer.step,
        paramSteps: checkpoint.optimizer.paramSteps,
        slots: Object.fromEntries(
          Object.entries(checkpoint.optimizer.slots).map(([name, slots]) => [
            name,
            refs('o', slots),
          ]),
        ),
      }
    : null;
  const header = {
    format: FORMAT,
    step: checkpoint.step,
    epoch: checkpoint.epoch ?? null,
    config: checkpoint.config ?? null,
    vocabulary: checkpoint.vocabulary ?? null,
    rng: checkpoint.rng ?? null,
    parameters,
    optimizer,
    scheduler: checkpoint.scheduler ?? null,
    extraTensors: refs('t', checkpoint.tensors),
    metadata: checkpoint.metadata ?? null,
  };
  return encodeCheckpointFile(header, blobs);
}

/**
 * Decodes and verifies checkpoint bytes and creates its tensors on the active backend. Nothing in
 * the header is trusted: every field is checked as the code it feeds would check it (see
 * `checkCheckpoint`: steps, RNG states, the optimizer's type and hyper-parameters, slot shapes,
 * the scheduler state, metadata), and any problem throws `RecurError('FORMAT')` naming `source`
 * and the field, with nothing left allocated. The caller owns the tensors: pass them to
 * `loadStateDict`/`assign` or `trainer.restore`, then `dispose(checkpoint)`.
 */
export function deserializeCheckpoint(bytes: Uint8Array, source = 'checkpoint'): Checkpoint {
  const { header, tensors } = decodeCheckpointFile(bytes, source);
  const op = `loadCheckpoint: ${source}`;
  const created: Tensor[] = [];
  const load = (refs: unknown, what: string): Record<string, Tensor> => {
    const out: Record<string, Tensor> = {};
    if (refs === null || refs === undefined) return out;
    for (const [name, key] of checkRecord(op, what, refs)) {
      if (typeof key !== 'string' || !Object.hasOwn(tensors, key)) {
        throw new RecurError(
          'FORMAT',
          `${op}: ${what} '${name}' refers to a tensor ${JSON.stringify(key)} the file does not hold`,
        );
      }
      const blob = tensors[key]!;
      const t = tensor(blob.data, blob.shape, blob.dtype);
      created.push(t);
      out[name] = t;
    }
    return out;
  };
  const present = (value: unknown): boolean => value !== null && value !== undefined;
  try {
    if (header.format !== FORMAT) {
      throw new RecurError(
        'FORMAT',
        `${op}: header format is ${JSON.stringify(header.format)}, expected "${FORMAT}"`,
      );
    }
    const checkpoint: Checkpoint = {
      step: header.step as number,
      parameters: load(header.parameters, 'parameters'),
    };
    if (present(header.epoch)) checkpoint.epoch = header.epoch as number;
    if (present(header.config)) checkpoint.config = header.config;
    if (present(header.vocabulary)) checkpoint.vocabulary = header.vocabulary;
    if (present(header.rng)) checkpoint.rng = header.rng as Record<string, RngState>;
    if (present(header.scheduler)) checkpoint.scheduler = header.scheduler as SchedulerState;
    if (present(header.metadata)) checkpoint.metadata = header.metadata as Record<string, unknown>;
    const extra = load(header.extraTensors, 'tensors');
    if (Object.keys(extra).length > 0) checkpoint.tensors = extra;
    if (present(header.optimizer)) {
      const o = checkKeys(op, 'optimizer', header.optimizer, [
        'type',
        'hyperParams',
        'step',
        'paramSteps',
        'slots',
      ]);
      const slots: Record<string, Record<string, Tensor>> = {};
      for (const [name, s] of checkRecord(op, 'optimizer.slots', o.slots))
        slots[name] = load(s, `optimizer.slots['${name}']`);
      checkpoint.optimizer = {
        type: o.type as string,
        hyperParams: o.hyperParams as HyperParams,
        step: o.step as number,
        paramSteps: o.paramSteps as Record<string, number>,
        slots,
      };
    }
    checkCheckpoint(op, checkpoint, { knownOptimizer: true });
    return checkpoint;
  } catch (error) {
    for (const t of created) t.dispose();
    if (error instanceof RecurError && error.code !== 'FORMAT')
      throw new RecurError('FORMAT', error.message);
    throw error;
  }
}
