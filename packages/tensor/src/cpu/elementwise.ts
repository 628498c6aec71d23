import type { BinaryOp, TypedArray, UnaryOp } from '../backend.js';
import { type BroadcastPlan, forEachBlock, innerBlock } from './broadcast.js';

/**
 * `out[o…o+n) = a[ai], a[ai+aInc], … op b[bi], b[bi+bInc], …`. One function literal per op, so
 * each loop stays monomorphic and V8 inlines the arithmetic (a shared loop calling `f(x, y)`
 * would not).
 */
type BinaryLoop = (
  out: TypedArray,
  o: number,
  n: number,
  a: TypedArray,
  ai: number,
  aInc: number,
  b: TypedArray,
  bi: number,
  bInc: number,
) => void;

const binaryLoops: Record<BinaryOp, BinaryLoop> = {
  add: (out, o, n, a, ai, aInc, b, bi, bInc) => {
    for (const end = o + n; o < end; o++, ai += aInc, bi += bInc) out[o] = a[ai]! + b[bi]!;
  },
  sub: (out, o, n, a, ai, aInc, b, bi, bInc) => {
    for (const end = o + n; o < end; o++, ai += aInc, bi += bInc) out[o] = a[ai]! - b[bi]!;
  },
  mul: (out, o, n, a, ai, aInc, b, bi, bInc) => {
    for (const end = o + n; o < end; o++, ai += aInc, bi += bInc) out[o] = a[ai]! * b[bi]!;
  },
  div: (out, o, n, a, ai, aInc, b, bi, bInc) => {
    for (const end = o + n; o < end; o++, ai += aInc, bi += bInc) out[o] = a[ai]! / b[bi]!;
  },
  pow: (out, o, n, a, ai, aInc, b, bi, bInc) => {
    for (const end = o + n; o < end; o++, ai += aInc, bi += bInc) out[o] = a[ai]! ** b[bi]!;
  },
  // NaN if either side is NaN
  maximum: (out, o, n, a, ai, aInc, b, bi, bInc) => {
    for (const end = o + n; o < end; o++, ai += aInc, bi += bInc) {
      const x = a[ai]!;
      const y = b[bi]!;
      out[o] = x > y || Number.isNaN(x) ? x : y;
    }
  },
  minimum: (out, o, n, a, ai, aInc, b, bi, bInc) => {
    for (const end = o + n; o < end; o++, ai += aInc, bi += bInc) {
      const x = a[ai]!;
      const y = b[bi]!;
      out[o] = x < y || Number.isNaN(x) ? x : y;
    }
  },
  equal: (out, o, n, a, ai, aInc, b, bi, bInc) => {
    for (const end = o + n; o < end; o++, ai += aInc, bi += bInc)
      out[o] = a[ai]! === b[bi]! ? 1 : 0;
  },
  notEqual: (out, o, n, a, ai, aInc, b, bi, bInc) => {
    for (const end = o + n; o < end; o++, ai += aInc, bi += bInc)
      out[o] = a[ai]! !== b[bi]! ? 1 : 0;
  },
  less: (out, o, n, a, ai, aInc, b, bi, bInc) => {
    for (const end = o + n; o < end; o++, ai += aInc, bi += bInc) out[o] = a[ai]! < b[bi]! ? 1 : 0;
  },
  lessEqual: (out, o, n, a, ai, aInc, b, bi, bInc) => {
    for (const end = o + n; o < end; o++, ai += aInc, bi += bInc) out[o] = a[ai]! <= b[bi]! ? 1 : 0;
  },
  greater: (out, o, n, a, ai, aInc, b, bi, bInc) => {
    for (const end = o + n; o < end; o++, ai += aInc, bi += bInc) out[o] = a[ai]! > b[bi]! ? 1 : 0;
  },
  greaterEqual: (out, o, n, a, ai, aInc, b, bi, bInc) => {
    for (const end = o + n; o < end; o++, ai += aInc, bi += bInc) out[o] = a[ai]! >= b[bi]! ? 1 : 0;
  },
};

/** `out = a op b` with broadcasting, in TypeScript (any op, any dtype). */
export function binaryTs(
  op: BinaryOp,
  a: TypedArray,
  b: TypedArray,
  out: TypedArray,
  plan: BroadcastPlan,
): void {
  const loop = binaryLoops[op];
  const { rows, cols, inc, row } = innerBlock(plan);
  const [aInc, bInc] = inc as [number, number];
  const [aRow, bRow] = row as [number, number];
  forEachBlock(plan, out.length, ([aStart, bStart], o) => {
    let ai = aStart!;
    let bi = bStart!;
    for (let r = 0; r < rows; r++, ai += aRow, bi += bRow, o += cols)
      loop(out, o, cols, a, ai, aInc, b, bi, bInc);
  });
}

/** `out = cond ? a : b` with broadcasting (nonzero means true). */
export function whereTs(
  cond: TypedArray,
  a: TypedArray,
  b: TypedArray,
  out: TypedArray,
  plan: BroadcastPlan,
): void {
  const { rows, cols, inc, row } = innerBlock(plan);
  const [cInc, aInc, bInc] = inc as [number, number, number];
  const [cRow, aRow, bRow] = row as [number, number, number];
  forEachBlock(plan, out.length, ([cStart, aStart, bStart], o) => {
    let ci = cStart!;
    let ai = aStart!;
    let bi = bStart!;
    for (let r = 0; r < rows; r++, ci += cRow, ai += aRow, bi += bRow) {
      let c = ci;
      let x = ai;
      let y = bi;
      for (const end = o + cols; o < end; o++, c += cInc, x += aInc, y += bInc) {
        out[o] = cond[c] !== 0 ? a[x]! : b[y]!;
      }
    }
  });
}

type UnaryLoop = (out: TypedArray, x: TypedArray) => void;

/** One literal per op, like {@link binaryLoops}. Computed in float64, stored as float32/int32. */
const unaryLoops: Record<UnaryOp, UnaryLoop> = {
  neg: (out, x) => {
    for (let i = 0; i < x.length; i++) out[i] = -x[i]!;
  },
  abs: (out, x) => {
    for (let i = 0; i < x.length; i++) out[i] = Math.abs(x[i]!);
  },
  exp: (out, x) => {
    for (let i = 0; i < x.length; i++) out[i] = Math.exp(x[i]!);
  },
  log: (out, x) => {
    for (let i = 0; i < x.length; i++) out[i] = Math.log(x[i]!);
  },
  sqrt: (out, x) => {
    for (let i = 0; i < x.length; i++) out[i] = Math.sqrt(x[i]!);
  },
  square: (out, x) => {
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      out[i] = v * v;
    }
  },
  reciprocal: (out, x) => {
    for (let i = 0; i < x.length; i++) out[i] = 1 / x[i]!;
  },
  tanh: (out, x) => {
    for (let i = 0; i < x.length; i++) out[i] = Math.tanh(x[i]!);
  },
  // the form that never overflows: e^v/(1+e^v) for negative v
  sigmoid: (out, x) => {
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      if (v >= 0) out[i] = 1 / (1 + Math.exp(-v));
      else {
        const e = Math.exp(v);
        out[i] = e / (1 + e);
      }
    }
  },
  // clip(0.2·v + 0.5, 0, 1); NaN stays NaN (both comparisons are false)
  hardSigmoid: (out, x) => {
    for (let i = 0; i < x.length; i++) {
      const y = 0.2 * x[i]! + 0.5;
      out[i] = y > 1 ? 1 : Math.max(y, 0);
    }
  },
  relu: (out, x) => {
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      out[i] = v > 0 || Number.isNaN(v) ? v : 0;
    }
  },
  sign: (out, x) => {
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      out[i] = v > 0 ? 1 : v < 0 ? -1 : v === 0 ? 0 : Number.NaN;
    }
  },
  floor: (out, x) => {
    for (let i = 0; i < x.length; i++) out[i] = Math.floor(x[i]!);
  },
  round: (out, x) => {
    for (let i = 0; i < x.length; i++) out[i] = Math.round(x[i]!);
  },
};

/** `out = op(x)` in TypeScript. */
export function unaryTs(op: UnaryOp, x: TypedArray, out: TypedArray): void {
  unaryLoops[op](out, x);
}
