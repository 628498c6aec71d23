import { checkInteger, DatasetError } from '../errors.js';
import { type RandomOptions, randomInt, randomIntBetween, resolveRng } from '../random.js';

/** Symbols of the temporal-order task, in id order: E starts, B ends, a–d are noise, X/Y matter. */
export const TEMPORAL_ORDER_SYMBOLS: readonly string[] = ['E', 'B', 'a', 'b', 'c', 'd', 'X', 'Y'];

/** Options of {@link temporalOrder}. */
export interface TemporalOrderOptions extends RandomOptions {
  /** Number of sequences (N). */
  count: number;
  /** Minimum length L; lengths are uniform in [L, L + ⌊L/10⌋]. Default 100 (the paper's). */
  length?: number;
  /** 2 relevant symbols (4 classes, experiment 6a) or 3 (8 classes, 6b). Default 2. */
  relevant?: 2 | 3;
}

/** Temporal-order sequences: symbol ids `[N, T]` (padded with 0 = E beyond each length) and classes. */
export interface TemporalOrderData {
  inputs: Int32Array;
  mask: Float32Array;
  lengths: Int32Array;
  labels: Int32Array;
  shape: [number, number];
  numClasses: number;
  vocabSize: number;
}

/** Windows of the relevant positions, as fractions of L (the paper's for L = 100). */
const WINDOWS: Record<2 | 3, [number, number][]> = {
  2: [
    [0.1, 0.2],
    [0.5, 0.6],
  ],
  3: [
    [0.1, 0.2],
    [0.33, 0.43],
    [0.66, 0.76],
  ],
};

/**
 * The temporal-order task (Hochreiter & Schmidhuber 1997, experiments 6a/6b): a sequence starts
 * with E, ends with B and is otherwise random noise from {a, b, c, d}, except at 2 (or 3)
 * positions drawn from fixed windows (for L = 100: 10–20 and 50–60; or 10–20, 33–43, 66–76)
 * that hold X or Y. The class is the order of X and Y: XX → 0, XY → 1, YX → 2, YY → 3 (with three,
 * the binary number they spell, 0–7). Many-to-one: read the output at the last step. Baseline:
 * chance, accuracy 1/classes and cross-entropy ln(classes) nats.
 */
export function temporalOrder(options: TemporalOrderOptions): TemporalOrderData {
  const { count, length = 100, relevant = 2 } = options;
  checkInteger('temporalOrder', 'count', count, 1);
  checkInteger('temporalOrder', 'length', length, 10);
  if (relevant !== 2 && relevant !== 3) {
    throw new DatasetError(
      'ARGUMENT',
      `temporalOrder: relevant must be 2 or 3; got ${String(relevant)}`,
    );
  }
  const rng = resolveRng(options);
  const maxLength = length + Math.floor(length / 10);
  const inputs = new Int32Array(count * maxLength);
  const mask = new Float32Array(count * maxLength);
  const lengths = new Int32Array(count);
  const labels = new Int32Array(count);
  const X = TEMPORAL_ORDER_SYMBOLS.indexOf('X');
  for (let n = 0; n < count; n++) {
    const base = n * maxLength;
    const steps = randomIntBetween(rng, length, maxLength);
    lengths[n] = steps;
    mask.fill(1, base, base + steps);
    inputs[base] = 0;
    for (let t = 1; t < steps - 1; t++) inputs[base + t] = 2 + randomInt(rng, 4);
    inputs[base + steps - 1] = 1;
    let label = 0;
    for (const [low, high] of WINDOWS[relevant]) {
      const t = randomIntBetween(rng, Math.round(low * length), Math.round(high * length));
      const bit = randomInt(rng, 2);
      inputs[base + t] = X + bit;
      label = label * 2 + bit;
    }
    labels[n] = label;
  }
  return {
    inputs,
    mask,
    lengths,
    labels,
    shape: [count, maxLength],
    numClasses: 2 ** relevant,
    vocabSize: TEMPORAL_ORDER_SYMBOLS.length,
  };
}
