import type {
  ArgReduceOp,
  Backend,
  BackendMemory,
  BinaryOp,
  DType,
  DataId,
  ReduceOp,
  TensorInfo,
  TypedArray,
  UnaryOp,
} from '../backend.js';
import { type Shape, sizeOf, stridesOf } from '../shape.js';

/** CPU storage: the values themselves. */
export class CpuData {
  freed = false;
  constructor(public values: TypedArray) {}
}

function alloc(dtype: DType, size: number): TypedArray {
  return dtype === 'int32' ? new Int32Array(size) : new Float32Array(size);
}

const unaryFns: Record<UnaryOp, (v: number) => number> = {
  neg: (v) => -v,
  abs: Math.abs,
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  square: (v) => v * v,
  reciprocal: (v) => 1 / v,
  tanh: Math.tanh,
  sigmoid: (v) => (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v))),
  relu: (v) => (v > 0 ? v : Number.isNaN(v) ? v : 0),
  sign: (v) => (v > 0 ? 1 : v < 0 ? -1 : v === 0 ? 0 : Number.NaN),
  floor: Math.floor,
  round: Math.round,
};

const binaryFns: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: Math.pow,
  maximum: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? Number.NaN : a > b ? a : b),
  minimum: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? Number.NaN : a < b ? a : b),
  equal: (a, b) => (a === b ? 1 : 0),
  notEqual: (a, b) => (a !== b ? 1 : 0),
  less: (a, b) => (a < b ? 1 : 0),
  lessEqual: (a, b) => (a <= b ? 1 : 0),
  greater: (a, b) => (a > b ? 1 : 0),
  greaterEqual: (a, b) => (a >= b ? 1 : 0),
};

const COMPARE = new Set<BinaryOp>(['equal', 'notEqual', 'less', 'lessEqual', 'greater', 'greaterEqual']);

/**
 * For each flat output index of a broadcast, the flat index into an input of shape `inShape`.
 * Returns null when no mapping is needed (same shape).
 */
function broadcastIndex(inShape: Shape, outShape: Shape): Int32Array | null {
  const size = sizeOf(outShape);
  if (inShape.length === outShape.length && inShape.every((d, i) => d === outShape[i])) return null;
  const rank = outShape.length;
  const inStrides = stridesOf(inShape);
  const strides = new Array<number>(rank).fill(0);
  for (let i = 0; i < inShape.length; i++) {
    const o = rank - inShape.length + i;
    strides[o] = inShape[i] === 1 ? 0 : inStrides[i]!;
  }
  const map = new Int32Array(size);
  const idx = new Array<number>(rank).fill(0);
  let flat = 0;
  for (let n = 0; n < size; n++) {
    map[n] = flat;
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
 * The reference backend: plain typed arrays on the CPU. Every other backend is tested against
 * it with the conformance suite in `@recur/tensor/testing`.
 */
export class CpuBackend implements Backend {
  readonly name: string = 'cpu';
  #buffers = 0;
  #bytes = 0;

  /** The stored values without copying (for kernels; do not keep or mutate them). */
  values(x: TensorInfo | DataId): TypedArray {
    const id = 'dataId' in x ? (x as TensorInfo).dataId : x;
    return (id as CpuData).values;
  }

  /** Stores `values` (taking ownership) and returns its handle. */
  write(values: TypedArray): DataId {
    this.#buffers++;
    this.#bytes += values.byteLength;
    return new CpuData(values);
  }

  read(x: TensorInfo): TypedArray {
    return this.values(x).slice();
  }

  dispose(dataId: DataId): void {
    const data = dataId as CpuData;
    if (data.freed) return;
    data.freed = true;
    this.#buffers--;
    this.#bytes -= data.values.byteLength;
  }

  memory(): BackendMemory {
    return { buffers: this.#buffers, bytes: this.#bytes };
  }

  fill(shape: Shape, value: number, dtype: DType): DataId {
    const out = alloc(dtype, sizeOf(shape));
    if (value !== 0) out.fill(value);
    return this.write(out);
  }

  unary(op: UnaryOp, x: TensorInfo): DataId {
    const xs = this.values(x);
    const intResult = x.dtype === 'int32' && !['exp', 'log', 'sqrt', 'reciprocal', 'tanh', 'sigmoid'].includes(op);
    const out = alloc(intResult ? 'int32' : 'float32', xs.length);
    const f = unaryFns[op];
    for (let i = 0; i < xs.length; i++) out[i] = f(xs[i]!);
    return this.write(out);
  }

  binary(op: BinaryOp, a: TensorInfo, b: TensorInfo, outShape: Shape): DataId {
    const av = this.values(a);
    const bv = this.values(b);
    const size = sizeOf(outShape);
    const intOut = COMPARE.has(op) || (a.dtype === 'int32' && b.dtype === 'int32' && op !== 'div' && op !== 'pow');
    const out = alloc(intOut ? 'int32' : 'float32', size);
    const f = binaryFns[op];
    const ai = broadcastIndex(a.shape, outShape);
    const bi = broadcastIndex(b.shape, outShape);
    if (!ai && !bi) {
      for (let i = 0; i < size; i++) out[i] = f(av[i]!, bv[i]!);
    } else if (!ai && bv.length === 1) {
      const s = bv[0]!;
      for (let i = 0; i < size; i++) out[i] = f(av[i]!, s);
    } else {
      for (let i = 0; i < size; i++) out[i] = f(av[ai ? ai[i]! : i]!, bv[bi ? bi[i]! : i]!);
    }
    return this.write(out);
  }

  matmul(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean, outShape: Shape): DataId {
    const av = this.values(a) as Float32Array;
    const bv = this.values(b) as Float32Array;
    const rank = outShape.length;
    const m = outShape[rank - 2]!;
    const n = outShape[rank - 1]!;
    const k = transposeA ? a.shape[a.shape.length - 2]! : a.shape[a.shape.length - 1]!;
    const batchShape = outShape.slice(0, -2);
    const batches = sizeOf(batchShape);
    const aBatch = broadcastIndex(a.shape.slice(0, -2), batchShape);
    const bBatch = broadcastIndex(b.shape.slice(0, -2), batchShape);
    const out = new Float32Array(batches * m * n);
    for (let bi = 0; bi < batches; bi++) {
      const aOff = (aBatch ? aBatch[bi]! : bi) * m * k;
      const bOff = (bBatch ? bBatch[bi]! : bi) * k * n;
      matmulInto(av, aOff, bv, bOff, out, bi * m * n, m, n, k, transposeA, transposeB);
    }
    return this.write(out);
  }

  reduce(op: ReduceOp, x: TensorInfo, axes: readonly number[], outShape: Shape): DataId {
    const xs = this.values(x);
    const outSize = sizeOf(outShape);
    const out = alloc(op === 'mean' ? 'float32' : x.dtype, outSize);
    const reduced = axes.reduce((p, a) => p * x.shape[a]!, 1);
    // Move reduced axes last, then reduce contiguous runs.
    const keep = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
    const perm = [...keep, ...axes];
    const src = isIdentity(perm) ? xs : transposeValues(xs, x.shape, perm, x.dtype);
    for (let o = 0; o < outSize; o++) {
      const base = o * reduced;
      let acc: number;
      if (op === 'sum' || op === 'mean') {
        acc = 0;
        for (let r = 0; r < reduced; r++) acc += src[base + r]!;
        if (op === 'mean') acc /= reduced;
      } else {
        acc = op === 'max' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
        for (let r = 0; r < reduced; r++) {
          const v = src[base + r]!;
          if (Number.isNaN(v)) {
            acc = Number.NaN;
            break;
          }
          if (op === 'max' ? v > acc : v < acc) acc = v;
        }
      }
      out[o] = acc;
    }
    return this.write(out);
  }

  argReduce(op: ArgReduceOp, x: TensorInfo, axis: number, outShape: Shape): DataId {
    const xs = this.values(x);
    const dim = x.shape[axis]!;
    const inner = sizeOf(x.shape.slice(axis + 1));
    const outer = sizeOf(x.shape.slice(0, axis));
    const out = new Int32Array(sizeOf(outShape));
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const base = o * dim * inner + i;
        let best = xs[base]!;
        let at = 0;
        for (let d = 1; d < dim; d++) {
          const v = xs[base + d * inner]!;
          if (Number.isNaN(best)) break;
          if (Number.isNaN(v) || (op === 'argmax' ? v > best : v < best)) {
            best = v;
            at = d;
          }
        }
        out[o * inner + i] = at;
      }
    }
    return this.write(out);
  }

  softmax(x: TensorInfo, axis: number, log: boolean): DataId {
    const xs = this.values(x);
    const dim = x.shape[axis]!;
    const inner = sizeOf(x.shape.slice(axis + 1));
    const outer = sizeOf(x.shape.slice(0, axis));
    const out = new Float32Array(xs.length);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const base = o * dim * inner + i;
        let mx = Number.NEGATIVE_INFINITY;
        for (let d = 0; d < dim; d++) mx = Math.max(mx, xs[base + d * inner]!);
        if (mx === Number.NEGATIVE_INFINITY) mx = 0;
        let total = 0;
        for (let d = 0; d < dim; d++) total += Math.exp(xs[base + d * inner]! - mx);
        const logTotal = Math.log(total);
        for (let d = 0; d < dim; d++) {
          const j = base + d * inner;
          out[j] = log ? xs[j]! - mx - logTotal : Math.exp(xs[j]! - mx) / total;
        }
      }
    }
    return this.write(out);
  }

  slice(x: TensorInfo, begin: readonly number[], size: readonly number[]): DataId {
    const xs = this.values(x);
    const out = alloc(x.dtype, sizeOf(size));
    const rank = x.shape.length;
    if (out.length === 0) return this.write(out);
    const strides = stridesOf(x.shape);
    // Copy contiguous runs of the last dimension.
    const run = size[rank - 1] ?? 1;
    const outer = out.length / run;
    const idx = new Array<number>(Math.max(rank - 1, 0)).fill(0);
    for (let o = 0; o < outer; o++) {
      let src = rank > 0 ? begin[rank - 1]! : 0;
      for (let d = 0; d < rank - 1; d++) src += (begin[d]! + idx[d]!) * strides[d]!;
      out.set(xs.subarray(src, src + run), o * run);
      for (let d = rank - 2; d >= 0; d--) {
        idx[d]!++;
        if (idx[d]! < size[d]!) break;
        idx[d] = 0;
      }
    }
    return this.write(out);
  }

  concat(xs: readonly TensorInfo[], axis: number, outShape: Shape): DataId {
    const out = alloc(xs[0]!.dtype, sizeOf(outShape));
    const outer = sizeOf(outShape.slice(0, axis));
    const outRow = sizeOf(outShape.slice(axis));
    let offset = 0;
    for (const x of xs) {
      const values = this.values(x);
      const row = sizeOf(x.shape.slice(axis));
      for (let o = 0; o < outer; o++) out.set(values.subarray(o * row, (o + 1) * row), o * outRow + offset);
      offset += row;
    }
    return this.write(out);
  }

  gather(x: TensorInfo, indices: TensorInfo, axis: number, outShape: Shape): DataId {
    const xs = this.values(x);
    const idx = this.values(indices);
    const out = alloc(x.dtype, sizeOf(outShape));
    const outer = sizeOf(x.shape.slice(0, axis));
    const dim = x.shape[axis]!;
    const inner = sizeOf(x.shape.slice(axis + 1));
    let p = 0;
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < idx.length; i++) {
        const src = (o * dim + idx[i]!) * inner;
        out.set(xs.subarray(src, src + inner), p);
        p += inner;
      }
    }
    return this.write(out);
  }

  scatterAdd(updates: TensorInfo, indices: TensorInfo, axis: number, outShape: Shape): DataId {
    const us = this.values(updates);
    const idx = this.values(indices);
    const out = alloc(updates.dtype, sizeOf(outShape));
    const outer = sizeOf(outShape.slice(0, axis));
    const dim = outShape[axis]!;
    const inner = sizeOf(outShape.slice(axis + 1));
    let p = 0;
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < idx.length; i++) {
        const dst = (o * dim + idx[i]!) * inner;
        for (let j = 0; j < inner; j++) out[dst + j]! += us[p + j]!;
        p += inner;
      }
    }
    return this.write(out);
  }

  where(cond: TensorInfo, a: TensorInfo, b: TensorInfo, outShape: Shape): DataId {
    const cv = this.values(cond);
    const av = this.values(a);
    const bv = this.values(b);
    const size = sizeOf(outShape);
    const out = alloc(a.dtype === 'int32' && b.dtype === 'int32' ? 'int32' : 'float32', size);
    const ci = broadcastIndex(cond.shape, outShape);
    const ai = broadcastIndex(a.shape, outShape);
    const bi = broadcastIndex(b.shape, outShape);
    for (let i = 0; i < size; i++) {
      out[i] = cv[ci ? ci[i]! : i] ? av[ai ? ai[i]! : i]! : bv[bi ? bi[i]! : i]!;
    }
    return this.write(out);
  }

  clamp(x: TensorInfo, low: number, high: number): DataId {
    const xs = this.values(x);
    const out = alloc(x.dtype, xs.length);
    for (let i = 0; i < xs.length; i++) {
      const v = xs[i]!;
      out[i] = v < low ? low : v > high ? high : v;
    }
    return this.write(out);
  }

  transpose(x: TensorInfo, perm: readonly number[]): DataId {
    return this.write(transposeValues(this.values(x), x.shape, perm, x.dtype));
  }

  cast(x: TensorInfo, dtype: DType): DataId {
    const xs = this.values(x);
    if (dtype === 'int32') {
      const out = new Int32Array(xs.length);
      for (let i = 0; i < xs.length; i++) out[i] = Math.trunc(xs[i]!);
      return this.write(out);
    }
    return this.write(Float32Array.from(xs));
  }
}

function isIdentity(perm: readonly number[]): boolean {
  return perm.every((p, i) => p === i);
}

function transposeValues(xs: TypedArray, shape: Shape, perm: readonly number[], dtype: DType): TypedArray {
  const out = alloc(dtype, xs.length);
  if (xs.length === 0) return out;
  const rank = shape.length;
  const inStrides = stridesOf(shape);
  const outShape = perm.map((p) => shape[p]!);
  const strides = perm.map((p) => inStrides[p]!);
  const idx = new Array<number>(rank).fill(0);
  let src = 0;
  for (let n = 0; n < out.length; n++) {
    out[n] = xs[src]!;
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]!++;
      src += strides[d]!;
      if (idx[d]! < outShape[d]!) break;
      src -= strides[d]! * idx[d]!;
      idx[d] = 0;
    }
  }
  return out;
}

/**
 * `out[m×n] = op(a)[m×k] · op(b)[k×n]` at the given offsets. The reference pure-TypeScript
 * kernel (i-k-j order so the inner loop runs along contiguous rows).
 */
export function matmulInto(
  a: Float32Array,
  aOff: number,
  b: Float32Array,
  bOff: number,
  out: Float32Array,
  outOff: number,
  m: number,
  n: number,
  k: number,
  transposeA: boolean,
  transposeB: boolean,
): void {
  const aRow = transposeA ? 1 : k;
  const aCol = transposeA ? m : 1;
  if (!transposeB) {
    for (let i = 0; i < m; i++) {
      const o = outOff + i * n;
      for (let p = 0; p < k; p++) {
        const av = a[aOff + i * aRow + p * aCol]!;
        const bo = bOff + p * n;
        for (let j = 0; j < n; j++) out[o + j]! += av * b[bo + j]!;
      }
    }
    return;
  }
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let acc = 0;
      const bo = bOff + j * k;
      for (let p = 0; p < k; p++) acc += a[aOff + i * aRow + p * aCol]! * b[bo + p]!;
      out[outOff + i * n + j] = acc;
    }
  }
}
