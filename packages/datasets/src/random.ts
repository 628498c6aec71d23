import { DatasetError } from './errors.js';

/** Anything that draws uniform floats in [0, 1): a {@link SeededRng}, or `@recur/tensor`'s `Rng`. */
export interface RandomSource {
  next(): number;
}

/** The whole state of a {@link SeededRng}: one 32-bit integer, JSON-safe. */
export interface SeededRngState {
  state: number;
}

/**
 * A small seeded random number generator (mulberry32). Its state is one 32-bit integer, so a
 * data pipeline can be checkpointed with {@link SeededRng.getState} and resumed to draw exactly
 * the numbers an uninterrupted run would have drawn. The stream is the same as `Rng` in
 * `@recur/tensor` for the same seed.
 */
export class SeededRng implements RandomSource {
  #state: number;

  constructor(seed = 0x9e3779b9) {
    this.#state = seed >>> 0;
  }

  /** A uniform float in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** A copy of the state, for checkpoints. */
  getState(): SeededRngState {
    return { state: this.#state };
  }

  /** Restores a state from {@link SeededRng.getState}. */
  setState(state: SeededRngState): void {
    if (!Number.isInteger(state?.state)) {
      throw new DatasetError(
        'ARGUMENT',
        `SeededRng.setState: state.state must be an integer; got ${String(state?.state)}`,
      );
    }
    this.#state = state.state >>> 0;
  }
}

/** Options every seeded function accepts: a `seed`, or an `rng` to draw from (it advances). */
export interface RandomOptions {
  seed?: number;
  rng?: RandomSource;
}

/** The `rng` of the options, else a new {@link SeededRng} from `seed` (default 0). */
export function resolveRng(options: RandomOptions = {}): RandomSource {
  return options.rng ?? new SeededRng(options.seed ?? 0);
}

/** A uniform integer in [0, n). */
export function randomInt(rng: RandomSource, n: number): number {
  return Math.floor(rng.next() * n);
}

/** A uniform integer in [low, high] (both inclusive). */
export function randomIntBetween(rng: RandomSource, low: number, high: number): number {
  return low + Math.floor(rng.next() * (high - low + 1));
}

/** Shuffles `items` in place (Fisher–Yates) with `rng` and returns it. */
export function shuffleInPlace<T>(items: T[], rng: RandomSource): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomInt(rng, i + 1);
    const tmp = items[i]!;
    items[i] = items[j]!;
    items[j] = tmp;
  }
  return items;
}

/** A shuffled copy of `items`; the input is left as it is. */
export function shuffled<T>(items: readonly T[], options: RandomOptions = {}): T[] {
  return shuffleInPlace(items.slice(), resolveRng(options));
}

/** The integers 0..n-1 in a seeded random order. */
export function permutation(n: number, options: RandomOptions = {}): number[] {
  return shuffleInPlace(
    Array.from({ length: n }, (_, i) => i),
    resolveRng(options),
  );
}
