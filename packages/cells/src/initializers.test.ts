import { dispose, RecurError, Rng } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import {
  glorotUniform,
  identity,
  normal,
  orthogonal,
  uniform,
  uniformHidden,
} from './initializers.js';

function stats(values: ArrayLike<number>): { mean: number; std: number; min: number; max: number } {
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    sum += values[i]!;
    min = Math.min(min, values[i]!);
    max = Math.max(max, values[i]!);
  }
  const mean = sum / values.length;
  let sq = 0;
  for (let i = 0; i < values.length; i++) sq += (values[i]! - mean) ** 2;
  return { mean, std: Math.sqrt(sq / values.length), min, max };
}

/** max |Q Qᵀ − I| over the rows of a row-major `[rows, cols]` matrix. */
function rowOrthonormalityError(q: Float32Array, rows: number, cols: number): number {
  let worst = 0;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j <= i; j++) {
      let dot = 0;
      for (let p = 0; p < cols; p++) dot += q[i * cols + p]! * q[j * cols + p]!;
      worst = Math.max(worst, Math.abs(dot - (i === j ? 1 : 0)));
    }
  }
  return worst;
}

describe('initializers', () => {
  it('are reproducible from a seed and advance a shared rng', () => {
    const a = uniform([5, 7], 0.3, { seed: 4 });
    const b = uniform([5, 7], 0.3, { seed: 4 });
    expect(a.data()).toEqual(b.data());
    const rng = new Rng(4);
    const c = normal([5, 7], { rng });
    const d = normal([5, 7], { rng });
    expect(c.data()).not.toEqual(d.data());
    dispose([a, b, c, d]);
  });

  it('require a seed or an rng', () => {
    expect(() => uniform([2, 2], 1, {})).toThrow(RecurError);
    expect(() => orthogonal([2, 2], {})).toThrow(/give a seed or an rng/);
  });

  it('uniform ±1/√H and Glorot stay within their limits with the right spread', () => {
    const h = uniformHidden([64, 256], 64, { seed: 1 });
    const s = stats(h.data());
    expect(s.min).toBeGreaterThanOrEqual(-1 / 8);
    expect(s.max).toBeLessThan(1 / 8);
    expect(s.std).toBeCloseTo(1 / 8 / Math.sqrt(3), 2);
    const g = glorotUniform([100, 300], { seed: 2 });
    const limit = Math.sqrt(6 / 400);
    const gs = stats(g.data());
    expect(gs.max).toBeLessThan(limit);
    expect(gs.min).toBeGreaterThanOrEqual(-limit);
    expect(gs.std).toBeCloseTo(limit / Math.sqrt(3), 2);
    dispose([h, g]);
  });

  it('normal has the requested mean and std (IRNN: N(0, 0.001²))', () => {
    const n = normal([200, 100], { seed: 3, std: 0.001 });
    const s = stats(n.data());
    expect(Math.abs(s.mean)).toBeLessThan(2e-5);
    expect(s.std).toBeCloseTo(0.001, 4);
    dispose(n);
  });

  it('identity is I × gain', () => {
    const i = identity(3, 0.5);
    expect(i.toArray()).toEqual([
      [0.5, 0, 0],
      [0, 0.5, 0],
      [0, 0, 0.5],
    ]);
    expect(() => identity(0)).toThrow(RecurError);
    dispose(i);
  });

  it('orthogonal gives orthonormal rows (wide) or columns (tall), times gain', () => {
    const square = orthogonal([32, 32], { seed: 5 });
    expect(rowOrthonormalityError(square.data() as Float32Array, 32, 32)).toBeLessThan(1e-5);
    const wide = orthogonal([8, 32], { seed: 6 });
    expect(rowOrthonormalityError(wide.data() as Float32Array, 8, 32)).toBeLessThan(1e-5);
    // Tall: its transpose has orthonormal rows.
    const tall = orthogonal([32, 8], { seed: 7, gain: 2 });
    const t = tall.data();
    const transposed = new Float32Array(8 * 32);
    for (let i = 0; i < 32; i++)
      for (let j = 0; j < 8; j++) transposed[j * 32 + i] = t[i * 8 + j]! / 2;
    expect(rowOrthonormalityError(transposed, 8, 32)).toBeLessThan(1e-5);
    dispose([square, wide, tall]);
  });

  it('orthogonal is orthonormal to float32 resolution at H = 1024, even for the last rows of a square matrix', () => {
    // Square is the hard case: the last rows' residuals are small, which amplifies rounding.
    // (Its speed is measured in apps/bench, not here.)
    const n = 1024;
    const q = orthogonal([n, n], { seed: 8 });
    const v = q.data() as Float32Array;
    let worst = 0;
    for (const i of [0, 1, 31, 32, 500, 991, 1000, 1021, 1022, 1023]) {
      for (let j = 0; j < n; j++) {
        let dot = 0;
        for (let p = 0; p < n; p++) dot += v[i * n + p]! * v[j * n + p]!;
        worst = Math.max(worst, Math.abs(dot - (i === j ? 1 : 0)));
      }
    }
    expect(worst).toBeLessThan(1e-6);
    // Haar: entries spread like N(0, 1/n); the same seed gives the same matrix.
    expect(stats(v).std).toBeCloseTo(1 / Math.sqrt(n), 4);
    const again = orthogonal([n, n], { seed: 8 });
    const w = again.data();
    expect(w.every((x, i) => x === v[i])).toBe(true);
    dispose([q, again]);
  });
});
