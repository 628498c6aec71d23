import { memory, randomUniform, type Tensor } from '@recur/tensor';
import { expect } from 'vitest';
import { assertGradcheck, type GradcheckOptions, type GradcheckResult } from './gradcheck.js';
import type { Variable } from './variable.js';

/** Uniform test values in [low, high), reproducible from `seed`. */
export function uniform(shape: number[], seed: number, low = -1, high = 1): Tensor {
  return randomUniform(shape, { seed, low, high });
}

/**
 * Gradchecks `fn` at `inputs` (disposed afterwards) and asserts that no tensor leaked; returns
 * the result so a test can look closer.
 */
export function check(
  fn: (...xs: Variable[]) => Variable,
  inputs: Tensor[],
  options: GradcheckOptions = {},
): GradcheckResult {
  const before = memory().numTensors;
  try {
    const result = assertGradcheck(fn, inputs, options);
    expect(result.checked).toBeGreaterThan(0);
    expect(memory().numTensors).toBe(before);
    return result;
  } finally {
    for (const t of inputs) t.dispose();
  }
}
