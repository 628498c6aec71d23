import {
  add,
  expandDims,
  matmul,
  parameter,
  reshape,
  softmax,
  squeeze,
  tanh,
  type Variable,
  where,
} from '@recur/autograd';
import { eye, formatShape, RecurError, type Rng, type Tensor } from '@recur/tensor';
import { glorotWeight } from './layers.js';

/**
 * How a query is scored against each encoder position (`q` the decoder state `[B, Q]`, `k_s`
 * the encoder output at source position s):
 *
 * - `dot` (Luong): `score_s = k_s · q` (needs keys and queries of one width);
 * - `general` (Luong): `score_s = k_s W_a · q`;
 * - `additive` (Bahdanau): `score_s = v · tanh(k_s W_k + q W_q)`.
 *
 * Then `α = softmax(score)` over the source positions (padding masked out) and the context is
 * `Σ_s α_s k_s`.
 */
export type AttentionScore = 'dot' | 'general' | 'additive';

/**
 * Lifts a query `[B, Q]` to `[B, 1, Q]` so every op below handles one query per row and a
 * whole sequence of queries `[B, Tq, Q]` (teacher-forced decoding) the same way.
 */
function asQuerySequence(
  op: string,
  query: Variable | Tensor,
  batch: number,
  width: number,
): Variable | Tensor {
  const q = query.shape;
  const ok = (q.length === 2 || q.length === 3) && q[0] === batch && q[q.length - 1] === width;
  if (!ok) {
    throw new RecurError(
      'SHAPE',
      `${op}: query must be [${batch}, ${width}] or [${batch}, steps, ${width}] (batch and width of the keys), got ${formatShape(q)}`,
    );
  }
  return q.length === 2 ? expandDims(query, 1) : query;
}

/** Drops the query-steps axis again when the query was `[B, Q]`. */
function likeQuery(query: Variable | Tensor, y: Variable): Variable {
  return query.shape.length === 2 ? squeeze(y, 1) : y;
}

function checkKeys(op: string, keys: Variable | Tensor): [number, number, number] {
  if (keys.shape.length !== 3) {
    throw new RecurError(
      'SHAPE',
      `${op}: keys must be [batch, source, width], got ${formatShape(keys.shape)}`,
    );
  }
  return keys.shape as [number, number, number];
}

/**
 * `score_s = k_s · q`: `keys [B, S, D]` and `query [B, D]` → `[B, S]`, or `query [B, Tq, D]`
 * → `[B, Tq, S]` (one batched product for every query step).
 */
export function dotScores(query: Variable | Tensor, keys: Variable | Tensor): Variable {
  const [B, , D] = checkKeys('dotScores', keys);
  const q = asQuerySequence('dotScores', query, B, D);
  return likeQuery(query, matmul(q, keys, { transposeB: true }));
}

/**
 * `score_s = v · tanh(projectedKeys_s + projectedQuery)`: keys `[B, S, A]`, query `[B, A]` or
 * `[B, Tq, A]`, `v [A]` → `[B, S]` or `[B, Tq, S]`.
 */
export function additiveScores(
  projectedQuery: Variable | Tensor,
  projectedKeys: Variable | Tensor,
  v: Variable | Tensor,
): Variable {
  const [B, S, A] = checkKeys('additiveScores', projectedKeys);
  if (v.shape.length !== 1 || v.shape[0] !== A) {
    throw new RecurError(
      'SHAPE',
      `additiveScores: v must be [${A}] (the keys' width), got ${formatShape(v.shape)}`,
    );
  }
  const q = asQuerySequence('additiveScores', projectedQuery, B, A);
  const Tq = q.shape[1]!;
  // [B, Tq, 1, A] + [B, 1, S, A] → [B, Tq, S, A]
  const hidden = tanh(add(expandDims(q, 2), expandDims(projectedKeys, 1)));
  const scores = reshape(matmul(reshape(hidden, [B * Tq * S, A]), reshape(v, [A, 1])), [B, Tq, S]);
  return likeQuery(projectedQuery, scores);
}

/**
 * Softmax over the last axis (the source positions) of `scores` (`[B, S]` or `[B, Tq, S]`),
 * giving no weight where `mask [B, S]` is 0: those scores are replaced by −1e9 before the
 * softmax, so no gradient reaches them either.
 */
export function maskedSoftmax(scores: Variable, mask?: Tensor): Variable {
  if (mask === undefined) return softmax(scores, -1);
  const s = scores.shape;
  if (mask.shape.length !== 2 || mask.shape[0] !== s[0] || mask.shape[1] !== s[s.length - 1]) {
    throw new RecurError(
      'SHAPE',
      `maskedSoftmax: mask is ${formatShape(mask.shape)}; expected [batch, source] of scores ${formatShape(s)}`,
    );
  }
  const m = s.length === 3 ? mask.reshape([s[0]!, 1, s[2]!]) : mask;
  return softmax(where(m, scores, -1e9), -1);
}

/** `context = Σ_s α_s values_s`: weights `[B, S]` or `[B, Tq, S]`, `values [B, S, D]` → `[B, D]` or `[B, Tq, D]`. */
export function weightedSum(weights: Variable, values: Variable | Tensor): Variable {
  const [B, S] = checkKeys('weightedSum', values);
  const w = asQuerySequence('weightedSum', weights, B, S);
  return likeQuery(weights, matmul(w, values));
}

/** The encoder outputs prepared once per source batch, reused at every decoder step. */
export interface AttentionMemory {
  /** Encoder outputs `[B, S, D]`: the values averaged into the context. */
  values: Variable;
  /** What queries are scored against: the values, `values W_a` (general) or `values W_k` (additive). */
  keys: Variable;
  /** `[B, S]`, 1 for real source positions and 0 for padding. */
  mask?: Tensor;
}

/** Options of {@link Attention}. */
export interface AttentionOptions {
  score: AttentionScore;
  /** Width of the decoder state that queries. */
  querySize: number;
  /** Width of the encoder outputs. */
  valueSize: number;
  /** Hidden width of the additive score (default `querySize`). */
  attentionSize?: number;
  rng: Rng;
}

/**
 * Luong (dot, general) or Bahdanau (additive) attention as composed autograd ops: gradients
 * reach the query, the encoder outputs and the attention's own parameters. Use {@link
 * Attention.prepare} once per source batch, then {@link Attention.attend} at every step.
 */
export class Attention {
  readonly score: AttentionScore;
  readonly querySize: number;
  readonly valueSize: number;
  readonly #params: Record<string, Variable> = {};

  constructor(options: AttentionOptions) {
    this.score = options.score;
    this.querySize = options.querySize;
    this.valueSize = options.valueSize;
    const { rng } = options;
    if (options.score === 'dot') {
      if (options.querySize !== options.valueSize) {
        throw new RecurError(
          'SHAPE',
          `Attention: dot scores need querySize ${options.querySize} to equal valueSize ${options.valueSize}; use general or additive`,
        );
      }
    } else if (options.score === 'general') {
      // Identity when the widths agree, so `general` starts as `dot` and learns how to differ
      // (with a random W_a the date-translation test took twice the epochs to converge).
      const W_a =
        options.valueSize === options.querySize
          ? eye(options.valueSize)
          : glorotWeight(options.valueSize, options.querySize, rng);
      this.#params.W_a = parameter(W_a, 'W_a');
    } else if (options.score === 'additive') {
      const A = options.attentionSize ?? options.querySize;
      this.#params.W_k = parameter(glorotWeight(options.valueSize, A, rng), 'W_k');
      this.#params.W_q = parameter(glorotWeight(options.querySize, A, rng), 'W_q');
      this.#params.v = parameter(glorotWeight(A, 1, rng).reshape([A]), 'v');
    } else {
      throw new RecurError(
        'ARGUMENT',
        `Attention: score is ${String(options.score)}; expected dot, general or additive`,
      );
    }
  }

  /** The attention's parameters (`W_a`, or `W_k, W_q, v`; none for dot). */
  parameters(): Record<string, Variable> {
    return { ...this.#params };
  }

  /** Projects the encoder outputs `[B, S, valueSize]` once for all decoder steps. */
  prepare(values: Variable, mask?: Tensor): AttentionMemory {
    if (values.shape.length !== 3 || values.shape[2] !== this.valueSize) {
      throw new RecurError(
        'SHAPE',
        `Attention.prepare: values must be [batch, source, ${this.valueSize}], got ${formatShape(values.shape)}`,
      );
    }
    const [B, S] = values.shape as [number, number];
    const project = (W: Variable): Variable =>
      reshape(matmul(reshape(values, [B * S, this.valueSize]), W), [B, S, W.shape[1]!]);
    const keys = this.score === 'dot' ? values : project(this.#params.W_a ?? this.#params.W_k!);
    return mask === undefined ? { values, keys } : { values, keys, mask };
  }

  /**
   * A query `[B, querySize]` → `context [B, valueSize]` and `weights [B, S]`; or a sequence of
   * queries `[B, Tq, querySize]` → `[B, Tq, valueSize]` and `[B, Tq, S]` in one pass.
   */
  attend(query: Variable, memory: AttentionMemory): { context: Variable; weights: Variable } {
    const scores =
      this.score === 'additive'
        ? additiveScores(matmul(query, this.#params.W_q!), memory.keys, this.#params.v!)
        : dotScores(query, memory.keys);
    const weights = maskedSoftmax(scores, memory.mask);
    return { context: weightedSum(weights, memory.values), weights };
  }
}
