import { checkInteger, DatasetError } from '../errors.js';
import { type RandomOptions, type RandomSource, randomInt, resolveRng } from '../random.js';

/** The 7 symbols of the Reber grammar, in id order. */
export const REBER_SYMBOLS: readonly string[] = ['B', 'T', 'P', 'S', 'X', 'V', 'E'];

/**
 * The Reber grammar as a state machine: state → [symbol, next state][]. State 0 expects B,
 * state 6 expects E, -1 is the end. Each branch is taken with probability 1/2.
 */
const REBER: Record<number, [string, number][]> = {
  0: [['B', 1]],
  1: [
    ['T', 2],
    ['P', 3],
  ],
  2: [
    ['S', 2],
    ['X', 4],
  ],
  3: [
    ['T', 3],
    ['V', 5],
  ],
  4: [
    ['X', 3],
    ['S', 6],
  ],
  5: [
    ['P', 4],
    ['V', 6],
  ],
  6: [['E', -1]],
};

/** A random string of the (plain) Reber grammar, e.g. `BTSSXXTVVE`. */
export function reberString(rng: RandomSource): string {
  let state = 0;
  let out = '';
  while (state !== -1) {
    const edges = REBER[state]!;
    const [symbol, next] = edges[edges.length === 1 ? 0 : randomInt(rng, edges.length)]!;
    out += symbol;
    state = next;
  }
  return out;
}

/**
 * A random string of the embedded Reber grammar: B, then T or P, a Reber string, the same T or
 * P again, E — e.g. `BTBPVVETE`. Predicting the second-to-last symbol needs the second symbol,
 * remembered across the whole inner string.
 */
export function embeddedReberString(rng: RandomSource): string {
  const branch = randomInt(rng, 2) === 0 ? 'T' : 'P';
  return `B${branch}${reberString(rng)}${branch}E`;
}

/**
 * The valid next symbols after each prefix of `text`: element i lists the symbols that may follow
 * `text[0..i]`, for i = 0 … length − 2 (what a next-symbol predictor is scored on). Throws
 * `FORMAT` naming the position when `text` is not in the grammar.
 */
export function reberValidNext(text: string, options: { embedded?: boolean } = {}): string[][] {
  const embedded = options.embedded ?? true;
  const fail = (i: number, expected: string[]): never => {
    throw new DatasetError(
      'FORMAT',
      `reberValidNext: ${JSON.stringify(text)} is not ${embedded ? 'an embedded ' : 'a '}Reber string: at index ${i} expected ${expected.join(' or ')}, found ${JSON.stringify(text[i] ?? '(end)')}`,
    );
  };
  const valid: string[][] = [];
  let i = 0;
  let branch = '';
  const expect = (symbols: string[]) => {
    if (!symbols.includes(text[i] ?? '')) fail(i, symbols);
    i++;
  };
  if (embedded) {
    expect(['B']);
    valid.push(['T', 'P']);
    branch = text[i] ?? '';
    expect(['T', 'P']);
    valid.push(['B']);
  }
  let state = 0;
  while (state !== -1) {
    const edges = REBER[state]!;
    const symbols = edges.map(([s]) => s);
    const edge = edges.find(([s]) => s === text[i]);
    if (!edge) fail(i, symbols);
    i++;
    state = edge![1];
    if (state !== -1) valid.push(REBER[state]!.map(([s]) => s));
  }
  if (embedded) {
    valid.push([branch]);
    expect([branch]);
    valid.push(['E']);
    expect(['E']);
  }
  if (i !== text.length) fail(i, ['(end)']);
  return valid;
}

/**
 * Hochreiter & Schmidhuber's success criterion for one string: at every step the valid next
 * symbols are the most active outputs — every valid symbol scores higher than every invalid one.
 * `scores` is `[steps, 7]` (step-major, columns in {@link REBER_SYMBOLS} order) for the inputs
 * `text[0..length − 2]`.
 */
export function reberPredictionCorrect(
  scores: ArrayLike<number>,
  text: string,
  options: { embedded?: boolean } = {},
): boolean {
  const valid = reberValidNext(text, options);
  const width = REBER_SYMBOLS.length;
  if (scores.length < valid.length * width) {
    throw new DatasetError(
      'ARGUMENT',
      `reberPredictionCorrect: scores has ${scores.length} values; need ${valid.length} steps × ${width}`,
    );
  }
  return valid.every((symbols, t) => {
    let lowestValid = Number.POSITIVE_INFINITY;
    let highestInvalid = Number.NEGATIVE_INFINITY;
    REBER_SYMBOLS.forEach((symbol, k) => {
      const score = scores[t * width + k]!;
      if (symbols.includes(symbol)) lowestValid = Math.min(lowestValid, score);
      else highestInvalid = Math.max(highestInvalid, score);
    });
    return lowestValid > highestInvalid;
  });
}

/** Options of {@link reberData}. */
export interface ReberOptions extends RandomOptions {
  /** Number of strings (N); Hochreiter & Schmidhuber use 256 for training and 256 for testing. */
  count: number;
  /** Embedded grammar (default) or the plain one. */
  embedded?: boolean;
}

/**
 * Reber strings for next-symbol prediction, batch-first and padded (with id 0 — read `mask`):
 * `inputs` are each string without its last symbol, `targets` without its first (ids in
 * {@link REBER_SYMBOLS} order), and
 * `validNext[(n·T + t)·7 + k]` is 1 when symbol k may follow step t.
 */
export interface ReberData {
  strings: string[];
  inputs: Int32Array;
  targets: Int32Array;
  validNext: Float32Array;
  mask: Float32Array;
  lengths: Int32Array;
  /** `[N, T]`; `validNext` is `[N, T, 7]`. */
  shape: [number, number];
}

/**
 * A data set of (embedded) Reber strings. Baseline: a predictor without memory of the second
 * symbol gets the second-to-last step right for only half the embedded strings, so solves ≈ 50 %.
 */
export function reberData(options: ReberOptions): ReberData {
  checkInteger('reberData', 'count', options.count, 1);
  const embedded = options.embedded ?? true;
  const rng = resolveRng(options);
  const strings = Array.from({ length: options.count }, () =>
    embedded ? embeddedReberString(rng) : reberString(rng),
  );
  const steps = strings.reduce((m, s) => Math.max(m, s.length - 1), 0);
  const width = REBER_SYMBOLS.length;
  const N = strings.length;
  const inputs = new Int32Array(N * steps);
  const targets = new Int32Array(N * steps);
  const validNext = new Float32Array(N * steps * width);
  const mask = new Float32Array(N * steps);
  const lengths = new Int32Array(N);
  strings.forEach((text, n) => {
    const valid = reberValidNext(text, { embedded });
    lengths[n] = text.length - 1;
    for (let t = 0; t < text.length - 1; t++) {
      inputs[n * steps + t] = REBER_SYMBOLS.indexOf(text[t]!);
      targets[n * steps + t] = REBER_SYMBOLS.indexOf(text[t + 1]!);
      mask[n * steps + t] = 1;
      for (const symbol of valid[t]!)
        validNext[(n * steps + t) * width + REBER_SYMBOLS.indexOf(symbol)] = 1;
    }
  });
  return { strings, inputs, targets, validNext, mask, lengths, shape: [N, steps] };
}
