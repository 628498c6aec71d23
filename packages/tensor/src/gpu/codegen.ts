import { type Shape, stridesOf } from '../shape.js';

/**
 * A kernel to compile: gpu.js JavaScript source (translated to GLSL by gpu.js) with every shape,
 * stride and loop bound baked in as a literal, so one compiled kernel serves one (op, shapes)
 * combination and runs without uniforms to update. Every tensor is a 1-D float texture of its
 * row-major values; a kernel computes one output element at flat index `this.thread.x`.
 */
export interface Program {
  /**
   * For messages, e.g. `unary:tanh[3,4]`. Not the cache key: the backend derives that from
   * everything that is compiled ({@link programKey}), so no literal can be left out of it.
   */
  readonly name: string;
  /**
   * `function (x0, x1, …, s0, …) { … }` (see {@link kernelSource}): texture parameters `x0`,
   * `x1`, … first, then float scalars. The scalars {@link NAN}, {@link INF} and {@link ONE} are
   * supplied by the backend; any others come from the launch's run-time scalars, in order.
   */
  readonly source: string;
  /** Elements in the output. */
  readonly size: number;
  /**
   * Further outputs of the same size written in the same launch (a gpu.js kernel map): each is
   * a named function the main body calls; the value it returns is stored.
   */
  readonly subKernels?: readonly string[];
}

/**
 * The one cache-key rule for GPU kernels, the backend's own and other packages': everything a
 * compiled kernel depends on — its source (every literal baked in), its output size, its
 * sub-kernels, and the kind and size of each input (gpu.js compiles texture and array sizes
 * in). Launches with equal keys can share one compiled kernel; the program's name is not part
 * of it.
 */
export function programKey(
  program: Program,
  inputs: readonly (readonly [kind: string, size: number])[],
): string {
  const sub = program.subKernels ? `{${program.subKernels.join('|')}}` : '';
  const args = inputs.map(([kind, size]) => `${kind}${size}`).join(',');
  return `[${program.size}](${args})${sub}:${program.source}`;
}

/**
 * Most loop iterations one kernel invocation may run: Mesa's llvmpipe stops a shader's loops
 * after 65,535 iterations in total (its loop limiter), so longer work is split across launches.
 */
export const LOOP_BUDGET = 60_000;

/** Scalar parameter names for the special values GLSL cannot write as literals. */
export const NAN = 'nanValue';
export const INF = 'infValue';
/** A uniform holding 1, which shader compilers cannot fold away (see compensated sums). */
export const ONE = 'oneValue';

/** True only for NaN: `v != v` (GLSL ES 1.0 has no isnan). */
export function nanTest(v: string): string {
  return `(${v} != ${v})`;
}

/**
 * Declares `q = floor(num / den)` for non-negative integers below 2^24 held in floats, exactly:
 * GLSL division may be off by an ulp, so the quotient is corrected by one either way.
 */
export function divFloor(q: string, num: string, den: number): string[] {
  if (den === 1) return [`let ${q} = ${num};`];
  return [
    `let ${q} = Math.floor(${num} / ${den});`,
    `if (${q} * ${den} > ${num}) { ${q} = ${q} - 1; }`,
    `if ((${q} + 1) * ${den} <= ${num}) { ${q} = ${q} + 1; }`,
  ];
}

/**
 * Declares `${prefix}0 … ${prefix}{rank-1}`: the coordinates of the flat index held in the
 * variable `flat` within `shape` (row-major).
 */
export function unravel(flat: string, shape: Shape, prefix: string): string[] {
  const strides = stridesOf(shape);
  const rest = `${prefix}Rest`;
  const lines = [`let ${rest} = ${flat};`];
  shape.forEach((dim, d) => {
    const c = `${prefix}${d}`;
    if (dim === 1) {
      lines.push(`let ${c} = 0;`);
    } else if (d === shape.length - 1) {
      lines.push(`let ${c} = ${rest};`);
    } else {
      lines.push(...divFloor(c, rest, strides[d]!), `${rest} = ${rest} - ${c} * ${strides[d]!};`);
    }
  });
  return lines;
}

/**
 * The flat index into an input of shape `inShape` broadcast to `outShape`, as an expression of
 * the output coordinates `${prefix}d` (from {@link unravel} over `outShape`).
 */
export function broadcastOffset(inShape: Shape, outShape: Shape, prefix: string): string {
  const strides = stridesOf(inShape);
  const lead = outShape.length - inShape.length;
  const terms: string[] = [];
  inShape.forEach((dim, i) => {
    if (dim === 1) return;
    const c = `${prefix}${lead + i}`;
    terms.push(strides[i] === 1 ? c : `${c} * ${strides[i]!}`);
  });
  return terms.length ? terms.join(' + ') : '0';
}

/** Whether an input of `inShape` maps element i of `outShape` to its own element i. */
export function sameLayout(inShape: Shape, outShape: Shape): boolean {
  const size = (s: Shape) => s.reduce((p, d) => p * d, 1);
  if (size(inShape) !== size(outShape)) return false;
  // Equal sizes: only leading size-1 dimensions can differ, which do not move elements.
  const strip = (s: Shape) => s.filter((d) => d !== 1);
  const a = strip(inShape);
  const b = strip(outShape);
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** `function (params) { lines }` with one statement per line. */
export function kernelSource(params: readonly string[], lines: readonly string[]): string {
  return `function (${params.join(', ')}) {\n  ${lines.join('\n  ')}\n}`;
}

/** Shapes as they appear in cache keys. */
export function keyOf(...shapes: readonly Shape[]): string {
  return shapes.map((s) => `[${s.join(',')}]`).join('');
}

/** Statements setting `out` to tanh(v), accurate to float32, ±1 at ±∞, NaN for NaN (Cephes tanhf). */
export function tanhInto(out: string, v: string): string[] {
  const a = `${out}Abs`;
  const z = `${out}Sq`;
  const e = `${out}Exp`;
  return [
    `const ${a} = Math.abs(${v});`,
    `let ${out} = 0;`,
    `if (${a} < 0.625) {`,
    `  const ${z} = ${v} * ${v};`,
    `  ${out} = ((((-0.00570498872745 * ${z} + 0.0206390887954) * ${z} - 0.0537397155531) * ${z} + 0.133314422036) * ${z} - 0.333332819422) * ${z} * ${v} + ${v};`,
    '} else {',
    `  const ${e} = Math.exp(2 * ${a});`,
    `  ${out} = 1 - 2 / (${e} + 1);`,
    `  if (${v} < 0) { ${out} = -${out}; }`,
    '}',
    `if (${nanTest(v)}) { ${out} = ${v}; }`,
  ];
}

/** Statements setting `out` to the logistic sigmoid of v without overflow; NaN for NaN. */
export function sigmoidInto(out: string, v: string): string[] {
  const e = `${out}Exp`;
  return [
    `let ${out} = 0;`,
    `if (${v} >= 0) {`,
    `  ${out} = 1 / (1 + Math.exp(-${v}));`,
    '} else {',
    `  const ${e} = Math.exp(${v});`,
    `  ${out} = ${e} / (1 + ${e});`,
    '}',
    `if (${nanTest(v)}) { ${out} = ${v}; }`,
  ];
}

/** A program source's parameters: how many textures (`x0`, `x1`, …), then the scalar names. */
export function programParams(source: string): { textures: number; scalars: string[] } {
  const list = /^function \(([^)]*)\)/.exec(source)?.[1] ?? '';
  const names = list
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const scalars = names.filter((p) => !/^x\d+$/.test(p));
  return { textures: names.length - scalars.length, scalars };
}

/** The value the backend passes for a special scalar parameter, or undefined for a run-time one. */
export function specialValue(name: string): number | undefined {
  if (name === NAN) return Number.NaN;
  if (name === INF) return Number.POSITIVE_INFINITY;
  if (name === ONE) return 1;
  return undefined;
}
