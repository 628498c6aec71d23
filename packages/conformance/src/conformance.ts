import type { Backend } from '@recur/tensor';
import { tidy, withBackend } from '@recur/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { elementwiseCases } from './cases/elementwise.js';
import { matmulCases } from './cases/matmul.js';
import { memoryCases } from './cases/memory.js';
import { reduceCases } from './cases/reduce.js';
import { shapeCases } from './cases/shape.js';
import { caseContext, type DefineCase, type Tolerance } from './suite.js';

/** Options of {@link describeConformance}. */
export interface ConformanceOptions {
  /**
   * How close float32 results must be to the float64 reference:
   * `|actual - expected| ≤ atol + rtol·|expected|`. Default `{ atol: 1e-5, rtol: 1e-5 }`.
   * int32 results must match exactly.
   */
  tolerance?: Tolerance;
  /**
   * Case ids (or id prefixes: `binary` skips every `binary.*`) to skip, e.g. a feature the
   * backend documents as unsupported. Skipped cases show as skipped, not passed.
   */
  skip?: readonly string[];
}

/** The default tolerance: what the CPU backend's float32 kernels meet. */
export const DEFAULT_TOLERANCE: Tolerance = { atol: 1e-5, rtol: 1e-5 };

/**
 * Registers, with vitest's `describe`/`it`, the conformance suite every backend must pass:
 * every primitive op of the {@link Backend} interface through the public ops — unary and binary
 * elementwise ops (NumPy broadcasting edge cases, NaN/±Inf propagation, int32), comparisons
 * (int32 0/1), `where`, `clamp`, `cast`, `fill`, `matmul` (both transpose flags, batched and
 * broadcast batches, empty dimensions), reductions over any axes with `keepDims`, `argmax`/
 * `argmin` ties, stable `softmax`/`logSoftmax` at ±1e4, `slice`, `concat`, `split`, `stack`,
 * `transpose`, `gather`, `scatterAdd`, `oneHot` — each compared against a float64 reference
 * computed in plain JavaScript. Every case also checks that the backend's buffer count is back
 * where it started once the case's tensors are disposed.
 *
 * Case ids: `unary.<op>`, `binary.<op>`, `compare.<op>`, `where`, `clamp`, `cast`, `fill`,
 * `matmul.2d`, `matmul.large`, `matmul.batched`, `matmul.empty`, `matmul.nonfinite`,
 * `reduce.<op>`, `reduce.sum-precision`, `sumTo`, `argmax`, `argmin`, `softmax`, `logSoftmax`,
 * `slice`, `concat`, `split`, `stack`, `transpose`, `gather`, `scatterAdd`, `oneHot`, `views`,
 * `storage.roundtrip`, `storage.accounting`, `storage.steps`.
 *
 * ```ts
 * import { CpuBackend } from '@recur/tensor';
 * import { describeConformance } from '@recur/conformance';
 *
 * describeConformance('cpu', () => new CpuBackend());
 * ```
 */
export function describeConformance(
  name: string,
  makeBackend: () => Backend,
  options: ConformanceOptions = {},
): void {
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
  const skip = options.skip ?? [];
  describe(`backend conformance: ${name}`, () => {
    let backend: Backend | undefined;
    const current = (): Backend => {
      if (!backend) throw new Error(`describeConformance(${name}): the backend was not created`);
      return backend;
    };
    beforeAll(() => {
      backend = makeBackend();
    });
    afterAll(() => {
      backend = undefined;
    });

    const test: DefineCase = (id, title, body) => {
      const skipped = skip.some((s) => id === s || id.startsWith(`${s}.`));
      (skipped ? it.skip : it)(`${id}: ${title}`, () => {
        const b = current();
        const before = b.memory().buffers;
        withBackend(b, () => tidy(() => body(caseContext(id, tolerance))));
        expect(
          b.memory().buffers,
          `${id}: buffers left after the case's tensors were disposed`,
        ).toBe(before);
      });
    };

    memoryCases(test, current);
    elementwiseCases(test);
    matmulCases(test);
    reduceCases(test);
    shapeCases(test);
  });
}
