import { type Shape, sizeOf, stridesOf } from '../shape.js';

/** One matrix product within a batch: where its A, B and C start (element offsets). */
export interface GemmJob {
  aOffset: number;
  bOffset: number;
  outOffset: number;
}

/** A (batched, broadcast) matmul as a list of same-sized products `[m×k]·[k×n]`. */
export interface GemmPlan {
  m: number;
  n: number;
  k: number;
  jobs: GemmJob[];
}

/**
 * For each flat index of `outShape`, the flat index into an operand of `inShape` that
 * broadcasts to it (right-aligned, size-1 dimensions repeat).
 */
export function broadcastOffsets(inShape: Shape, outShape: Shape): Int32Array {
  const size = sizeOf(outShape);
  const rank = outShape.length;
  const inStrides = stridesOf(inShape);
  const strides = new Array<number>(rank).fill(0);
  for (let i = 0; i < inShape.length; i++) {
    strides[rank - inShape.length + i] = inShape[i] === 1 ? 0 : inStrides[i]!;
  }
  const map = new Int32Array(size);
  const idx = new Array<number>(rank).fill(0);
  let flat = 0;
  for (let e = 0; e < size; e++) {
    map[e] = flat;
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]!++;
      flat += strides[d]!;
      if (idx[d]! < outShape[d]!) break;
      flat -= strides[d]! * idx[d]!;
      idx[d] = 0;
    }
  }
  return map;
}

/**
 * Splits `[...batchA, m, k]·[...batchB, k, n]` into products. When B has no batch of its own and
 * A is not transposed, the batch folds into the rows of one product `[batch·m × k]·[k×n]`, the
 * common `[batch, time, features]·W` case, which then runs as one large, efficient GEMM.
 */
export function planGemm(
  aShape: Shape,
  bShape: Shape,
  outShape: Shape,
  transposeA: boolean,
): GemmPlan {
  const rank = outShape.length;
  const m = outShape[rank - 2]!;
  const n = outShape[rank - 1]!;
  const k = transposeA ? aShape[aShape.length - 2]! : aShape[aShape.length - 1]!;
  const batchShape = outShape.slice(0, -2);
  const batches = sizeOf(batchShape);
  const aBatch = aShape.slice(0, -2);
  const bBatch = bShape.slice(0, -2);
  if (!transposeA && sizeOf(bBatch) === 1 && sizeOf(aBatch) === batches) {
    return { m: m * batches, n, k, jobs: [{ aOffset: 0, bOffset: 0, outOffset: 0 }] };
  }
  const aIndex = broadcastOffsets(aBatch, batchShape);
  const bIndex = broadcastOffsets(bBatch, batchShape);
  const jobs: GemmJob[] = [];
  for (let i = 0; i < batches; i++) {
    jobs.push({ aOffset: aIndex[i]! * m * k, bOffset: bIndex[i]! * k * n, outOffset: i * m * n });
  }
  return { m, n, k, jobs };
}

/**
 * The pure-TypeScript GEMM: for each job, `out = op(A)·op(B)` with A `[m×k]` (stored `[k×m]`
 * when `transposeA`) and B `[k×n]` (stored `[n×k]` when `transposeB`). Register-blocked: A is
 * packed into 4-row panels, each 4-column panel of B is packed so it stays in L1, and a 4×4
 * tile of C accumulates in 16 locals (float64) over the whole of k. Several times faster than
 * the naive triple loop, and any transpose costs only the packing.
 */
export function gemmTs(
  a: Float32Array,
  b: Float32Array,
  out: Float32Array,
  plan: GemmPlan,
  transposeA: boolean,
  transposeB: boolean,
): void {
  const { m, n, k } = plan;
  const ars = transposeA ? 1 : k;
  const acs = transposeA ? m : 1;
  const brs = transposeB ? 1 : n;
  const bcs = transposeB ? k : 1;
  const panels = Math.ceil(m / 4);
  const pa = new Float32Array(panels * 4 * k);
  const pb = new Float32Array(4 * k);
  for (const job of plan.jobs) {
    for (let ip = 0; ip < panels; ip++) {
      for (let t = 0; t < 4; t++) {
        const i = ip * 4 + t;
        let dst = ip * 4 * k + t;
        if (i >= m) {
          for (let p = 0; p < k; p++, dst += 4) pa[dst] = 0;
          continue;
        }
        let src = job.aOffset + i * ars;
        for (let p = 0; p < k; p++, dst += 4, src += acs) pa[dst] = a[src]!;
      }
    }
    for (let j0 = 0; j0 < n; j0 += 4) {
      const nr = Math.min(4, n - j0);
      for (let t = 0; t < 4; t++) {
        let dst = t;
        if (t >= nr) {
          for (let p = 0; p < k; p++, dst += 4) pb[dst] = 0;
          continue;
        }
        let src = job.bOffset + (j0 + t) * bcs;
        for (let p = 0; p < k; p++, dst += 4, src += brs) pb[dst] = b[src]!;
      }
      for (let ip = 0; ip < panels; ip++) {
        let c00 = 0,
          c01 = 0,
          c02 = 0,
          c03 = 0;
        let c10 = 0,
          c11 = 0,
          c12 = 0,
          c13 = 0;
        let c20 = 0,
          c21 = 0,
          c22 = 0,
          c23 = 0;
        let c30 = 0,
          c31 = 0,
          c32 = 0,
          c33 = 0;
        let x = ip * 4 * k;
        let y = 0;
        for (let p = 0; p < k; p++, x += 4, y += 4) {
          const a0 = pa[x]!;
          const a1 = pa[x + 1]!;
          const a2 = pa[x + 2]!;
          const a3 = pa[x + 3]!;
          const b0 = pb[y]!;
          const b1 = pb[y + 1]!;
          const b2 = pb[y + 2]!;
          const b3 = pb[y + 3]!;
          c00 += a0 * b0;
          c01 += a0 * b1;
          c02 += a0 * b2;
          c03 += a0 * b3;
          c10 += a1 * b0;
          c11 += a1 * b1;
          c12 += a1 * b2;
          c13 += a1 * b3;
          c20 += a2 * b0;
          c21 += a2 * b1;
          c22 += a2 * b2;
          c23 += a2 * b3;
          c30 += a3 * b0;
          c31 += a3 * b1;
          c32 += a3 * b2;
          c33 += a3 * b3;
        }
        const i0 = ip * 4;
        const mr = Math.min(4, m - i0);
        const o = job.outOffset + i0 * n + j0;
        if (mr === 4 && nr === 4) {
          out[o] = c00;
          out[o + 1] = c01;
          out[o + 2] = c02;
          out[o + 3] = c03;
          out[o + n] = c10;
          out[o + n + 1] = c11;
          out[o + n + 2] = c12;
          out[o + n + 3] = c13;
          out[o + 2 * n] = c20;
          out[o + 2 * n + 1] = c21;
          out[o + 2 * n + 2] = c22;
          out[o + 2 * n + 3] = c23;
          out[o + 3 * n] = c30;
          out[o + 3 * n + 1] = c31;
          out[o + 3 * n + 2] = c32;
          out[o + 3 * n + 3] = c33;
        } else {
          const tile = [
            c00,
            c01,
            c02,
            c03,
            c10,
            c11,
            c12,
            c13,
            c20,
            c21,
            c22,
            c23,
            c30,
            c31,
            c32,
            c33,
          ];
          for (let r = 0; r < mr; r++)
            for (let c = 0; c < nr; c++) out[o + r * n + c] = tile[r * 4 + c]!;
        }
      }
    }
  }
}
