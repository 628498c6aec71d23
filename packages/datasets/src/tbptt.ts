import { checkInteger, DatasetError } from './errors.js';
import { randomInt, SeededRng, type SeededRngState } from './random.js';

/**
 * A long token sequence read a window at a time: an `Int32Array` in memory
 * ({@link tokenSourceOf}), or ids decoded lazily from a file (`TextFileCorpus.tokens` of
 * `@recur/datasets/node`), so a corpus larger than memory can be streamed.
 */
export interface TokenSource {
  /** Number of tokens. */
  readonly length: number;
  /** Tokens `from` … `to - 1` (0 ≤ from ≤ to ≤ length); the result may be a view, read it before the next call. */
  read(from: number, to: number): Int32Array;
}

/** An in-memory id sequence as a {@link TokenSource} (windows are views, no copies). */
export function tokenSourceOf(ids: Int32Array): TokenSource {
  return { length: ids.length, read: (from, to) => ids.subarray(from, to) };
}

/** Options of {@link TbpttStream}. */
export interface TbpttOptions {
  /** B: number of parallel streams (rows of every batch). */
  batchSize: number;
  /** T: steps per chunk (columns of every batch); gradients are truncated at chunk borders. */
  steps: number;
  /**
   * Start each epoch at a random offset in [0, T) (seeded), so chunk borders move between epochs.
   * Default false: every epoch is cut the same way.
   */
  randomOffset?: boolean;
  /** Seed of the offsets. Default 0. */
  seed?: number;
  /**
   * `'drop'` (default) leaves out the last, shorter chunk of each stream; `'keep'` yields it as a
   * final batch with fewer steps (use it to evaluate on every token).
   */
  remainder?: 'drop' | 'keep';
}

/**
 * One TBPTT batch. `inputs[b * T + t]` is token t of stream b and `targets[b * T + t]` the token
 * after it. Row b of batch k+1 continues row b of batch k, so a model carries its state across
 * batches of one epoch and resets it where `resetState` is true.
 */
export interface TbpttBatch {
  inputs: Int32Array;
  targets: Int32Array;
  /** `[B, T]` (T is smaller for a kept remainder). */
  shape: [number, number];
  epoch: number;
  /** Index of the batch within its epoch. */
  index: number;
  /** True on the first batch of an epoch: start from a fresh state. */
  resetState: boolean;
  /** True on the last batch of an epoch. */
  lastInEpoch: boolean;
}

/** Where a {@link TbpttStream} stands; JSON-safe, for checkpoints. */
export interface TbpttState {
  epoch: number;
  batch: number;
  offset: number;
  rng: SeededRngState;
}

/**
 * A long token sequence (e.g. a whole book, as ids) cut into B parallel streams, each read in
 * chunks of T steps — the batching of truncated backpropagation through time (char-rnn,
 * PyTorch's word_language_model). With N tokens and offset o, each stream holds
 * L = ⌊(N − o − 1) / B⌋ inputs: stream b reads tokens o + b·L … o + b·L + L − 1 and predicts the
 * token after each. An epoch is ⌊L / T⌋ batches (⌈L / T⌉ when the remainder is kept).
 */
export class TbpttStream {
  readonly batchSize: number;
  readonly steps: number;
  readonly randomOffset: boolean;
  readonly remainder: 'drop' | 'keep';
  readonly #ids: TokenSource;
  readonly #rng: SeededRng;
  #epoch = 0;
  #batch = 0;
  #offset = 0;

  /** `ids`: the tokens in memory, or any {@link TokenSource} (e.g. a file read lazily). */
  constructor(ids: Int32Array | TokenSource, options: TbpttOptions) {
    checkInteger('TbpttStream', 'batchSize', options.batchSize, 1);
    checkInteger('TbpttStream', 'steps', options.steps, 1);
    this.batchSize = options.batchSize;
    this.steps = options.steps;
    this.randomOffset = options.randomOffset ?? false;
    this.remainder = options.remainder ?? 'drop';
    this.#ids = ids instanceof Int32Array ? tokenSourceOf(ids) : ids;
    this.#rng = new SeededRng(options.seed ?? 0);
    const worstOffset = this.randomOffset ? this.steps - 1 : 0;
    const shortest = this.#batchesFor(worstOffset);
    if (shortest < 1) {
      const need = this.batchSize * (this.remainder === 'drop' ? this.steps : 1) + worstOffset + 1;
      throw new DatasetError(
        'ARGUMENT',
        `TbpttStream: ${ids.length} tokens are too few for batchSize ${this.batchSize} × steps ${this.steps}; need at least ${need}`,
      );
    }
    this.#offset = this.#drawOffset();
  }

  #streamLength(offset: number): number {
    return Math.max(0, Math.floor((this.#ids.length - offset - 1) / this.batchSize));
  }

  #batchesFor(offset: number): number {
    const length = this.#streamLength(offset);
    return this.remainder === 'drop'
      ? Math.floor(length / this.steps)
      : Math.ceil(length / this.steps);
  }

  #drawOffset(): number {
    return this.randomOffset ? randomInt(this.#rng, this.steps) : 0;
  }

  /** Batches in the current epoch. */
  get batchesPerEpoch(): number {
    return this.#batchesFor(this.#offset);
  }

  /** Inputs per stream in the current epoch (L). */
  get streamLength(): number {
    return this.#streamLength(this.#offset);
  }

  /** The next batch; after the last batch of an epoch, the first of the next. */
  next(): TbpttBatch {
    if (this.#batch >= this.batchesPerEpoch) {
      this.#epoch++;
      this.#batch = 0;
      this.#offset = this.#drawOffset();
    }
    const index = this.#batch++;
    const count = this.batchesPerEpoch;
    const length = this.streamLength;
    const start = index * this.steps;
    const steps = Math.min(this.steps, length - start);
    const rows = this.batchSize;
    const inputs = new Int32Array(rows * steps);
    const targets = new Int32Array(rows * steps);
    for (let b = 0; b < rows; b++) {
      const from = this.#offset + b * length + start;
      const window = this.#ids.read(from, from + steps + 1);
      inputs.set(window.subarray(0, steps), b * steps);
      targets.set(window.subarray(1, steps + 1), b * steps);
    }
    return {
      inputs,
      targets,
      shape: [rows, steps],
      epoch: this.#epoch,
      index,
      resetState: index === 0,
      lastInEpoch: index === count - 1,
    };
  }

  /**
   * The rest of the current epoch's batches (all of them when called at an epoch border). Use
   * `for (const batch of stream.epochIterator())` once per epoch.
   */
  *epochIterator(): Generator<TbpttBatch> {
    let batch: TbpttBatch;
    do {
      batch = this.next();
      yield batch;
    } while (!batch.lastInEpoch);
  }

  /** A copy of the position, for checkpoints. */
  getState(): TbpttState {
    return {
      epoch: this.#epoch,
      batch: this.#batch,
      offset: this.#offset,
      rng: this.#rng.getState(),
    };
  }

  /** Resumes from {@link TbpttStream.getState}: the next batch is the one that would have come. */
  setState(state: TbpttState): void {
    const maxOffset = this.randomOffset ? this.steps - 1 : 0;
    if (!Number.isInteger(state.offset) || state.offset < 0 || state.offset > maxOffset) {
      throw new DatasetError(
        'ARGUMENT',
        `TbpttStream.setState: offset must be an integer in [0, ${maxOffset}]; got ${state.offset}`,
      );
    }
    this.#rng.setState(state.rng);
    this.#epoch = state.epoch;
    this.#offset = state.offset;
    this.#batch = state.batch;
  }
}
