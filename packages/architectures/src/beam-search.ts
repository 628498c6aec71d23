import { RecurError } from '@recur/tensor';

/** What one decoding step returns to {@link beamSearch}. */
export interface BeamStep<S> {
  /**
   * Log-probabilities of the next token, row-major `[tokens.length, vocabulary]`: row `b` is the
   * distribution after feeding `tokens[b]` to hypothesis `b`.
   */
  logProbs: Float32Array;
  /** The state after the step, one row per hypothesis (same order as `tokens`). */
  state: S;
}

/** Options of {@link beamSearch}. `S` is the decoder state for a batch of hypotheses. */
export interface BeamSearchOptions<S> {
  /** The state before the first step, for a batch of one hypothesis. Never released. */
  initialState: S;
  /** Fed at the first step. */
  startToken: number;
  /** Ends a hypothesis; it is counted in the hypothesis' length but not returned in `tokens`. */
  stopToken: number;
  /** Hypotheses kept alive per step (1 = greedy). */
  beamWidth: number;
  /** The most tokens generated per hypothesis (the stop token included). */
  maxLength: number;
  /**
   * Length normalisation exponent α: a hypothesis scores `logProb / length^α`. 0 ranks by raw
   * log-probability (favours short outputs); 1 by the mean per token. Default 1.
   */
  lengthPenalty?: number;
  /** How many hypotheses to return, best first (default `beamWidth`). */
  numResults?: number;
  /** One decoder step for a batch of hypotheses. */
  step(tokens: Int32Array, state: S): BeamStep<S>;
  /** The state whose row `i` is row `rows[i]` of `state` (rows may repeat). */
  reorder(state: S, rows: Int32Array): S;
  /** Frees a state that beam search no longer needs (e.g. `dispose` for tensors). */
  release?(state: S): void;
}

/** One decoded sequence. */
export interface Hypothesis {
  /** Generated tokens, without the start token and without the stop token. */
  tokens: number[];
  /** Sum of the log-probabilities of the generated tokens (the stop token included). */
  logProb: number;
  /** `logProb / length^α`, what hypotheses are ranked by. */
  score: number;
  /** Whether the hypothesis ended with the stop token (false: it reached `maxLength`). */
  finished: boolean;
}

interface Beam {
  tokens: number[];
  logProb: number;
}

function normalised(logProb: number, length: number, alpha: number): number {
  return alpha === 0 ? logProb : logProb / Math.max(1, length) ** alpha;
}

function checkOptions<S>(options: BeamSearchOptions<S>): void {
  const fn = 'beamSearch';
  for (const key of ['beamWidth', 'maxLength'] as const) {
    const v = options[key];
    if (!Number.isInteger(v) || v < 1)
      throw new RecurError('RANGE', `${fn}: ${key} is ${v}; expected an integer >= 1`);
  }
  const alpha = options.lengthPenalty ?? 1;
  if (!Number.isFinite(alpha) || alpha < 0) {
    throw new RecurError(
      'RANGE',
      `${fn}: lengthPenalty is ${alpha}; expected a finite number >= 0`,
    );
  }
  const k = options.numResults ?? options.beamWidth;
  if (!Number.isInteger(k) || k < 1 || k > options.beamWidth) {
    throw new RecurError(
      'RANGE',
      `${fn}: numResults is ${k}; expected an integer in [1, beamWidth=${options.beamWidth}]`,
    );
  }
}

/**
 * Beam search over any step function: keeps the `beamWidth` most probable partial sequences,
 * moves a hypothesis to the finished list when it emits `stopToken`, and ranks finished ones
 * by length-normalised log-probability. All live hypotheses go through `step` together as one
 * batch, so a recurrent decoder runs one batched step per output position.
 *
 * Stops when `maxLength` tokens were generated, when no hypothesis is alive, or when
 * `beamWidth` hypotheses have finished and no live one scores better than the worst of them.
 */
export function beamSearch<S>(options: BeamSearchOptions<S>): Hypothesis[] {
  checkOptions(options);
  const { beamWidth, maxLength, stopToken } = options;
  const alpha = options.lengthPenalty ?? 1;
  const numResults = options.numResults ?? beamWidth;
  const release = (s: S): void => {
    if (s !== options.initialState) options.release?.(s);
  };

  let beams: Beam[] = [{ tokens: [], logProb: 0 }];
  let state = options.initialState;
  let inputs = Int32Array.of(options.startToken);
  const finished: Hypothesis[] = [];

  for (let t = 0; t < maxLength && beams.length > 0; t++) {
    const result = options.step(inputs, state);
    release(state);
    const vocabulary = result.logProbs.length / beams.length;
    if (!Number.isInteger(vocabulary) || vocabulary < 1) {
      release(result.state);
      throw new RecurError(
        'SHAPE',
        `beamSearch: step returned ${result.logProbs.length} log-probabilities for ${beams.length} hypotheses; expected a multiple`,
      );
    }
    // The 2·beamWidth best extensions by raw log-probability: enough that beamWidth survive
    // even if up to beamWidth of them end with the stop token.
    const candidates = topExtensions(beams, result.logProbs, vocabulary, 2 * beamWidth);
    const next: Beam[] = [];
    const rows: number[] = [];
    for (const { row, token, logProb } of candidates) {
      const parent = beams[row]!;
      if (token === stopToken) {
        const length = parent.tokens.length + 1;
        finished.push({
          tokens: parent.tokens.slice(),
          logProb,
          score: normalised(logProb, length, alpha),
          finished: true,
        });
      } else if (next.length < beamWidth) {
        next.push({ tokens: [...parent.tokens, token], logProb });
        rows.push(row);
      }
      if (next.length === beamWidth) break;
    }
    beams = next;
    if (beams.length === 0) {
      release(result.state);
      break;
    }
    const reordered = options.reorder(result.state, Int32Array.from(rows));
    if (reordered !== result.state) release(result.state);
    state = reordered;
    inputs = Int32Array.from(beams, (b) => b.tokens[b.tokens.length - 1]!);
    if (finished.length >= beamWidth) {
      finished.sort((a, b) => b.score - a.score);
      const worstKept = finished[beamWidth - 1]!.score;
      const bestAlive = Math.max(
        ...beams.map((b) => normalised(b.logProb, b.tokens.length, alpha)),
      );
      if (bestAlive < worstKept) break;
    }
  }
  release(state);
  for (const b of beams) {
    finished.push({
      tokens: b.tokens,
      logProb: b.logProb,
      score: normalised(b.logProb, b.tokens.length, alpha),
      finished: false,
    });
  }
  finished.sort((a, b) => b.score - a.score || Number(b.finished) - Number(a.finished));
  return finished.slice(0, numResults);
}

interface Extension {
  row: number;
  token: number;
  logProb: number;
}

/** The `count` best (row, token) extensions, best first (ties: lower row, then lower token). */
function topExtensions(
  beams: Beam[],
  logProbs: Float32Array,
  vocabulary: number,
  count: number,
): Extension[] {
  const best: Extension[] = [];
  for (let row = 0; row < beams.length; row++) {
    const base = beams[row]!.logProb;
    for (let token = 0; token < vocabulary; token++) {
      const lp = logProbs[row * vocabulary + token]!;
      if (Number.isNaN(lp)) {
        throw new RecurError(
          'NONFINITE',
          `beamSearch: step returned NaN for hypothesis ${row}, token ${token}`,
        );
      }
      if (lp === Number.NEGATIVE_INFINITY) continue;
      const logProb = base + lp;
      if (best.length === count && logProb <= best[count - 1]!.logProb) continue;
      let at = best.length;
      while (at > 0 && best[at - 1]!.logProb < logProb) at--;
      best.splice(at, 0, { row, token, logProb });
      if (best.length > count) best.pop();
    }
  }
  return best;
}
