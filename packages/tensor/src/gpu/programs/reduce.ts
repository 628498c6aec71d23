import type { ArgReduceOp, ReduceOp } from '../../backend.js';
import { type Shape, sizeOf, stridesOf } from '../../shape.js';
import {
  divFloor,
  INF,
  kernelSource,
  keyOf,
  NAN,
  nanTest,
  ONE,
  type Program,
  unravel,
} from '../codegen.js';

/**
 * Reductions longer than this are split: a first kernel reduces chunks of about √n elements in
 * parallel, a second (the same programs over the partial results) finishes. That keeps every
 * kernel's loops short — Mesa's llvmpipe stops a shader's loops after 65,535 iterations in
 * total — and gives the GPU √n threads per result instead of one.
 */
export const SPLIT_REDUCTION = 4096;

/** The chunk length a split reduction of `count` elements uses (≤ {@link SPLIT_REDUCTION}). */
export function chunkLength(count: number): number {
  return Math.min(SPLIT_REDUCTION, Math.ceil(Math.sqrt(count)));
}

/**
 * Statements adding `readValue(r)`'s `value` for each r the loop visits into `acc` (declared
 * here) with Neumaier's compensated summation: float32 on the GPU, yet as exact as the CPU's
 * float64 accumulation on cancelling sums ([1e8, 1, −1e8] gives 1). `ONE` is a uniform holding 1:
 * multiplying by it keeps shader compilers from reassociating the compensation `(s − t) + v` into
 * `(s + v) − t`, which is 0.
 */
function sumLoop(
  acc: string,
  loop: Loop,
  readValue: (r: string) => string[],
  value: string,
): string[] {
  const [sum, comp, next] = [`${acc}Sum`, `${acc}Comp`, `${acc}Next`];
  return [
    `let ${sum} = 0;`,
    `let ${comp} = 0;`,
    ...loop.open,
    ...readValue('r').map((l) => `  ${l}`),
    `  const ${next} = (${sum} + ${value}) * ${ONE};`,
    `  if (Math.abs(${sum}) >= Math.abs(${value})) {`,
    `    ${comp} += (${sum} - ${next}) * ${ONE} + ${value};`,
    '  } else {',
    `    ${comp} += (${value} - ${next}) * ${ONE} + ${sum};`,
    '  }',
    `  ${sum} = ${next};`,
    '}',
    `const ${acc} = ${sum} + ${comp};`,
  ];
}

/**
 * A loop over reduced elements `r`: all `count` of them, or, in a split reduction, chunk `part`
 * (a variable) of `chunk` elements. `first` is the first element's index.
 */
interface Loop {
  open: string[];
  first: string;
}

function loopOver(count: number, chunk: number | null, from = 0): Loop {
  if (chunk === null) {
    return { open: [`for (let r = ${from}; r < ${count}; r++) {`], first: '0' };
  }
  return {
    open: [
      `for (let step = ${from}; step < ${chunk}; step++) {`,
      `  const r = part * ${chunk} + step;`,
      `  if (r >= ${count}) { break; }`,
    ],
    first: `part * ${chunk}`,
  };
}

/** Statements that declare `off` as the offset of reduced element `r` (over `axes` of `shape`). */
function reducedOffset(
  shape: Shape,
  axes: readonly number[],
  r: string,
  off = 'off',
  prefix = 'rc',
): string[] {
  const strides = stridesOf(shape);
  const contiguous = axes.every((a, i) => i === 0 || a === axes[i - 1]! + 1);
  if (contiguous) return [`const ${off} = (${r}) * ${strides[axes[axes.length - 1]!]!};`];
  const reducedShape = axes.map((a) => shape[a]!);
  const terms = axes.map((a, j) => `${prefix}${j} * ${strides[a]!}`);
  return [...unravel(`(${r})`, reducedShape, prefix), `const ${off} = ${terms.join(' + ')};`];
}

/** How a reduction is run: whole, or as the first pass of a split one. */
export interface ReduceOptions {
  /** Reduce chunks of this many elements: output `[outSize, ceil(count / chunk)]` partials. */
  chunk?: number;
  /** `mean` divides the sum by this (default: the number of elements reduced). */
  divisor?: number;
}

/**
 * sum/mean/max/min over `axes` (sorted, distinct, at least one element reduced): one thread per
 * output element (or per chunk of one, with `options.chunk`) loops over the reduced elements. A
 * NaN anywhere makes max/min NaN; it is kept in a flag, as compilers turn `if (v > m) m = v` into
 * max(), which drops NaN.
 */
export function reduceProgram(
  op: ReduceOp,
  shape: Shape,
  axes: readonly number[],
  outShape: Shape,
  options: ReduceOptions = {},
): Program {
  const strides = stridesOf(shape);
  const kept = shape.map((_, d) => d).filter((d) => !axes.includes(d));
  const count = axes.reduce((p, a) => p * shape[a]!, 1);
  const chunk = options.chunk ?? null;
  const parts = chunk === null ? 1 : Math.ceil(count / chunk);
  const lines = ['const i = this.thread.x;'];
  if (chunk === null) lines.push('const lane = i;');
  else lines.push(...divFloor('lane', 'i', parts), `const part = i - lane * ${parts};`);
  lines.push(...unravel('lane', outShape, 'c'));
  const baseTerms = kept.map((d, j) => `c${j} * ${strides[d]!}`);
  lines.push(`const base = ${baseTerms.length ? baseTerms.join(' + ') : '0'};`);
  const valueAt = (r: string) => [...reducedOffset(shape, axes, r), 'const v = x0[base + off];'];
  const name = `reduce:${op}${keyOf(shape)}{${axes.join(',')}}${chunk === null ? '' : `/${chunk}`}${options.divisor ? `÷${options.divisor}` : ''}`;
  if (op === 'sum' || op === 'mean') {
    const divisor = options.divisor ?? count;
    lines.push(
      ...sumLoop('acc', loopOver(count, chunk), valueAt, 'v'),
      op === 'mean' ? `return acc / ${divisor};` : 'return acc;',
    );
    return { name, source: kernelSource(['x0', ONE], lines), size: sizeOf(outShape) * parts };
  }
  const loop = loopOver(count, chunk, 1);
  lines.push(
    ...reducedOffset(shape, axes, loop.first, 'firstOff', 'fc'),
    'let m = x0[base + firstOff];',
    'let nan = 0;',
    `if (${nanTest('m')}) { nan = 1; }`,
    ...loop.open,
    ...valueAt('r').map((l) => `  ${l}`),
    `  if (${nanTest('v')}) { nan = 1; } else if (v ${op === 'max' ? '>' : '<'} m) { m = v; }`,
    '}',
    `if (nan == 1) { return ${NAN}; }`,
    'return m;',
  );
  return { name, source: kernelSource(['x0', NAN], lines), size: sizeOf(outShape) * parts };
}

/**
 * Index of the first max/min along `axis`; a NaN wins (as in the CPU backend).
 *
 * - Whole: one thread per lane.
 * - `chunk` given, first pass: one thread per (lane, chunk), returning the winner's index along
 *   the axis; output `[lanes, parts]`.
 * - `parts` given, second pass: `x1` holds those candidate indices; the first best of them wins.
 */
export function argReduceProgram(
  op: ArgReduceOp,
  shape: Shape,
  axis: number,
  outShape: Shape,
  split: { chunk: number } | { parts: number } | null = null,
): Program {
  const dim = shape[axis]!;
  const inner = sizeOf(shape.slice(axis + 1));
  const better = op === 'argmax' ? 'v > best' : 'v < best';
  const chunk = split && 'chunk' in split ? split.chunk : null;
  const parts =
    split && 'parts' in split ? split.parts : chunk === null ? 1 : Math.ceil(dim / chunk);
  const lines = ['const i = this.thread.x;'];
  if (chunk === null) lines.push('const lane = i;');
  else lines.push(...divFloor('lane', 'i', parts), `const part = i - lane * ${parts};`);
  lines.push(
    ...divFloor('o', 'lane', inner),
    `const base = o * ${dim * inner} + (lane - o * ${inner});`,
  );
  let candidate: (r: string) => string;
  let loop: Loop;
  if (split && 'parts' in split) {
    candidate = (r) => `x1[lane * ${parts} + ${r}]`;
    loop = loopOver(parts, null, 1);
    loop.first = '0';
  } else {
    candidate = (r) => r;
    loop = loopOver(dim, chunk, 1);
  }
  lines.push(
    `let at = ${candidate(loop.first)};`,
    `let best = x0[base + at * ${inner}];`,
    'let done = 0;',
    `if (${nanTest('best')}) { done = 1; }`,
    ...loop.open,
    '  if (done == 0) {',
    `    const d = ${candidate('r')};`,
    `    const v = x0[base + d * ${inner}];`,
    `    if (${nanTest('v')}) { at = d; done = 1; } else if (${better}) { best = v; at = d; }`,
    '  }',
    '}',
    'return at;',
  );
  const mode = split === null ? '' : chunk !== null ? `/${chunk}` : `<${parts}`;
  return {
    name: `${op}${keyOf(shape)}{${axis}}${mode}`,
    source: kernelSource(split && 'parts' in split ? ['x0', 'x1'] : ['x0'], lines),
    size: sizeOf(outShape) * (chunk === null ? 1 : parts),
  };
}

/** Softmax axes longer than this take the split path (max and Σexp as split reductions). */
export const SOFTMAX_ONE_PASS = SPLIT_REDUCTION / 2;

/**
 * Softmax, first pass for axes up to {@link SOFTMAX_ONE_PASS} long: for each lane along `axis`,
 * its max (element 2·lane) and Σ exp(x − max) (element 2·lane + 1). A NaN makes both NaN; an
 * all −∞ lane uses max 0 (its softmax is then NaN, 0/0, as in the CPU backend).
 */
export function softmaxStatsProgram(shape: Shape, axis: number): Program {
  const dim = shape[axis]!;
  const inner = sizeOf(shape.slice(axis + 1));
  const lanes = sizeOf(shape) / dim;
  const body = [
    'const t = this.thread.x;',
    ...divFloor('lane', 't', 2),
    'const which = t - lane * 2;',
    ...divFloor('o', 'lane', inner),
    `const base = o * ${dim * inner} + (lane - o * ${inner});`,
    `let mx = -${INF};`,
    'let nan = 0;',
    `for (let d = 0; d < ${dim}; d++) {`,
    `  const v = x0[base + d * ${inner}];`,
    `  if (${nanTest('v')}) { nan = 1; } else if (v > mx) { mx = v; }`,
    '}',
    `if (nan == 1) { return ${NAN}; }`,
    `if (mx == -${INF}) { mx = 0; }`,
    'if (which == 0) { return mx; }',
    ...sumLoop(
      'total',
      loopOver(dim, null),
      (r) => [
        `const v = x0[base + ${r} * ${inner}];`,
        ...shiftedInto('shifted', 'v'),
        'const e = Math.exp(shifted);',
      ],
      'e',
    ),
    'return total;',
  ];
  return {
    name: `softmaxStats${keyOf(shape)}{${axis}}`,
    source: kernelSource(['x0', INF, NAN, ONE], body),
    size: 2 * lanes,
  };
}

/**
 * Statements declaring `name` = `v − mx`, where a +Inf `mx` gives 0 for a +Inf `v` and −Inf for
 * every other (the limit, as the CPU backend computes it; Inf − Inf would be NaN).
 */
function shiftedInto(name: string, v: string): string[] {
  return [
    `let ${name} = ${v} - mx;`,
    `if (mx == ${INF}) { if (${v} == ${INF}) { ${name} = 0; } else { ${name} = -${INF}; } }`,
  ];
}

/** Statements declaring `lane` (and `d`, the position along the axis) for element `i`. */
function laneOf(dim: number, inner: number): string[] {
  return [
    ...divFloor('o', 'i', dim * inner),
    `const rest = i - o * ${dim * inner};`,
    ...divFloor('d', 'rest', inner),
    `const lane = o * ${inner} + (rest - d * ${inner});`,
  ];
}

/**
 * The split path's shift: exp(x − max) with the lane max from `x1` (an all −∞ lane uses 0; a
 * NaN max gives NaN). Its sums along the axis are the softmax denominators.
 */
export function softmaxShiftProgram(shape: Shape, axis: number): Program {
  const dim = shape[axis]!;
  const inner = sizeOf(shape.slice(axis + 1));
  const body = [
    'const i = this.thread.x;',
    ...laneOf(dim, inner),
    'let mx = x1[lane];',
    `if (${nanTest('mx')}) { return mx; }`,
    `if (mx == -${INF}) { mx = 0; }`,
    'const v = x0[i];',
    ...shiftedInto('shifted', 'v'),
    'return Math.exp(shifted);',
  ];
  return {
    name: `softmaxShift${keyOf(shape)}{${axis}}`,
    source: kernelSource(['x0', 'x1', INF], body),
    size: sizeOf(shape),
  };
}

/**
 * Softmax, last pass: exp(x − max) / total, or x − max − log(total) for log-softmax. Stats come
 * as pairs (max, total) per lane in `x1`, or — `separate` — maxes in `x1` and totals in `x2`.
 */
export function softmaxApplyProgram(
  shape: Shape,
  axis: number,
  log: boolean,
  separate = false,
): Program {
  const dim = shape[axis]!;
  const inner = sizeOf(shape.slice(axis + 1));
  const body = [
    'const i = this.thread.x;',
    ...laneOf(dim, inner),
    ...(separate
      ? ['let mx = x1[lane];', `if (mx == -${INF}) { mx = 0; }`, 'const total = x2[lane];']
      : ['const mx = x1[lane * 2];', 'const total = x1[lane * 2 + 1];']),
    `if (${nanTest('mx')}) { return mx; }`,
    'const v = x0[i];',
    ...shiftedInto('shifted', 'v'),
    log ? 'return shifted - Math.log(total);' : 'return Math.exp(shifted) / total;',
  ];
  return {
    name: `${log ? 'logSoftmax' : 'softmax'}${keyOf(shape)}{${axis}}${separate ? '/split' : ''}`,
    source: kernelSource(separate ? ['x0', 'x1', 'x2', INF] : ['x0', 'x1', INF], body),
    size: sizeOf(shape),
  };
}
