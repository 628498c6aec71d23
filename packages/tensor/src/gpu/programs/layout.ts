import { type Shape, sizeOf, stridesOf } from '../../shape.js';
import { divFloor, kernelSource, keyOf, type Program, unravel } from '../codegen.js';

/** Most inputs one concat kernel reads (texture units are limited; longer lists go in rounds). */
export const CONCAT_MAX_INPUTS = 8;

/** The block of `shape` starting at `begin` with extent `size`. */
export function sliceProgram(
  shape: Shape,
  begin: readonly number[],
  size: readonly number[],
): Program {
  const strides = stridesOf(shape);
  const start = begin.reduce((p, b, d) => p + b * strides[d]!, 0);
  const terms = size
    .map((dim, d) => (dim === 1 ? null : `c${d} * ${strides[d]!}`))
    .filter((t) => t !== null);
  const lines = [
    'const i = this.thread.x;',
    ...unravel('i', size, 'c'),
    `return x0[${[String(start), ...terms].join(' + ')}];`,
  ];
  return {
    name: `slice${keyOf(shape)}@${begin.join(',')}${keyOf(size)}`,
    source: kernelSource(['x0'], lines),
    size: sizeOf(size),
  };
}

/** Dimensions permuted: output dimension d is input dimension perm[d]. */
export function transposeProgram(shape: Shape, perm: readonly number[], outShape: Shape): Program {
  const strides = stridesOf(shape);
  const terms = outShape
    .map((dim, d) => (dim === 1 ? null : `c${d} * ${strides[perm[d]!]!}`))
    .filter((t) => t !== null);
  const lines = [
    'const i = this.thread.x;',
    ...unravel('i', outShape, 'c'),
    `return x0[${terms.length ? terms.join(' + ') : '0'}];`,
  ];
  return {
    name: `transpose${keyOf(shape)}{${perm.join(',')}}`,
    source: kernelSource(['x0'], lines),
    size: sizeOf(outShape),
  };
}

/** Up to {@link CONCAT_MAX_INPUTS} non-empty inputs joined along `axis`. */
export function concatProgram(shapes: readonly Shape[], axis: number, outShape: Shape): Program {
  const outRow = sizeOf(outShape.slice(axis));
  const lines = [
    'const i = this.thread.x;',
    ...divFloor('o', 'i', outRow),
    `const r = i - o * ${outRow};`,
  ];
  let offset = 0;
  shapes.forEach((shape, k) => {
    const row = sizeOf(shape.slice(axis));
    const read = `x${k}[o * ${row} + r - ${offset}]`;
    offset += row;
    lines.push(
      k === shapes.length - 1 ? `return ${read};` : `if (r < ${offset}) { return ${read}; }`,
    );
  });
  return {
    name: `concat{${axis}}${keyOf(outShape, ...shapes)}`,
    source: kernelSource(
      shapes.map((_, k) => `x${k}`),
      lines,
    ),
    size: sizeOf(outShape),
  };
}

/** Slices of `x` along `axis` picked by the (float-stored, exact) integer `indices`. */
export function gatherProgram(
  shape: Shape,
  indicesSize: number,
  axis: number,
  outShape: Shape,
): Program {
  const dim = shape[axis]!;
  const inner = sizeOf(shape.slice(axis + 1));
  const lines = [
    'const i = this.thread.x;',
    ...divFloor('o', 'i', indicesSize * inner),
    `const rest = i - o * ${indicesSize * inner};`,
    ...divFloor('k', 'rest', inner),
    `const j = rest - k * ${inner};`,
    'const row = x1[k];',
    `return x0[(o * ${dim} + row) * ${inner} + j];`,
  ];
  return {
    name: `gather{${axis}}${keyOf(shape)}[${indicesSize}]`,
    source: kernelSource(['x0', 'x1'], lines),
    size: sizeOf(outShape),
  };
}

/**
 * The adjoint of gather, for a group of `groupSize` of the `indicesSize` positions. Inputs:
 * `updates`, `starts` (dim + 1 values: where each row's contributions begin in `order`) and
 * `order` (the group's positions into `indices`, grouped by row and ascending within a row, so
 * sums run in the CPU backend's order). Built on the CPU from the indices: each output element
 * then loops only over its own contributions.
 */
export function scatterAddProgram(
  indicesSize: number,
  groupSize: number,
  axis: number,
  outShape: Shape,
): Program {
  const dim = outShape[axis]!;
  const inner = sizeOf(outShape.slice(axis + 1));
  const lines = [
    'const i = this.thread.x;',
    ...divFloor('o', 'i', dim * inner),
    `const rest = i - o * ${dim * inner};`,
    ...divFloor('d', 'rest', inner),
    `const j = rest - d * ${inner};`,
    'const first = x1[d];',
    'const count = x1[d + 1] - first;',
    'let acc = 0;',
    `for (let r = 0; r < ${groupSize}; r++) {`,
    '  if (r >= count) { break; }',
    '  const at = x2[first + r];',
    `  acc += x0[(o * ${indicesSize} + at) * ${inner} + j];`,
    '}',
    'return acc;',
  ];
  return {
    name: `scatterAdd{${axis}}[${indicesSize}/${groupSize}]${keyOf(outShape)}`,
    source: kernelSource(['x0', 'x1', 'x2'], lines),
    size: sizeOf(outShape),
  };
}
