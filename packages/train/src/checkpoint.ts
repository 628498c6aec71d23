import { RecurError, type RngState, type Tensor, tensor } from '@recur/tensor';
import {
  decodeCheckpointFile,
  encodeCheckpointFile,
  type TensorBlob,
} from './checkpoint-format.js';
import type { HyperParams, OptimizerState } from './optimizers/optimizer.js';
import type { SchedulerState } from './schedules.js';

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

/**
 * Encodes a checkpoint as the bytes of one file (see `checkpoint-format.ts` for the layout).
 * Reads every tensor back once; runs in browsers and Node.
 */
export function serializeCheckpoint(checkpoint: Checkpoint): Uint8Array {
  const blobs: Record<string, TensorBlob> = {};
  const refs = (
    prefix: string,
    tensors: Record<string, Tensor> | undefined,
  ): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const [name, t] of Object.entries(tensors ?? {})) {
      const key = `${prefix}${Object.keys(blobs).length}`;
      blobs[key] = blobOf(t);
      out[name] = key;
    }
    return out;
  };
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
    parameters: refs('p', checkpoint.parameters),
    optimizer,
    scheduler: checkpoint.scheduler ?? null,
    extraTensors: refs('t', checkpoint.tensors),
    metadata: checkpoint.metadata ?? null,
  };
  return encodeCheckpointFile(header, blobs);
}

/**
 * Decodes and verifies checkpoint bytes (`RecurError('FORMAT')` naming `source` on any
 * problem) and creates its tensors on the active backend. The caller owns them: pass them to
 * `loadStateDict`/`assign`, then `dispose(checkpoint)`.
 */
export function deserializeCheckpoint(bytes: Uint8Array, source = 'checkpoint'): Checkpoint {
  const { header, tensors } = decodeCheckpointFile(bytes, source);
  const fail = (what: string): never => {
    throw new RecurError('FORMAT', `loadCheckpoint: ${source}: ${what}`);
  };
  if (header.format !== FORMAT)
    fail(`header format is ${JSON.stringify(header.format)}, expected "${FORMAT}"`);
  const created: Tensor[] = [];
  const load = (refs: unknown, what: string): Record<string, Tensor> => {
    const out: Record<string, Tensor> = {};
    if (refs === null || refs === undefined) return out;
    if (typeof refs !== 'object') fail(`${what} is not an object`);
    for (const [name, key] of Object.entries(refs as Record<string, unknown>)) {
      const blob = typeof key === 'string' ? tensors[key] : undefined;
      if (!blob)
        fail(`${what} '${name}' refers to a tensor ${JSON.stringify(key)} the file does not hold`);
      const t = tensor(blob!.data, blob!.shape, blob!.dtype);
      created.push(t);
      out[name] = t;
    }
    return out;
  };
  try {
    if (typeof header.step !== 'number') fail('the header has no step');
    const checkpoint: Checkpoint = {
      step: header.step as number,
      parameters: load(header.parameters, 'parameter'),
    };
    if (typeof header.epoch === 'number') checkpoint.epoch = header.epoch;
    if (header.config !== null) checkpoint.config = header.config;
    if (header.vocabulary !== null) checkpoint.vocabulary = header.vocabulary;
    if (header.rng !== null) checkpoint.rng = header.rng as Record<string, RngState>;
    if (header.scheduler !== null) checkpoint.scheduler = header.scheduler as SchedulerState;
    if (header.metadata !== null) checkpoint.metadata = header.metadata as Record<string, unknown>;
    const extra = load(header.extraTensors, 'tensor');
    if (Object.keys(extra).length > 0) checkpoint.tensors = extra;
    const o = header.optimizer as
      | (Omit<OptimizerState, 'slots'> & { slots: Record<string, Record<string, string>> })
      | null;
    if (o) {
      const slots: Record<string, Record<string, Tensor>> = {};
      for (const [name, s] of Object.entries(o.slots ?? {}))
        slots[name] = load(s, `optimizer slot of '${name}'`);
      checkpoint.optimizer = {
        type: String(o.type),
        hyperParams: o.hyperParams as HyperParams,
        step: Number(o.step),
        paramSteps: o.paramSteps ?? {},
        slots,
      };
    }
    return checkpoint;
  } catch (error) {
    for (const t of created) t.dispose();
    throw error;
  }
}
