import { type Shape, shapesEqual as sameShape, sizeOf } from '../shape.js';

/**
 * How a broadcast elementwise op walks its operands: the output's dimensions with size-1 ones
 * dropped and neighbours that broadcast alike merged, and for each operand its element stride
 * per merged dimension (0 where it is broadcast). Same shapes become one dimension with strides
 * 1 and 1; a scalar operand has stride 0; a row vector against a matrix gives two dimensions.
 */
export interface BroadcastPlan {
  dims: number[];
  strides: number[][];
}

/** Plans a walk over `outShape` for operands of `shapes` (each broadcastable to it). */
export function planBroadcast(shapes: readonly Shape[], outShape: Shape): BroadcastPlan {
  const rank = outShape.length;
  if (shapes.every((s) => s === outShape || sameShape(s, outShape))) {
    // the common case, without the general walk
    const size = sizeOf(outShape);
    return size === 1
      ? { dims: [], strides: shapes.map(() => []) }
      : { dims: [size], strides: shapes.map(() => [1]) };
  }
  const dims: number[] = [];
  const full: boolean[][] = [];
  for (let d = 0; d < rank; d++) {
    const size = outShape[d]!;
    if (size === 1) continue;
    const pattern = shapes.map((s) => (s[d - rank + s.length] ?? 1) !== 1);
    const last = full[full.length - 1];
    if (last && pattern.every((p, i) => p === last[i])) dims[dims.length - 1]! *= size;
    else {
      dims.push(size);
      full.push(pattern);
    }
  }
  const strides = shapes.map((_, i) => {
    const out = new Array<number>(dims.length);
    let stride = 1;
    for (let d = dims.length - 1; d >= 0; d--) {
      if (full[d]![i]) {
        out[d] = stride;
        stride *= dims[d]!;
      } else out[d] = 0;
    }
    return out;
  });
  return { dims, strides };
}

/**
 * Calls `block(offsets, outOffset)` for each innermost block of a plan: `rows × cols` outputs
 * (the last two merged dimensions), where `offsets[i]` is operand i's first element.
 */
export function forEachBlock(
  plan: BroadcastPlan,
  outSize: number,
  block: (offsets: readonly number[], outOffset: number) => void,
): void {
  const { dims, strides } = plan;
  const rank = dims.length;
  const blockSize = (rank > 0 ? dims[rank - 1]! : 1) * (rank > 1 ? dims[rank - 2]! : 1);
  if (outSize === 0) return;
  const outerRank = Math.max(rank - 2, 0);
  const outer = outSize / blockSize;
  const idx = new Array<number>(outerRank).fill(0);
  const offsets = strides.map(() => 0);
  for (let o = 0; o < outer; o++) {
    block(offsets, o * blockSize);
    for (let d = outerRank - 1; d >= 0; d--) {
      idx[d]!++;
      for (let i = 0; i < offsets.length; i++) offsets[i]! += strides[i]![d]!;
      if (idx[d]! < dims[d]!) break;
      for (let i = 0; i < offsets.length; i++) offsets[i]! -= strides[i]![d]! * idx[d]!;
      idx[d] = 0;
    }
  }
}

/** The last two merged dimensions of a plan as `rows × cols`, with each operand's steps. */
export function innerBlock(plan: BroadcastPlan): {
  rows: number;
  cols: number;
  inc: number[];
  row: number[];
} {
  const rank = plan.dims.length;
  return {
    cols: rank > 0 ? plan.dims[rank - 1]! : 1,
    rows: rank > 1 ? plan.dims[rank - 2]! : 1,
    inc: plan.strides.map((s) => (rank > 0 ? s[rank - 1]! : 0)),
    row: plan.strides.map((s) => (rank > 1 ? s[rank - 2]! : 0)),
  };
}
