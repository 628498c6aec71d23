import { type Shape, sizeOf, stridesOf } from '../../shape.js';
import { divFloor, kernelSource, keyOf, type Program, unravel } from '../codegen.js';

/** Offset of batch `b` (coordinates `${prefix}d` over `batchShape`) into an operand with `opBatch` leading dims. */
function batchOffset(
  opBatch: Shape,
  batchShape: Shape,
  matrixSize: number,
  prefix: string,
): string {
  const strides = stridesOf(opBatch);
  const lead = batchShape.length - opBatch.length;
  const terms: string[] = [];
  opBatch.forEach((dim, i) => {
    if (dim !== 1) terms.push(`${prefix}${lead + i} * ${strides[i]! * matrixSize}`);
  });
  return terms.length ? terms.join(' + ') : '0';
}

/**
 * `out[...batch, m, n] = op(a) · op(b)`: one thread per output element, a loop over `k` with
 * the bound baked in. Batch dimensions broadcast as in the CPU backend. With `kRange` only that
 * slice of the inner dimension is summed (the backend adds the slices of a very long `k`).
 */
export function matmulProgram(
  a: Shape,
  b: Shape,
  transposeA: boolean,
  transposeB: boolean,
  outShape: Shape,
  kRange: { start: number; length: number } | null = null,
): Program {
  const rank = outShape.length;
  const m = outShape[rank - 2]!;
  const n = outShape[rank - 1]!;
  const k = transposeA ? a[a.length - 2]! : a[a.length - 1]!;
  const batchShape = outShape.slice(0, -2);
  const aRow = transposeA ? 1 : k;
  const aCol = transposeA ? m : 1;
  const bRow = transposeB ? 1 : n;
  const bCol = transposeB ? k : 1;
  const lines = [
    'const i = this.thread.x;',
    ...divFloor('q', 'i', n),
    `const col = i - q * ${n};`,
    ...divFloor('batch', 'q', m),
    `const row = q - batch * ${m};`,
  ];
  if (batchShape.length) lines.push(...unravel('batch', batchShape, 'bc'));
  const aBase = batchShape.length ? batchOffset(a.slice(0, -2), batchShape, m * k, 'bc') : '0';
  const bBase = batchShape.length ? batchOffset(b.slice(0, -2), batchShape, k * n, 'bc') : '0';
  lines.push(
    `const aAt = ${aBase} + row * ${aRow};`,
    `const bAt = ${bBase} + col * ${bCol};`,
    'let acc = 0;',
    `for (let p = ${kRange?.start ?? 0}; p < ${kRange ? kRange.start + kRange.length : k}; p++) {`,
    `  acc += x0[aAt + p * ${aCol}] * x1[bAt + p * ${bRow}];`,
    '}',
    'return acc;',
  );
  const range = kRange ? `k${kRange.start}+${kRange.length}` : '';
  return {
    name: `matmul${transposeA ? 'T' : 'N'}${transposeB ? 'T' : 'N'}${keyOf(a, b, outShape)}${range}`,
    source: kernelSource(['x0', 'x1'], lines),
    size: sizeOf(outShape),
  };
}
