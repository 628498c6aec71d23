import type { DType, Tensor } from '@recur/tensor';
import { Rng, tensor } from '@recur/tensor';
import { expect } from 'vitest';
import { type Ref, sizeOfShape } from './reference.js';

/** How close a backend's float32 result must be to the float64 reference: `|a-e| ≤ atol + rtol·|e|`. */
export interface Tolerance {
  atol: number;
  rtol: number;
}

/** What a test case body gets: comparison against the reference, and seeded inputs. */
export interface CaseContext {
  readonly tolerance: Tolerance;
  /** A generator seeded from the case id, so every run and backend sees the same inputs. */
  readonly rng: Rng;
  /**
   * Asserts `actual` has `expected`'s shape and values (exactly for int32 results; within the
   * tolerance, or `tolerance` when given, for float32; NaN matches NaN, ±Inf must match).
   */
  check(
    actual: Tensor,
    expected: Ref,
    label?: string,
    options?: { dtype?: DType; tolerance?: Tolerance },
  ): void;
  /** A tensor on the backend under test and its reference (the float32- or int32-rounded values). */
  input(values: ArrayLike<number>, shape: readonly number[], dtype?: DType): [Tensor, Ref];
  /** Uniform values in `[low, high)` (integers for int32) as an input pair. */
  random(shape: readonly number[], low?: number, high?: number, dtype?: DType): [Tensor, Ref];
}

/** Registers one test: `id` (e.g. `binary.add`) is what `skip` matches. */
export type DefineCase = (id: string, title: string, body: (ctx: CaseContext) => void) => void;

function seedOf(id: string): number {
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619) >>> 0;
  return h;
}

function describeValue(v: number): string {
  return Number.isNaN(v) ? 'NaN' : String(v);
}

/** The context for the case `id`. */
export function caseContext(id: string, tolerance: Tolerance): CaseContext {
  const rng = new Rng(seedOf(id));
  const input = (
    values: ArrayLike<number>,
    shape: readonly number[],
    dtype: DType = 'float32',
  ): [Tensor, Ref] => {
    const typed = dtype === 'int32' ? Int32Array.from(values) : Float32Array.from(values);
    return [tensor(typed, shape, dtype), { values: Array.from(typed), shape: [...shape] }];
  };
  return {
    tolerance,
    rng,
    input,
    random(shape, low = -1, high = 1, dtype = 'float32') {
      const n = sizeOfShape(shape);
      const values: number[] = [];
      for (let i = 0; i < n; i++) {
        const u = rng.uniform(low, high);
        values.push(dtype === 'int32' ? Math.floor(u) : u);
      }
      return input(values, shape, dtype);
    },
    check(actual, expected, label = 'result', options = {}) {
      const where = `${id}: ${label}`;
      expect(actual.shape, `${where} shape`).toEqual(expected.shape);
      if (options.dtype) expect(actual.dtype, `${where} dtype`).toBe(options.dtype);
      const values = actual.data();
      expect(values.length, `${where} size`).toBe(expected.values.length);
      const tol = options.tolerance ?? tolerance;
      const exact = actual.dtype === 'int32';
      for (let i = 0; i < values.length; i++) {
        const a = values[i]!;
        const e = expected.values[i]!;
        let ok: boolean;
        if (Number.isNaN(e)) ok = Number.isNaN(a);
        else if (exact || !Number.isFinite(e)) ok = a === e;
        else ok = Math.abs(a - e) <= tol.atol + tol.rtol * Math.abs(e);
        if (!ok) {
          const allowed = exact ? 'exact' : `atol ${tol.atol}, rtol ${tol.rtol}`;
          expect.fail(
            `${where}: element ${i} of [${actual.shape.join(',')}] is ${describeValue(a)}, expected ${describeValue(e)} (${allowed})`,
          );
        }
      }
    },
  };
}
