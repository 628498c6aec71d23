import { grad, type Variable } from '@recur/autograd';
import { dispose, RecurError } from '@recur/tensor';
import { normsOf } from './gradients.js';

/** What the verdict of {@link gradientFlow} says. */
export type GradientVerdict = 'vanishing' | 'exploding' | 'healthy';

/**
 * Where the verdict switches, as the factor by which the gradient changes on its way from the
 * last step T back to the first (from the exponential fit, see {@link SeriesAnalysis.change}).
 */
export interface GradientFlowThresholds {
  /** `change < vanishing` → 'vanishing'. Default 0.01: less than 1% of the gradient gets back. */
  vanishing: number;
  /** `change > exploding` (or any norm NaN/±Inf) → 'exploding'. Default 100. */
  exploding: number;
}

/** The default thresholds: two orders of magnitude either way. */
export const DEFAULT_GRADIENT_FLOW_THRESHOLDS: Readonly<GradientFlowThresholds> = Object.freeze({
  vanishing: 0.01,
  exploding: 100,
});

/** The analysis of one series of norms ‖∂L/∂s⟨t⟩‖, t = 1..T. */
export interface SeriesAnalysis {
  /** ‖∂L/∂s⟨t⟩‖ for t = 1..T (index 0 is t = 1): Frobenius norms over batch and units. */
  norms: number[];
  /** ‖∂L/∂s⟨1⟩‖ / ‖∂L/∂s⟨T⟩‖ (NaN for 0/0). */
  ratio: number;
  /**
   * The factor by which the norm changes per step going back in time (t → t−1): e^(−β) for the
   * least-squares fit ln‖∂L/∂s⟨t⟩‖ ≈ α + β·t. For an exact exponential it equals the geometric
   * mean (ratio)^(1/(T−1)); unlike it, a single jump (e.g. at t = T, where the loss enters)
   * barely moves it. 1 for T = 1; 0 when some norm is 0; NaN when some norm is not finite.
   */
  ratePerStep: number;
  /** The geometric mean of the per-step factors, ratio^(1/(T−1)). */
  geometricMeanRate: number;
  /** ratePerStep^(T−1): the fitted change over the whole sequence; the verdict compares it. */
  change: number;
  /** R² of the exponential fit (1: a perfect exponential; NaN when undefined). */
  r2: number;
  verdict: GradientVerdict;
}

function analyse(norms: number[], thresholds: GradientFlowThresholds): SeriesAnalysis {
  const T = norms.length;
  const first = norms[0]!;
  const last = norms[T - 1]!;
  const ratio = first / last;
  const geometricMeanRate = T === 1 ? 1 : ratio ** (1 / (T - 1));
  let ratePerStep: number;
  let r2 = Number.NaN;
  if (norms.some((n) => !Number.isFinite(n))) ratePerStep = Number.NaN;
  else if (norms.some((n) => n === 0)) ratePerStep = 0;
  else if (T === 1) ratePerStep = 1;
  else {
    const ys = norms.map(Math.log);
    const meanT = (T + 1) / 2;
    const meanY = ys.reduce((a, b) => a + b, 0) / T;
    let sxy = 0;
    let sxx = 0;
    let syy = 0;
    ys.forEach((y, i) => {
      const dt = i + 1 - meanT;
      sxy += dt * (y - meanY);
      sxx += dt * dt;
      syy += (y - meanY) ** 2;
    });
    const slope = sxy / sxx;
    ratePerStep = Math.exp(-slope);
    r2 = syy === 0 ? 1 : (sxy * sxy) / (sxx * syy);
  }
  const change = T === 1 ? 1 : ratePerStep ** (T - 1);
  let verdict: GradientVerdict;
  if (Number.isNaN(ratePerStep) || change > thresholds.exploding) verdict = 'exploding';
  else if (change < thresholds.vanishing) verdict = 'vanishing';
  else verdict = 'healthy';
  return { norms, ratio, ratePerStep, geometricMeanRate, change, r2, verdict };
}

/**
 * The per-step state Variables of one forward pass, t = 1..T, as a sequence layer with
 * introspection returns them: hidden states `a`, and for an LSTM the cell states `c`.
 */
export interface SequenceStates {
  a: readonly Variable[];
  c?: readonly Variable[];
}

/** Options of {@link gradientFlow}. */
export interface GradientFlowOptions {
  /** Verdict thresholds (default {@link DEFAULT_GRADIENT_FLOW_THRESHOLDS}). */
  thresholds?: Partial<GradientFlowThresholds>;
  /** Keep the graph so that `backward(loss)` can run afterwards (default false). */
  retainGraph?: boolean;
}

/**
 * The result of {@link gradientFlow}: the hidden-state series at the top level (the article's
 * quantity), the cell-state series under `cell` for an LSTM.
 */
export class GradientFlowReport {
  /** T, the number of steps. */
  readonly steps: number;
  /** ‖∂L/∂a⟨t⟩‖ for t = 1..T. */
  readonly norms: number[];
  /** ‖∂L/∂a⟨1⟩‖ / ‖∂L/∂a⟨T⟩‖. */
  readonly ratio: number;
  /** Fitted factor per step back in time (see {@link SeriesAnalysis.ratePerStep}). */
  readonly ratePerStep: number;
  /** (ratio)^(1/(T−1)). */
  readonly geometricMeanRate: number;
  /** ratePerStep^(T−1), what the verdict compares with the thresholds. */
  readonly change: number;
  /** R² of the exponential fit. */
  readonly r2: number;
  /** The verdict for the hidden state. */
  readonly verdict: GradientVerdict;
  /** The same analysis of ‖∂L/∂c⟨t⟩‖ (LSTM only). */
  readonly cell: SeriesAnalysis | undefined;
  readonly thresholds: Readonly<GradientFlowThresholds>;

  constructor(
    hidden: SeriesAnalysis,
    cell: SeriesAnalysis | undefined,
    thresholds: GradientFlowThresholds,
  ) {
    this.steps = hidden.norms.length;
    this.norms = hidden.norms;
    this.ratio = hidden.ratio;
    this.ratePerStep = hidden.ratePerStep;
    this.geometricMeanRate = hidden.geometricMeanRate;
    this.change = hidden.change;
    this.r2 = hidden.r2;
    this.verdict = hidden.verdict;
    this.cell = cell;
    this.thresholds = Object.freeze({ ...thresholds });
  }

  /** `t,a_norm[,c_norm]` lines, t = 1..T, for plotting (header first). */
  toCSV(): string {
    const header = this.cell ? 't,a_norm,c_norm' : 't,a_norm';
    const rows = this.norms.map((n, i) =>
      this.cell ? `${i + 1},${n},${this.cell.norms[i]}` : `${i + 1},${n}`,
    );
    return `${[header, ...rows].join('\n')}\n`;
  }

  /** A plain object (JSON writes non-finite numbers as null). */
  toJSON(): Record<string, unknown> {
    const {
      steps,
      norms,
      ratio,
      ratePerStep,
      geometricMeanRate,
      change,
      r2,
      verdict,
      thresholds,
      cell,
    } = this;
    return {
      steps,
      norms,
      ratio,
      ratePerStep,
      geometricMeanRate,
      change,
      r2,
      verdict,
      thresholds,
      cell,
    };
  }
}

/**
 * Vanishing / exploding-gradient diagnostics for one sequence batch: ‖∂L/∂a⟨t⟩‖ for every step
 * t (and ‖∂L/∂c⟨t⟩‖ for an LSTM), how fast it shrinks or grows per step going back in time, and
 * a verdict with documented thresholds. Pass the loss and the per-step states of the same
 * forward pass; it computes every ∂L/∂a⟨t⟩ in one reverse pass with autograd's `grad` (no
 * `.grad` is written) and reads back only the T (or 2T) norms.
 *
 * For the cleanest picture use a loss at the last step only (many-to-one): with a loss at every
 * step, ∂L/∂a⟨t⟩ includes step t's own loss and looks flat whatever the recurrence does.
 *
 * Verdict: the change over the sequence, `ratePerStep^(T−1)` from an exponential fit, below
 * `thresholds.vanishing` (0.01) → 'vanishing', above `thresholds.exploding` (100) or any norm
 * NaN/±Inf → 'exploding', else 'healthy'. The top-level verdict is the hidden state's; an
 * LSTM's cell-state series has its own under `cell`.
 *
 * @example
 * ```ts
 * const { loss, states } = model.lossWithStates(batch); // states.a: Variable[], one per step
 * const report = gradientFlow(loss, states);
 * report.verdict; // 'vanishing'
 * writeFileSync('flow.csv', report.toCSV());
 * ```
 */
export function gradientFlow(
  loss: Variable,
  states: SequenceStates | readonly Variable[],
  options: GradientFlowOptions = {},
): GradientFlowReport {
  const op = 'gradientFlow';
  const { a, c } = Array.isArray(states)
    ? { a: states as readonly Variable[], c: undefined }
    : (states as SequenceStates);
  if (!Array.isArray(a) || a.length === 0) {
    throw new RecurError(
      'ARGUMENT',
      `${op}: states.a must be a non-empty array of per-step Variables`,
    );
  }
  if (c !== undefined && (!Array.isArray(c) || c.length !== a.length)) {
    throw new RecurError(
      'ARGUMENT',
      `${op}: states.c must have one Variable per step like states.a (${a.length}), got ${Array.isArray(c) ? c.length : typeof c}`,
    );
  }
  const thresholds = { ...DEFAULT_GRADIENT_FLOW_THRESHOLDS, ...options.thresholds };
  if (!(thresholds.vanishing > 0 && thresholds.vanishing <= 1 && thresholds.exploding >= 1)) {
    throw new RecurError(
      'RANGE',
      `${op}: thresholds must satisfy 0 < vanishing <= 1 <= exploding, got ${JSON.stringify(thresholds)}`,
    );
  }
  const targets = [...a, ...(c ?? [])];
  const grads = grad(loss, targets, { retainGraph: options.retainGraph ?? false });
  let all: number[];
  try {
    all = normsOf(grads, 2);
  } finally {
    dispose(grads);
  }
  const T = a.length;
  const hidden = analyse(all.slice(0, T), thresholds);
  const cell = c ? analyse(all.slice(T), thresholds) : undefined;
  return new GradientFlowReport(hidden, cell, thresholds);
}
