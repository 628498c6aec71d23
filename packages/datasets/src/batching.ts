import { checkInteger, DatasetError } from './errors.js';

/**
 * A batch of token sequences padded to one length, batch-first: `ids[b * T + t]` is token t of
 * sequence b, `mask[b * T + t]` is 1 where that token is real and 0 where it is padding.
 */
export interface PaddedBatch {
  ids: Int32Array;
  mask: Float32Array;
  /** Real length of each sequence (after truncation). */
  lengths: Int32Array;
  /** `[B, T]`. */
  shape: [number, number];
}

/** Options of {@link padSequences}. */
export interface PadOptions {
  /** Id written into padding. Default 0 (PAD in a {@link Vocabulary} with PAD enabled). */
  padId?: number;
  /** Pad (and truncate) to this length. Default: the longest sequence. */
  length?: number;
  /** Where the padding goes. Default `'end'`. */
  side?: 'end' | 'start';
  /** Which end is cut when a sequence is longer than `length`. Default `'end'`. */
  truncate?: 'end' | 'start';
}

/** Pads (and truncates) token sequences into one `[B, T]` batch with a mask. */
export function padSequences(
  sequences: readonly ArrayLike<number>[],
  options: PadOptions = {},
): PaddedBatch {
  const { padId = 0, side = 'end', truncate = 'end' } = options;
  const batch = sequences.length;
  const longest = sequences.reduce((m, s) => Math.max(m, s.length), 0);
  const length = options.length ?? longest;
  checkInteger('padSequences', 'length', length, 0);
  const ids = new Int32Array(batch * length).fill(padId);
  const mask = new Float32Array(batch * length);
  const lengths = new Int32Array(batch);
  for (let b = 0; b < batch; b++) {
    const seq = sequences[b]!;
    const n = Math.min(seq.length, length);
    const from = truncate === 'start' ? seq.length - n : 0;
    const to = b * length + (side === 'start' ? length - n : 0);
    for (let t = 0; t < n; t++) {
      ids[to + t] = seq[from + t]!;
      mask[to + t] = 1;
    }
    lengths[b] = n;
  }
  return { ids, mask, lengths, shape: [batch, length] };
}

/** A batch of feature sequences, batch-first `[B, T, F]`, with a `[B, T]` mask. */
export interface PaddedFeatureBatch {
  values: Float32Array;
  mask: Float32Array;
  lengths: Int32Array;
  /** `[B, T, F]`. */
  shape: [number, number, number];
}

/**
 * Pads feature sequences (each a `Float32Array` of `T_i × features` values, step-major) with
 * zeros into one `[B, T, F]` batch.
 */
export function padFeatureSequences(
  sequences: readonly Float32Array[],
  features: number,
  options: { length?: number } = {},
): PaddedFeatureBatch {
  checkInteger('padFeatureSequences', 'features', features, 1);
  const steps = sequences.map((s, b) => {
    if (s.length % features !== 0) {
      throw new DatasetError(
        'ARGUMENT',
        `padFeatureSequences: sequence ${b} has ${s.length} values, not a multiple of features=${features}`,
      );
    }
    return s.length / features;
  });
  const length = options.length ?? steps.reduce((m, n) => Math.max(m, n), 0);
  const batch = sequences.length;
  const values = new Float32Array(batch * length * features);
  const mask = new Float32Array(batch * length);
  const lengths = new Int32Array(batch);
  for (let b = 0; b < batch; b++) {
    const n = Math.min(steps[b]!, length);
    values.set(sequences[b]!.subarray(0, n * features), b * length * features);
    mask.fill(1, b * length, b * length + n);
    lengths[b] = n;
  }
  return { values, mask, lengths, shape: [batch, length, features] };
}

/**
 * An encoder–decoder batch with teacher forcing: the decoder reads `BOS y₁ … y_n` and is trained
 * to emit `y₁ … y_n EOS`; both are padded to the same length and share a mask.
 */
export interface Seq2SeqBatch {
  source: PaddedBatch;
  decoderInput: PaddedBatch;
  decoderTarget: PaddedBatch;
}

/** Options of {@link seq2seqBatch}. */
export interface Seq2SeqBatchOptions {
  padId: number;
  bosId: number;
  eosId: number;
  /** Padding side of the source. Default `'end'`. */
  sourceSide?: 'end' | 'start';
  /** Reverse each source sequence (Sutskever et al. 2014). Default false. */
  reverseSource?: boolean;
}

/** Builds a {@link Seq2SeqBatch} from (source ids, target ids) pairs without BOS/EOS. */
export function seq2seqBatch(
  pairs: readonly { source: ArrayLike<number>; target: ArrayLike<number> }[],
  options: Seq2SeqBatchOptions,
): Seq2SeqBatch {
  const { padId, bosId, eosId } = options;
  const sources = pairs.map((p) => {
    const s = Array.from(p.source);
    return options.reverseSource ? s.reverse() : s;
  });
  const inputs = pairs.map((p) => [bosId, ...Array.from(p.target)]);
  const targets = pairs.map((p) => [...Array.from(p.target), eosId]);
  return {
    source: padSequences(sources, { padId, side: options.sourceSide ?? 'end' }),
    decoderInput: padSequences(inputs, { padId }),
    decoderTarget: padSequences(targets, { padId }),
  };
}
