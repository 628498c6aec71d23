import { checkInteger, DatasetError } from '../errors.js';
import { type RandomOptions, randomInt, randomIntBetween, resolveRng } from '../random.js';

/** Always predicting 1 on the Le et al. variant: MSE = Var(U₁ + U₂) = 2 · 1/12 = 1/6. */
export const ADDING_LE_BASELINE_MSE = 1 / 6;

/**
 * Always predicting 0.5 on the Hochreiter variant: MSE = Var((X₁ + X₂)/4) = (2 · 1/3)/16 = 1/24
 * ≈ 0.042 (≈ 0.039 in practice, since a marked first step, 1 time in 10, has its value zeroed),
 * and |error| < 0.04 on only P(|X₁ + X₂| < 0.16) ≈ 15.4 % of sequences.
 */
export const ADDING_HOCHREITER_BASELINE_MSE = 1 / 24;

/** Fraction of Hochreiter sequences the constant 0.5 gets within 0.04: (2·0.16 − 0.16²)/2. */
export const ADDING_HOCHREITER_BASELINE_ACCURACY = (2 * 0.16 - 0.16 ** 2) / 2;

/** Options of {@link addingProblem}. */
export interface AddingOptions extends RandomOptions {
  /** Number of sequences (N). */
  count: number;
  /** Sequence length T (the minimum length in the Hochreiter variant). */
  length: number;
  /** `'le'` (default) or `'hochreiter'`; see {@link addingProblem}. */
  variant?: 'le' | 'hochreiter';
}

/**
 * Sequences of the adding problem, batch-first: `inputs[(n·T + t)·2 + 0]` is the value at step t,
 * `inputs[(n·T + t)·2 + 1]` the marker. Many-to-one: the target is read at step `lengths[n] − 1`.
 */
export interface AddingData {
  inputs: Float32Array;
  targets: Float32Array;
  /** 1 on real steps, 0 on padding (Hochreiter sequences differ in length). */
  mask: Float32Array;
  lengths: Int32Array;
  /** `[N, T, 2]` and `[N, 1]` (T is the longest length). */
  inputShape: [number, number, number];
  targetShape: [number, number];
}

/**
 * The adding problem, a test of long-range memory.
 *
 * - `'le'` (Le, Jaitly & Hinton 2015): T steps of (value ~ U[0, 1], marker); the marker is 1 at
 *   one step of the first half and one of the second half, 0 elsewhere; the target is the sum of
 *   the two marked values. Baseline: {@link ADDING_LE_BASELINE_MSE}.
 * - `'hochreiter'` (Hochreiter & Schmidhuber 1997, experiment 4): length uniform in
 *   [T, T + ⌊T/10⌋]; values ~ U[−1, 1]; one of the first 10 steps is marked (X₁), then one of
 *   the first T/2 − 1 still unmarked steps (X₂); the markers of the first and last steps are
 *   −1 unless marked, all others 0; a marked first step has its value set to 0. The target is
 *   0.5 + (X₁ + X₂)/4; a sequence counts as solved when |error| < 0.04. For T < 22 the windows
 *   shrink to fit (first ⌊T/2⌋ − 1 steps). Baseline: {@link ADDING_HOCHREITER_BASELINE_MSE}.
 */
export function addingProblem(options: AddingOptions): AddingData {
  const { count, length, variant = 'le' } = options;
  checkInteger('addingProblem', 'count', count, 1);
  checkInteger('addingProblem', 'length', length, variant === 'le' ? 2 : 6);
  if (variant !== 'le' && variant !== 'hochreiter') {
    throw new DatasetError(
      'ARGUMENT',
      `addingProblem: variant must be 'le' or 'hochreiter'; got ${String(variant)}`,
    );
  }
  const rng = resolveRng(options);
  const maxLength = variant === 'le' ? length : length + Math.floor(length / 10);
  const inputs = new Float32Array(count * maxLength * 2);
  const targets = new Float32Array(count);
  const mask = new Float32Array(count * maxLength);
  const lengths = new Int32Array(count);
  for (let n = 0; n < count; n++) {
    const base = n * maxLength;
    const steps = variant === 'le' ? length : randomIntBetween(rng, length, maxLength);
    lengths[n] = steps;
    mask.fill(1, base, base + steps);
    if (variant === 'le') {
      for (let t = 0; t < steps; t++) inputs[(base + t) * 2] = rng.next();
      const half = Math.floor(steps / 2);
      const first = randomInt(rng, half);
      const second = half + randomInt(rng, steps - half);
      inputs[(base + first) * 2 + 1] = 1;
      inputs[(base + second) * 2 + 1] = 1;
      targets[n] = inputs[(base + first) * 2]! + inputs[(base + second) * 2]!;
    } else {
      for (let t = 0; t < steps; t++) inputs[(base + t) * 2] = 2 * rng.next() - 1;
      const window = Math.max(2, Math.floor(length / 2) - 1);
      const first = randomInt(rng, Math.min(10, window));
      let second = randomInt(rng, window - 1);
      if (second >= first) second++;
      inputs[base * 2 + 1] = -1;
      inputs[(base + steps - 1) * 2 + 1] = -1;
      for (const t of [first, second]) {
        inputs[(base + t) * 2 + 1] = 1;
        if (t === 0) inputs[base * 2] = 0;
      }
      targets[n] = 0.5 + (inputs[(base + first) * 2]! + inputs[(base + second) * 2]!) / 4;
    }
  }
  return {
    inputs,
    targets,
    mask,
    lengths,
    inputShape: [count, maxLength, 2],
    targetShape: [count, 1],
  };
}

/** Fraction of predictions within `tolerance` of their target (Hochreiter's criterion: 0.04). */
export function addingAccuracy(
  predictions: ArrayLike<number>,
  targets: ArrayLike<number>,
  tolerance = 0.04,
): number {
  if (predictions.length !== targets.length || targets.length === 0) {
    throw new DatasetError(
      'ARGUMENT',
      `addingAccuracy: predictions has ${predictions.length} values and targets ${targets.length}; they must match and be non-empty`,
    );
  }
  let correct = 0;
  for (let i = 0; i < targets.length; i++) {
    if (Math.abs(predictions[i]! - targets[i]!) < tolerance) correct++;
  }
  return correct / targets.length;
}
