import type { BinaryOp, UnaryOp } from '../../backend.js';
import { type Shape, sizeOf } from '../../shape.js';
import {
  broadcastOffset,
  INF,
  kernelSource,
  keyOf,
  NAN,
  nanTest,
  type Program,
  sameLayout,
  sigmoidInto,
  tanhInto,
  unravel,
} from '../codegen.js';

/**
 * Elementwise kernels. Each op is a list of statements over the input values `v0`, `v1`, `v2`
 * that ends in `return`; NaN and ±Infinity follow the CPU backend (JavaScript semantics) where
 * GLSL leaves them undefined (log/sqrt of negatives, pow of negatives, NaN in max/min/relu).
 */

/**
 * GLSL leaves NaN behaviour undefined and shader compilers rewrite `!(a < b)` as `a >= b`, so
 * every op that must treat NaN as JavaScript does tests for it first, explicitly.
 */
const eitherNaN = `${nanTest('v0')} || ${nanTest('v1')}`;

/** A comparison giving 1/0, with `nanResult` when either operand is NaN. */
function compare(condition: string, nanResult: number, negate = false): string[] {
  const [yes, no] = negate ? [0, 1] : [1, 0];
  return [
    `if (${eitherNaN}) { return ${nanResult}; }`,
    `if (${condition}) { return ${yes}; }`,
    `return ${no};`,
  ];
}

/** NaN in, NaN out — checked first, as SwiftShader's exp/log/tanh turn NaN into numbers. */
function nanSafe(body: string[]): string[] {
  return [`if (${nanTest('v0')}) { return v0; }`, ...body];
}

const UNARY: Record<UnaryOp, string[]> = {
  neg: ['return -v0;'],
  abs: nanSafe(['return Math.abs(v0);']),
  exp: nanSafe(['return Math.exp(v0);']),
  log: nanSafe([
    `if (v0 < 0) { return ${NAN}; }`,
    `if (v0 == 0) { return -${INF}; }`,
    'return Math.log(v0);',
  ]),
  sqrt: nanSafe([`if (v0 < 0) { return ${NAN}; }`, 'return Math.sqrt(v0);']),
  square: ['return v0 * v0;'],
  reciprocal: ['return 1 / v0;'],
  tanh: nanSafe([...tanhInto('t', 'v0'), 'return t;']),
  sigmoid: nanSafe([...sigmoidInto('s', 'v0'), 'return s;']),
  hardSigmoid: nanSafe([
    'const y = v0 * 0.2 + 0.5;',
    'if (y > 1) { return 1; }',
    'if (y < 0) { return 0; }',
    'return y;',
  ]),
  relu: nanSafe(['if (v0 > 0) { return v0; }', 'return 0;']),
  sign: nanSafe(['if (v0 > 0) { return 1; }', 'if (v0 < 0) { return -1; }', 'return 0;']),
  floor: nanSafe(['return Math.floor(v0);']),
  // JavaScript's Math.round: halves go up. floor(v + 0.5) would be off for 0.49999997.
  round: nanSafe([
    'const f = Math.floor(v0);',
    'if (v0 - f >= 0.5) { return f + 1; }',
    'return f;',
  ]),
};

const BINARY: Record<BinaryOp, string[]> = {
  add: ['return v0 + v1;'],
  sub: ['return v0 - v1;'],
  mul: ['return v0 * v1;'],
  div: ['return v0 / v1;'],
  pow: [
    'if (v1 == 0) { return 1; }',
    `if (${nanTest('v0')} || ${nanTest('v1')}) { return ${NAN}; }`,
    'const m = Math.abs(v0);',
    'let p = 0;',
    `if (m == 0) { if (v1 < 0) { p = ${INF}; } } else { p = Math.pow(m, v1); }`,
    'if (v0 < 0) {',
    // (-∞)^y for a non-integer y is +∞ or +0, any other negative base gives NaN.
    `  if (Math.floor(v1) != v1) { if (m == ${INF}) { return p; } return ${NAN}; }`,
    '  const half = v1 * 0.5;',
    '  if (Math.floor(half) != half) { p = -p; }',
    '}',
    'return p;',
  ],
  maximum: [`if (${eitherNaN}) { return ${NAN}; }`, 'if (v0 > v1) { return v0; }', 'return v1;'],
  minimum: [`if (${eitherNaN}) { return ${NAN}; }`, 'if (v0 < v1) { return v0; }', 'return v1;'],
  equal: compare('v0 == v1', 0),
  notEqual: compare('v0 == v1', 1, true),
  less: compare('v0 < v1', 0),
  lessEqual: compare('v0 <= v1', 0),
  greater: compare('v0 > v1', 0),
  greaterEqual: compare('v0 >= v1', 0),
};

/** Uses of NaN/Infinity in `body` decide which special-value parameters the kernel takes. */
function specialParams(body: readonly string[]): string[] {
  const text = body.join('\n');
  return [NAN, INF].filter((name) => text.includes(name));
}

/**
 * A kernel reading one value from each input (broadcast to `outShape`) into `v0`, `v1`, … and
 * running `body`. Scalar parameters: the special values `body` uses, then `scalars`.
 */
export function mapProgram(
  name: string,
  inputs: readonly Shape[],
  outShape: Shape,
  body: readonly string[],
  scalars: readonly string[] = [],
): Program {
  const lines = ['const i = this.thread.x;'];
  const broadcast = inputs.some((s) => !sameLayout(s, outShape));
  if (broadcast) lines.push(...unravel('i', outShape, 'c'));
  inputs.forEach((shape, k) => {
    const index =
      sizeOf(shape) === 1
        ? '0'
        : sameLayout(shape, outShape)
          ? 'i'
          : broadcastOffset(shape, outShape, 'c');
    lines.push(`const v${k} = x${k}[${index}];`);
  });
  lines.push(...body);
  const params = [...inputs.map((_, k) => `x${k}`), ...specialParams(body), ...scalars];
  return {
    name: `${name}${keyOf(outShape, ...inputs)}`,
    source: kernelSource(params, lines),
    size: sizeOf(outShape),
  };
}

export function unaryProgram(op: UnaryOp, shape: Shape): Program {
  return mapProgram(`unary:${op}`, [shape], shape, UNARY[op]);
}

export function binaryProgram(op: BinaryOp, a: Shape, b: Shape, outShape: Shape): Program {
  return mapProgram(`binary:${op}`, [a, b], outShape, BINARY[op]);
}

/** `cond ? a : b`; NaN in `cond` counts as false, as in JavaScript. */
export function whereProgram(cond: Shape, a: Shape, b: Shape, outShape: Shape): Program {
  return mapProgram('where', [cond, a, b], outShape, [
    `if (${nanTest('v0')}) { return v2; }`,
    'if (v0 == 0) { return v2; }',
    'return v1;',
  ]);
}

/** `min(max(x, low), high)` with NaN kept; `low` and `high` are run-time scalars. */
export function clampProgram(shape: Shape): Program {
  return mapProgram(
    'clamp',
    [shape],
    shape,
    [
      `if (${nanTest('v0')}) { return v0; }`,
      'if (v0 < low) { return low; }',
      'if (v0 > high) { return high; }',
      'return v0;',
    ],
    ['low', 'high'],
  );
}

/** float → int32: truncation toward zero (the int is stored as an exact float). */
export function truncProgram(shape: Shape): Program {
  return mapProgram('trunc', [shape], shape, [
    'if (v0 < 0) { return -Math.floor(-v0); }',
    'return Math.floor(v0);',
  ]);
}

/** A copy (int32 → float32 is a copy: both are stored as floats). */
export function copyProgram(shape: Shape): Program {
  return mapProgram('copy', [shape], shape, ['return v0;']);
}

/** Every element set to the run-time scalar `value`. */
export function fillProgram(size: number): Program {
  return { name: `fill[${size}]`, source: kernelSource(['value'], ['return value;']), size };
}

/**
 * Uploads a `Float32Array` argument of `size` values into a texture: gpu.js turns the array
 * into an input texture and the kernel copies it into a pipeline output.
 */
export function uploadProgram(size: number): Program {
  return {
    name: `upload[${size}]`,
    source: kernelSource(['x0'], ['return x0[this.thread.x];']),
    size,
  };
}
