import { RecurError } from './errors.js';

/**
 * The largest |normal| the generator can cache: Box–Muller's radius √(−2 ln u) at the smallest
 * non-zero uniform, u = 2⁻³².
 */
const MAX_SPARE = Math.sqrt(-2 * Math.log(2 ** -32));

/**
 * A small, fast, seedable random number generator (mulberry32 for the stream, Box–Muller for
 * normals). Its whole state is one 32-bit integer plus a cached normal, so it serializes into a
 * checkpoint and a resumed run draws exactly the numbers the uninterrupted run would have.
 */
export interface RngState {
  seed: number;
  spare: number | null;
}

/**
 * The brand every Rng carries, keyed by `Symbol.for` so that it is the same symbol in every copy
 * of this package: {@link isRng} recognises generators where `instanceof` would not (a module
 * evaluated twice, a dependency bundled twice).
 */
const RNG_BRAND = Symbol.for('recur.tensor.Rng');

/**
 * Whether `value` is an {@link Rng}. Use it rather than `instanceof Rng` wherever a value crosses
 * packages: it checks the `Symbol.for('recur.tensor.Rng')` brand, not the class identity.
 */
export function isRng(value: unknown): value is Rng {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { [RNG_BRAND]?: unknown })[RNG_BRAND] === true
  );
}

export class Rng {
  static {
    Object.defineProperty(Rng.prototype, RNG_BRAND, { value: true });
  }

  #state: number;
  #spare: number | null = null;

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

  /** A uniform float in [low, high). */
  uniform(low = 0, high = 1): number {
    return low + (high - low) * this.next();
  }

  /** A normal draw with the given mean and standard deviation. */
  normal(mean = 0, std = 1): number {
    if (this.#spare !== null) {
      const z = this.#spare;
      this.#spare = null;
      return mean + std * z;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.#spare = r * Math.sin(2 * Math.PI * v);
    return mean + std * r * Math.cos(2 * Math.PI * v);
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Shuffles `items` in place (Fisher–Yates) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i]!;
      items[i] = items[j]!;
      items[j] = tmp;
    }
    return items;
  }

  /** A copy of the generator's state, for checkpoints. */
  getState(): RngState {
    return { seed: this.#state, spare: this.#spare };
  }

  /**
   * Restores a state from {@link getState}. Anything `getState` could not have returned — not
   * an object, a `seed` that is not an integer in [0, 2³² − 1], a `spare` that is neither null
   * nor a number the generator can draw (|spare| ≤ √(64 ln 2) ≈ 6.66) — throws `RecurError`
   * and leaves the generator as it was.
   */
  setState(state: RngState): void {
    const op = 'Rng.setState';
    if (state === null || typeof state !== 'object' || Array.isArray(state)) {
      throw new RecurError(
        'ARGUMENT',
        `${op}: state must be an object { seed, spare }, got ${state === null ? 'null' : Array.isArray(state) ? 'an array' : typeof state}`,
      );
    }
    const { seed, spare } = state;
    if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RecurError(
        'RANGE',
        `${op}: seed must be an integer in [0, 4294967295], got ${String(seed)}`,
      );
    }
    if (spare !== null && !(typeof spare === 'number' && Math.abs(spare) <= MAX_SPARE)) {
      throw new RecurError(
        'RANGE',
        `${op}: spare must be null or a number in [−${MAX_SPARE.toFixed(4)}, ${MAX_SPARE.toFixed(4)}] (a cached normal draw), got ${String(spare)}`,
      );
    }
    this.#state = seed;
    this.#spare = spare;
  }
}
