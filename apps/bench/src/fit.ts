import { RecurError } from '@recur/tensor';

/** A fitted power law `y ≈ coefficient · x^exponent`. */
export interface PowerLawFit {
  exponent: number;
  coefficient: number;
  /** Coefficient of determination of the fit in log-log space (1 = a perfect power law). */
  r2: number;
  /** Number of points fitted. */
  n: number;
}

/**
 * Least-squares fit of `log y = log c + k · log x`: the scaling exponent `k` of a cost `y`
 * (e.g. seconds per step) against a size `x` (e.g. the hidden size H).
 *
 * @throws RecurError `ARGUMENT` when fewer than two points, lengths differ, a value is not
 * positive, or all `x` are equal.
 */
export function fitPowerLaw(xs: readonly number[], ys: readonly number[]): PowerLawFit {
  if (xs.length !== ys.length) {
    throw new RecurError(
      'ARGUMENT',
      `fitPowerLaw: xs has ${xs.length} values and ys has ${ys.length}; expected equal lengths`,
    );
  }
  if (xs.length < 2) {
    throw new RecurError('ARGUMENT', `fitPowerLaw: ${xs.length} point(s); expected at least 2`);
  }
  const lx: number[] = [];
  const ly: number[] = [];
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    const y = ys[i]!;
    if (!(x > 0) || !(y > 0) || !Number.isFinite(x) || !Number.isFinite(y)) {
      throw new RecurError(
        'ARGUMENT',
        `fitPowerLaw: point ${i} is (${x}, ${y}); expected positive finite values`,
      );
    }
    lx.push(Math.log(x));
    ly.push(Math.log(y));
  }
  const n = lx.length;
  const mx = lx.reduce((s, v) => s + v, 0) / n;
  const my = ly.reduce((s, v) => s + v, 0) / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = lx[i]! - mx;
    const dy = ly[i]! - my;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  if (sxx === 0) {
    throw new RecurError(
      'ARGUMENT',
      'fitPowerLaw: all x are equal; expected at least two distinct sizes',
    );
  }
  const exponent = sxy / sxx;
  const intercept = my - exponent * mx;
  const r2 = syy === 0 ? 1 : (sxy * sxy) / (sxx * syy);
  return { exponent, coefficient: Math.exp(intercept), r2, n };
}
