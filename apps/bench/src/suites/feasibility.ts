/**
 * Predicts how long one call of a case will take from an earlier, smaller case of the same kind
 * (same library, backend, variant, cell and mode), assuming time proportional to flops. Used to
 * report a case as infeasible rather than spend minutes on it.
 */
export class Feasibility {
  readonly #secondsPerFlop = new Map<string, number>();

  /** Records that `flops` of work took `seconds` (the median of a case). */
  record(key: string, flops: number, seconds: number): void {
    if (flops > 0 && seconds > 0) this.#secondsPerFlop.set(key, seconds / flops);
  }

  /** Estimated seconds for `flops` of work, or null when nothing of this kind ran yet. */
  estimate(key: string, flops: number): number | null {
    const rate = this.#secondsPerFlop.get(key);
    return rate === undefined ? null : rate * flops;
  }
}
