import { describe, expect, it } from 'vitest';
import {
  ADDING_HOCHREITER_BASELINE_ACCURACY,
  ADDING_HOCHREITER_BASELINE_MSE,
  ADDING_LE_BASELINE_MSE,
  addingAccuracy,
  addingProblem,
} from './adding.js';

const mse = (targets: Float32Array, guess: number) =>
  targets.reduce((s, y) => s + (y - guess) ** 2, 0) / targets.length;

describe('addingProblem (Le et al.)', () => {
  const data = addingProblem({ count: 4000, length: 20, seed: 1 });

  it('has values in [0, 1), one marker in each half, and the marked sum as target', () => {
    expect(data.inputShape).toEqual([4000, 20, 2]);
    expect(data.targetShape).toEqual([4000, 1]);
    const problems: string[] = [];
    for (let n = 0; n < 4000; n++) {
      const marked: number[] = [];
      let sum = 0;
      for (let t = 0; t < 20; t++) {
        const value = data.inputs[(n * 20 + t) * 2]!;
        const marker = data.inputs[(n * 20 + t) * 2 + 1]!;
        if (!(value >= 0 && value < 1)) problems.push(`value ${value} at ${n},${t}`);
        if (marker === 1) {
          marked.push(t);
          sum += value;
        } else if (marker !== 0) {
          problems.push(`marker ${marker} at ${n},${t}`);
        }
      }
      if (marked.length !== 2 || marked[0]! >= 10 || marked[1]! < 10)
        problems.push(`markers ${marked} in ${n}`);
      if (Math.abs(data.targets[n]! - sum) > 1e-6) problems.push(`target of ${n}`);
    }
    expect(problems).toEqual([]);
    expect(data.mask.every((m) => m === 1)).toBe(true);
  });

  it('predicting 1 gives MSE ≈ 1/6, the documented baseline', () => {
    // Var(U1 + U2) = 1/6; std. error of the estimate over 4000 draws ≈ 0.004.
    expect(Math.abs(mse(data.targets, 1) - ADDING_LE_BASELINE_MSE)).toBeLessThan(0.015);
  });

  it('is reproducible from its seed', () => {
    expect(addingProblem({ count: 3, length: 8, seed: 1 }).inputs).toEqual(
      addingProblem({ count: 3, length: 8, seed: 1 }).inputs,
    );
    expect(addingProblem({ count: 3, length: 8, seed: 2 }).inputs).not.toEqual(
      addingProblem({ count: 3, length: 8, seed: 1 }).inputs,
    );
  });
});

describe('addingProblem (Hochreiter & Schmidhuber)', () => {
  const T = 100;
  const data = addingProblem({ count: 4000, length: T, variant: 'hochreiter', seed: 2 });
  const width = data.inputShape[1];

  it('follows the paper: lengths in [T, 1.1T], X1 in the first 10, X2 in the first T/2 − 1, −1 at both ends', () => {
    expect(width).toBe(110);
    const lengths = Array.from(data.lengths);
    expect(Math.min(...lengths)).toBe(100);
    expect(Math.max(...lengths)).toBe(110);
    const problems: string[] = [];
    for (let n = 0; n < 4000; n++) {
      const steps = data.lengths[n]!;
      const at = (t: number, c: number) => data.inputs[(n * width + t) * 2 + c]!;
      const marked: number[] = [];
      for (let t = 0; t < steps; t++) {
        if (!(at(t, 0) >= -1 && at(t, 0) < 1)) problems.push(`value at ${n},${t}`);
        const expected = t === 0 || t === steps - 1 ? -1 : 0;
        if (at(t, 1) === 1) marked.push(t);
        else if (at(t, 1) !== expected) problems.push(`marker ${at(t, 1)} at ${n},${t}`);
      }
      if (
        marked.length !== 2 ||
        marked.some((t) => t >= T / 2 - 1) ||
        !marked.some((t) => t < 10)
      ) {
        problems.push(`markers ${marked} in ${n}`);
      }
      if (marked[0] === 0 && at(0, 0) !== 0) problems.push(`marked first step of ${n} not zeroed`);
      const target = 0.5 + (at(marked[0]!, 0) + at(marked[1]!, 0)) / 4;
      if (Math.abs(data.targets[n]! - target) > 1e-6) problems.push(`target of ${n}`);
      for (let t = steps; t < width; t++) {
        if (data.mask[n * width + t] !== 0 || data.inputs[(n * width + t) * 2 + 1] !== 0)
          problems.push(`padding of ${n}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('the constant 0.5 meets the documented baselines (MSE ≈ 1/24, ≈ 15 % within 0.04)', () => {
    expect(Math.abs(mse(data.targets, 0.5) - ADDING_HOCHREITER_BASELINE_MSE)).toBeLessThan(0.004);
    const accuracy = addingAccuracy(new Float32Array(4000).fill(0.5), data.targets);
    // Binomial std. error with p ≈ 0.154 and n = 4000 is ≈ 0.006.
    expect(Math.abs(accuracy - ADDING_HOCHREITER_BASELINE_ACCURACY)).toBeLessThan(0.025);
    expect(() => addingAccuracy([1], [1, 2])).toThrow(/must match/);
  });
});
