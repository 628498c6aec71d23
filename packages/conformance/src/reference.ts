/**
 * Naive float64 reference implementations, in plain JavaScript, that the conformance suite
 * compares backends against. Written for obviousness, not speed: every output element is
 * computed from its multi-index.
 */

/** Values (float64, row-major) with a shape. */
export interface Ref {
  values: number[];
  shape: number[];
}

/** The number of elements of `shape`. */
export function sizeOfShape(shape: readonly number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}

function stridesOfShape(shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    out[i] = s;
    s *= shape[i]!;
  }
  return out;
}

/** The multi-index of flat index `flat` in `shape`. */
export function unravel(flat: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = flat % shape[d]!;
    flat = Math.floor(flat / shape[d]!);
  }
  return idx;
}

/** The flat index of multi-index `idx` in `shape`. */
export function ravel(idx: readonly number[], shape: readonly number[]): number {
  const strides = stridesOfShape(shape);
  return idx.reduce((p, i, d) => p + i * strides[d]!, 0);
}

/** NumPy broadcasting of two shapes (assumed compatible). */
export function broadcastShape(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** The element of `x` that output multi-index `idx` (of a larger, broadcast shape) reads. */
function broadcastRead(x: Ref, idx: readonly number[]): number {
  const lead = idx.length - x.shape.length;
  const own = x.shape.map((d, i) => (d === 1 ? 0 : idx[lead + i]!));
  return x.values[ravel(own, x.shape)]!;
}

/** `f(a, b)` elementwise with broadcasting. */
export function refBinary(a: Ref, b: Ref, f: (x: number, y: number) => number): Ref {
  const shape = broadcastShape(a.shape, b.shape);
  const values: number[] = [];
  for (let i = 0; i < sizeOfShape(shape); i++) {
    const idx = unravel(i, shape);
    values.push(f(broadcastRead(a, idx), broadcastRead(b, idx)));
  }
  return { values, shape };
}

/** `cond ? a : b` with broadcasting of all three. */
export function refWhere(cond: Ref, a: Ref, b: Ref): Ref {
  const shape = broadcastShape(broadcastShape(cond.shape, a.shape), b.shape);
  const values: number[] = [];
  for (let i = 0; i < sizeOfShape(shape); i++) {
    const idx = unravel(i, shape);
    values.push(broadcastRead(cond, idx) !== 0 ? broadcastRead(a, idx) : broadcastRead(b, idx));
  }
  return { values, shape };
}

/** `f` applied to every element. */
export function refUnary(x: Ref, f: (v: number) => number): Ref {
  return { values: x.values.map(f), shape: [...x.shape] };
}

/** Batched matmul with broadcast batch dimensions and transpose flags, summed in float64. */
export function refMatmul(a: Ref, b: Ref, transposeA = false, transposeB = false): Ref {
  const ar = a.shape.length;
  const br = b.shape.length;
  const m = transposeA ? a.shape[ar - 1]! : a.shape[ar - 2]!;
  const k = transposeA ? a.shape[ar - 2]! : a.shape[ar - 1]!;
  const n = transposeB ? b.shape[br - 2]! : b.shape[br - 1]!;
  const aBatch = a.shape.slice(0, -2);
  const bBatch = b.shape.slice(0, -2);
  const batch = broadcastShape(aBatch, bBatch);
  const values: number[] = [];
  for (let t = 0; t < sizeOfShape(batch); t++) {
    // the matrices of a and b that batch element t reads
    const idx = unravel(t, batch);
    const pick = (own: number[]) =>
      own.map((d, i) => (d === 1 ? 0 : idx[idx.length - own.length + i]!));
    const aBase = ravel(pick(aBatch), aBatch) * m * k;
    const bBase = ravel(pick(bBatch), bBatch) * k * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let acc = 0;
        for (let p = 0; p < k; p++) {
          const av = a.values[aBase + (transposeA ? p * m + i : i * k + p)]!;
          const bv = b.values[bBase + (transposeB ? j * k + p : p * n + j)]!;
          acc += av * bv;
        }
        values.push(acc);
      }
    }
  }
  return { values, shape: [...batch, m, n] };
}

/** Sum, mean, max or min over `axes`; NaN wins in max and min. */
export function refReduce(
  x: Ref,
  axes: readonly number[],
  keepDims: boolean,
  op: 'sum' | 'mean' | 'max' | 'min',
): Ref {
  const rank = x.shape.length;
  const ax = axes.map((a) => (a < 0 ? a + rank : a));
  const keptShape = x.shape.map((d, i) => (ax.includes(i) ? 1 : d));
  const groups = new Map<number, number[]>();
  for (let i = 0; i < x.values.length; i++) {
    const idx = unravel(i, x.shape).map((v, d) => (ax.includes(d) ? 0 : v));
    const key = ravel(idx, keptShape);
    const list = groups.get(key) ?? [];
    list.push(x.values[i]!);
    groups.set(key, list);
  }
  const values: number[] = [];
  for (let o = 0; o < sizeOfShape(keptShape); o++) {
    const list = groups.get(o) ?? [];
    if (op === 'sum') values.push(list.reduce((p, v) => p + v, 0));
    else if (op === 'mean') values.push(list.reduce((p, v) => p + v, 0) / list.length);
    else if (list.some(Number.isNaN)) values.push(Number.NaN);
    else values.push(op === 'max' ? Math.max(...list) : Math.min(...list));
  }
  const shape = keepDims ? keptShape : x.shape.filter((_, i) => !ax.includes(i));
  return { values, shape };
}

/** Index of the first max/min along `axis` (the first NaN wins). */
export function refArgReduce(x: Ref, axis: number, op: 'argmax' | 'argmin'): Ref {
  const rank = x.shape.length;
  const a = axis < 0 ? axis + rank : axis;
  const shape = x.shape.filter((_, i) => i !== a);
  const values: number[] = [];
  for (let o = 0; o < sizeOfShape(shape); o++) {
    const idx = unravel(o, shape);
    const read = (d: number) => x.values[ravel([...idx.slice(0, a), d, ...idx.slice(a)], x.shape)]!;
    let best = read(0);
    let at = 0;
    for (let d = 1; d < x.shape[a]! && !Number.isNaN(best); d++) {
      const v = read(d);
      if (Number.isNaN(v) || (op === 'argmax' ? v > best : v < best)) {
        best = v;
        at = d;
      }
    }
    values.push(at);
  }
  return { values, shape };
}

/** Softmax or log-softmax along `axis`, in float64 (max-subtracted). */
export function refSoftmax(x: Ref, axis: number, log: boolean): Ref {
  const rank = x.shape.length;
  const a = axis < 0 ? axis + rank : axis;
  const values = new Array<number>(x.values.length).fill(0);
  const outer = x.shape.filter((_, i) => i !== a);
  for (let o = 0; o < sizeOfShape(outer); o++) {
    const idx = unravel(o, outer);
    const flats: number[] = [];
    for (let d = 0; d < x.shape[a]!; d++)
      flats.push(ravel([...idx.slice(0, a), d, ...idx.slice(a)], x.shape));
    const row = flats.map((f) => x.values[f]!);
    const mx = row.some(Number.isNaN) ? Number.NaN : Math.max(...row);
    const shift = mx === Number.NEGATIVE_INFINITY ? 0 : mx;
    // a +Inf max: the +Inf entries share the probability (the limit), the rest get 0
    const minus = (v: number) =>
      shift === Number.POSITIVE_INFINITY ? (v === shift ? 0 : Number.NEGATIVE_INFINITY) : v - shift;
    const total = row.reduce((p, v) => p + Math.exp(minus(v)), 0);
    flats.forEach((f, d) => {
      values[f] = log ? minus(row[d]!) - Math.log(total) : Math.exp(minus(row[d]!)) / total;
    });
  }
  return { values, shape: [...x.shape] };
}

/** `x` with its dimensions permuted by `perm`. */
export function refTranspose(x: Ref, perm: readonly number[]): Ref {
  const shape = perm.map((p) => x.shape[p]!);
  const values: number[] = [];
  for (let o = 0; o < sizeOfShape(shape); o++) {
    const idx = unravel(o, shape);
    const src = new Array<number>(perm.length);
    perm.forEach((p, d) => {
      src[p] = idx[d]!;
    });
    values.push(x.values[ravel(src, x.shape)]!);
  }
  return { values, shape };
}

/** The block of `x` at `begin` with extent `size`. */
export function refSlice(x: Ref, begin: readonly number[], size: readonly number[]): Ref {
  const values: number[] = [];
  for (let o = 0; o < sizeOfShape(size); o++) {
    const idx = unravel(o, size).map((v, d) => v + begin[d]!);
    values.push(x.values[ravel(idx, x.shape)]!);
  }
  return { values, shape: [...size] };
}

/** `xs` joined along `axis`. */
export function refConcat(xs: readonly Ref[], axis: number): Ref {
  const rank = xs[0]!.shape.length;
  const a = axis < 0 ? axis + rank : axis;
  const shape = [...xs[0]!.shape];
  shape[a] = xs.reduce((p, x) => p + x.shape[a]!, 0);
  const values: number[] = [];
  for (let o = 0; o < sizeOfShape(shape); o++) {
    const idx = unravel(o, shape);
    let pos = idx[a]!;
    let part = 0;
    while (pos >= xs[part]!.shape[a]!) pos -= xs[part++]!.shape[a]!;
    const local = [...idx];
    local[a] = pos;
    values.push(xs[part]!.values[ravel(local, xs[part]!.shape)]!);
  }
  return { values, shape };
}

/** Slices of `x` along `axis` picked by `indices` (any shape). */
export function refGather(x: Ref, indices: Ref, axis: number): Ref {
  const shape = [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)];
  const ir = indices.shape.length;
  const values: number[] = [];
  for (let o = 0; o < sizeOfShape(shape); o++) {
    const idx = unravel(o, shape);
    const which = indices.values[ravel(idx.slice(axis, axis + ir), indices.shape)]!;
    values.push(x.values[ravel([...idx.slice(0, axis), which, ...idx.slice(axis + ir)], x.shape)]!);
  }
  return { values, shape };
}

/** Zeros of `shape` with each slice of `updates` added at its index along `axis`. */
export function refScatterAdd(
  updates: Ref,
  indices: Ref,
  shape: readonly number[],
  axis: number,
): Ref {
  const values = new Array<number>(sizeOfShape(shape)).fill(0);
  const ir = indices.shape.length;
  for (let u = 0; u < updates.values.length; u++) {
    const idx = unravel(u, updates.shape);
    const which = indices.values[ravel(idx.slice(axis, axis + ir), indices.shape)]!;
    const dst = [...idx.slice(0, axis), which, ...idx.slice(axis + ir)];
    values[ravel(dst, shape)]! += updates.values[u]!;
  }
  return { values, shape: [...shape] };
}
