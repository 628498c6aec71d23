import { RecurError, type Rng } from '@recur/tensor';

/**
 * How to pick the next token from a step's logits.
 *
 * - `greedy`: the most likely token (argmax).
 * - `sample`: draw from `softmax(logits / temperature)`, optionally restricted to the `topK` most
 *   likely tokens and then to the smallest set whose probability reaches `topP` (nucleus
 *   sampling). Temperature 0 is greedy.
 */
export type DecodingStrategy =
  | { kind: 'greedy' }
  | { kind: 'sample'; temperature?: number; topK?: number; topP?: number };

/** Options of {@link sampleToken}: the `sample` strategy without its tag. */
export interface SamplingOptions {
  /** Divides the logits before the softmax; lower is more conservative (default 1; 0 = greedy). */
  temperature?: number;
  /** Keep only the k most likely tokens (default: all). */
  topK?: number;
  /** Keep the smallest set of most likely tokens whose probability sums to at least p (default 1). */
  topP?: number;
}

function checkLogits(fn: string, logits: ArrayLike<number>): void {
  if (logits.length === 0) {
    throw new RecurError('SHAPE', `${fn}: logits is empty; expected at least one token`);
  }
  for (let i = 0; i < logits.length; i++) {
    const v = logits[i]!;
    if (Number.isNaN(v) || v === Number.POSITIVE_INFINITY) {
      throw new RecurError(
        'NONFINITE',
        `${fn}: logits[${i}] is ${v}; expected a finite number or -Infinity`,
      );
    }
  }
}

/** The index of the largest logit (the first one on ties). */
export function greedy(logits: ArrayLike<number>): number {
  checkLogits('greedy', logits);
  let best = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i]! > logits[best]!) best = i;
  if (logits[best] === Number.NEGATIVE_INFINITY) {
    throw new RecurError('RANGE', 'greedy: every logit is -Infinity; no token can be chosen');
  }
  return best;
}

/** `log softmax(logits)` as a new Float32Array (computed in float64, stable). */
export function logSoftmaxOf(logits: ArrayLike<number>): Float32Array {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < logits.length; i++) if (logits[i]! > max) max = logits[i]!;
  let total = 0;
  for (let i = 0; i < logits.length; i++) total += Math.exp(logits[i]! - max);
  const logTotal = max + Math.log(total);
  const out = new Float32Array(logits.length);
  for (let i = 0; i < logits.length; i++) out[i] = logits[i]! - logTotal;
  return out;
}

/**
 * The probabilities that {@link sampleToken} draws from (temperature, then top-k, then top-p),
 * as a Float64Array summing to 1 with zeros for excluded tokens. Exposed for tests and plots.
 */
export function samplingDistribution(
  logits: ArrayLike<number>,
  options: SamplingOptions = {},
): Float64Array {
  const fn = 'samplingDistribution';
  checkLogits(fn, logits);
  const temperature = options.temperature ?? 1;
  const topK = options.topK ?? logits.length;
  const topP = options.topP ?? 1;
  if (!(temperature >= 0) || !Number.isFinite(temperature)) {
    throw new RecurError(
      'RANGE',
      `${fn}: temperature is ${temperature}; expected a finite number >= 0`,
    );
  }
  if (!Number.isInteger(topK) || topK < 1) {
    throw new RecurError('RANGE', `${fn}: topK is ${topK}; expected an integer >= 1`);
  }
  if (!(topP > 0 && topP <= 1)) {
    throw new RecurError('RANGE', `${fn}: topP is ${topP}; expected a number in (0, 1]`);
  }
  const n = logits.length;
  const probs = new Float64Array(n);
  if (temperature === 0) {
    probs[greedy(logits)] = 1;
    return probs;
  }
  // Tokens by decreasing logit; ties keep index order so results are reproducible.
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => logits[b]! - logits[a]! || a - b,
  );
  const kept = order
    .slice(0, Math.min(topK, n))
    .filter((i) => logits[i] !== Number.NEGATIVE_INFINITY);
  if (kept.length === 0)
    throw new RecurError('RANGE', `${fn}: every logit is -Infinity; no token can be chosen`);
  const max = logits[kept[0]!]!;
  let total = 0;
  for (const i of kept) {
    probs[i] = Math.exp((logits[i]! - max) / temperature);
    total += probs[i]!;
  }
  let cumulative = 0;
  let cut = kept.length;
  for (let r = 0; r < kept.length; r++) {
    const i = kept[r]!;
    probs[i] = probs[i]! / total;
    cumulative += probs[i]!;
    if (cumulative >= topP - 1e-12) {
      cut = r + 1;
      break;
    }
  }
  let nucleus = 0;
  for (let r = 0; r < cut; r++) nucleus += probs[kept[r]!]!;
  for (let r = 0; r < kept.length; r++) {
    const i = kept[r]!;
    probs[i] = r < cut ? probs[i]! / nucleus : 0;
  }
  return probs;
}

/** Draws a token index from {@link samplingDistribution} using `rng`. */
export function sampleToken(logits: ArrayLike<number>, options: SamplingOptions, rng: Rng): number {
  const probs = samplingDistribution(logits, options);
  const u = rng.next();
  let cumulative = 0;
  let last = 0;
  for (let i = 0; i < probs.length; i++) {
    if (probs[i] === 0) continue;
    last = i;
    cumulative += probs[i]!;
    if (u < cumulative) return i;
  }
  return last; // rounding left u just above the total
}

/** Picks the next token by `strategy`; `rng` is needed (and used) only for sampling at temperature > 0. */
export function chooseToken(
  logits: ArrayLike<number>,
  strategy: DecodingStrategy,
  rng?: Rng,
): number {
  if (strategy.kind === 'greedy') return greedy(logits);
  if (strategy.kind === 'sample' && strategy.temperature === 0) return greedy(logits);
  if (strategy.kind === 'sample') {
    if (rng === undefined) {
      throw new RecurError('ARGUMENT', 'chooseToken: strategy is sample but no rng was given');
    }
    return sampleToken(logits, strategy, rng);
  }
  const kind = (strategy as { kind: unknown }).kind;
  throw new RecurError(
    'ARGUMENT',
    `chooseToken: strategy.kind is ${String(kind)}; expected greedy or sample`,
  );
}
