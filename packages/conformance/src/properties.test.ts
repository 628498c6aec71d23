import type { Backend } from '@recur/tensor';
import {
  add,
  CpuBackend,
  less,
  matmul,
  maximum,
  mul,
  RecurError,
  sub,
  tensor,
  tidy,
  withBackend,
} from '@recur/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Ref, refBinary, refMatmul, sizeOfShape } from './reference.js';

/**
 * Property-based tests: random shapes and values against the naive float64 reference, on the
 * CPU backend's wasm path (forced at every size) and its pure-TypeScript path.
 */
const backends: [string, Backend][] = [
  ['wasm', new CpuBackend({ wasm: 'always' })],
  ['ts', new CpuBackend({ wasm: 'never' })],
];

const dim = fc.integer({ min: 0, max: 5 });

/** An output shape and two operand shapes that broadcast to it (dims dropped or set to 1). */
const broadcastPair = fc
  .array(fc.integer({ min: 1, max: 5 }), { minLength: 0, maxLength: 4 })
  .chain((out) =>
    fc.tuple(
      fc.constant(out),
      fc.array(fc.integer({ min: 0, max: 2 }), { minLength: out.length, maxLength: out.length }),
      fc.array(fc.integer({ min: 0, max: 2 }), { minLength: out.length, maxLength: out.length }),
      fc.integer({ min: 0, max: out.length }),
      fc.integer({ min: 0, max: out.length }),
    ),
  )
  .map(([out, ma, mb, dropA, dropB]) => {
    // mode 0: the full dimension; 1: size 1 (broadcast); 2: the full dimension
    const a = out.map((d, i) => (ma[i] === 1 ? 1 : d)).slice(dropA);
    const b = out.map((d, i) => (mb[i] === 1 ? 1 : d)).slice(dropB);
    return [a, b] as const;
  });

function values(shape: readonly number[], seed: number): Float32Array {
  const out = new Float32Array(sizeOfShape(shape));
  let s = seed >>> 0;
  for (let i = 0; i < out.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32) * 4 - 2;
  }
  return out;
}

function expectClose(
  actual: Float32Array | Int32Array,
  expected: Ref,
  atol: number,
  rtol: number,
): void {
  expect(actual.length).toBe(expected.values.length);
  for (let i = 0; i < actual.length; i++) {
    const e = expected.values[i]!;
    const err = Math.abs(actual[i]! - e);
    if (err > atol + rtol * Math.abs(e)) expect.fail(`element ${i}: ${actual[i]} vs ${e}`);
  }
}

describe.each(backends)('broadcasting properties (%s)', (_, backend) => {
  it('add, sub, mul, maximum and less match the float64 reference for any broadcastable shapes', () => {
    const ops = [
      [add, (x: number, y: number) => x + y],
      [sub, (x: number, y: number) => x - y],
      [mul, (x: number, y: number) => x * y],
      [maximum, (x: number, y: number) => Math.max(x, y)],
      [less, (x: number, y: number) => (x < y ? 1 : 0)],
    ] as const;
    fc.assert(
      fc.property(
        broadcastPair,
        fc.integer({ min: 0, max: 4 }),
        fc.nat(),
        ([sa, sb], which, seed) => {
          const [op, ref] = ops[which]!;
          withBackend(backend, () =>
            tidy(() => {
              const av = values(sa, seed);
              const bv = values(sb, seed + 1);
              const out = op(tensor(av, sa), tensor(bv, sb));
              const expected = refBinary(
                { values: Array.from(av), shape: [...sa] },
                { values: Array.from(bv), shape: [...sb] },
                ref,
              );
              expect(out.shape).toEqual(expected.shape);
              expectClose(out.data(), expected, 0, 1e-7);
            }),
          );
        },
      ),
      { numRuns: 150 },
    );
  });

  it('is symmetric: a + b has the same shape and values as b + a', () => {
    fc.assert(
      fc.property(broadcastPair, fc.nat(), ([sa, sb], seed) => {
        withBackend(backend, () =>
          tidy(() => {
            const a = tensor(values(sa, seed), sa);
            const b = tensor(values(sb, seed + 7), sb);
            const ab = add(a, b);
            const ba = add(b, a);
            expect(ab.shape).toEqual(ba.shape);
            expect(Array.from(ab.data())).toEqual(Array.from(ba.data()));
          }),
        );
      }),
      { numRuns: 60 },
    );
  });

  it('rejects shapes whose aligned dimensions differ and are not 1, naming both shapes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 3 }),
        fc.integer({ min: 2, max: 5 }),
        fc.integer({ min: 1, max: 3 }),
        (rest, d, delta) => {
          const sa = [...rest, d];
          const sb = [d + delta];
          withBackend(backend, () =>
            tidy(() => {
              const a = tensor(values(sa, 1), sa);
              const b = tensor(values(sb, 2), sb);
              let error: unknown;
              try {
                add(a, b);
              } catch (e) {
                error = e;
              }
              expect(error).toBeInstanceOf(RecurError);
              expect((error as RecurError).code).toBe('SHAPE');
              expect((error as Error).message).toContain(
                `add: shapes [${sa.join(',')}] and [${sb.join(',')}]`,
              );
            }),
          );
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe.each(backends)('matmul properties (%s)', (_, backend) => {
  it('matches the float64 reference for any sizes, transposes and broadcast batches', () => {
    const batchPair = fc
      .array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 })
      .chain((batch) =>
        fc.tuple(
          fc.constant(batch),
          fc.array(fc.boolean(), { minLength: batch.length, maxLength: batch.length }),
          fc.integer({ min: 0, max: batch.length }),
        ),
      )
      .map(
        ([batch, ones, drop]) =>
          [batch, batch.map((d, i) => (ones[i] ? 1 : d)).slice(drop)] as const,
      );
    fc.assert(
      fc.property(
        dim,
        dim,
        dim,
        fc.boolean(),
        fc.boolean(),
        batchPair,
        fc.boolean(),
        fc.nat(),
        (m, n, k, transposeA, transposeB, [batchA, batchB], swap, seed) => {
          const [ba, bb] = swap ? [batchB, batchA] : [batchA, batchB];
          const sa = [...ba, ...(transposeA ? [k, m] : [m, k])];
          const sb = [...bb, ...(transposeB ? [n, k] : [k, n])];
          withBackend(backend, () =>
            tidy(() => {
              const av = values(sa, seed);
              const bv = values(sb, seed + 3);
              const out = matmul(tensor(av, sa), tensor(bv, sb), { transposeA, transposeB });
              const expected = refMatmul(
                { values: Array.from(av), shape: sa },
                { values: Array.from(bv), shape: sb },
                transposeA,
                transposeB,
              );
              expect(out.shape).toEqual(expected.shape);
              expectClose(out.data(), expected, 1e-5, 1e-5);
            }),
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it('matches the reference on sizes past the cache blocks (k > 256, partial 4×8 tiles)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 250, max: 530 }),
        fc.boolean(),
        fc.boolean(),
        fc.nat(),
        (m, n, k, transposeA, transposeB, seed) => {
          const sa = transposeA ? [k, m] : [m, k];
          const sb = transposeB ? [n, k] : [k, n];
          withBackend(backend, () =>
            tidy(() => {
              const av = values(sa, seed);
              const bv = values(sb, seed + 5);
              const out = matmul(tensor(av, sa), tensor(bv, sb), { transposeA, transposeB });
              const expected = refMatmul(
                { values: Array.from(av), shape: sa },
                { values: Array.from(bv), shape: sb },
                transposeA,
                transposeB,
              );
              expectClose(out.data(), expected, 1e-4, 1e-5);
            }),
          );
        },
      ),
      { numRuns: 15 },
    );
  });
});
