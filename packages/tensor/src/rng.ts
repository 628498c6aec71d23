/**
 * A small, fast, seedable random number generator (mulberry32 for the stream, Box–Muller for
 * normals). Its whole state is one 32-bit integer plus a cached normal, so it serializes into a
 * checkpoint and a resumed run draws exactly the numbers the uninterrupted run would have.
 */
export interface RngState {
  seed: number;
  spare: number | null;
}

export class Rng {
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

  setState(state: RngState): void {
    this.#state = state.seed >>> 0;
    this.#spare = state.spare;
  }
}
