import { type Backend, type DType, FLOAT_ONLY_UNARY } from '../backend.js';
import { withBackend } from '../backends.js';
import {
  abs,
  add,
  argmax,
  argmin,
  cast,
  clamp,
  concat,
  div,
  equal,
  exp,
  eye,
  floor,
  full,
  gather,
  greater,
  greaterEqual,
  hardSigmoid,
  less,
  lessEqual,
  log,
  logSoftmax,
  matmul,
  max,
  maximum,
  mean,
  min,
  minimum,
  mul,
  neg,
  notEqual,
  oneHot,
  ones,
  pow,
  randomNormal,
  range,
  reciprocal,
  relu,
  round,
  scatterAdd,
  sigmoid,
  sign,
  slice,
  softmax,
  split,
  sqrt,
  square,
  stack,
  sub,
  sum,
  sumTo,
  tanh,
  tensor,
  transpose,
  where,
  zeros,
  zerosLike,
} from '../index.js';
import { tidy } from '../memory.js';
import { Rng } from '../rng.js';
import type { Tensor } from '../tensor.js';

/**
 * Differential checks: every primitive op runs on the CPU reference
 * backend and on the GPU backend with the same inputs, results compared element by element.
 * Plain functions (no test framework) so the vitest suite and the browser page share them.
 */

/** |gpu − cpu| ≤ atol + rtol·|cpu|; NaN and ±Infinity must match exactly. */
export interface Tolerance {
  atol: number;
  rtol: number;
}

/**
 * The documented float32 tolerance of the GPU backend against the CPU backend: elementwise ops,
 * shape ops and integer results are exact or within a few ulps; sums and products accumulate in
 * float32 on the GPU (the CPU adds in float64 for some ops), and GLSL's exp/log/pow are accurate
 * to a few ulps only.
 */
export const GPU_TOLERANCE: Tolerance = { atol: 1e-6, rtol: 1e-5 };

export interface Check {
  name: string;
  /** Builds the inputs on the active backend (called once per backend; must be deterministic). */
  inputs: () => Tensor[];
  /** The computation; returns one or more tensors. */
  run: (inputs: Tensor[]) => Tensor | Tensor[];
  tolerance?: Tolerance;
}

/** The worst deviation seen by {@link runCheck}. */
export interface CheckResult {
  maxAbsError: number;
  maxRelError: number;
}

interface Outcome {
  shapes: number[][];
  dtypes: DType[];
  values: number[][];
}

function evaluate(backend: Backend, check: Check): Outcome {
  return withBackend(backend, () =>
    tidy(() => {
      const result = check.run(check.inputs());
      const list = Array.isArray(result) ? result : [result];
      return {
        shapes: list.map((t) => [...t.shape]),
        dtypes: list.map((t) => t.dtype),
        values: list.map((t) => Array.from(t.data())),
      };
    }),
  );
}

function same(a: number, b: number, tol: Tolerance): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (!Number.isFinite(a) || !Number.isFinite(b)) return a === b;
  return Math.abs(a - b) <= tol.atol + tol.rtol * Math.abs(b);
}

/** Runs `check` on both backends; throws naming the first mismatch. */
export function runCheck(check: Check, cpu: Backend, gpu: Backend): CheckResult {
  const tol = check.tolerance ?? GPU_TOLERANCE;
  const want = evaluate(cpu, check);
  const got = evaluate(gpu, check);
  let maxAbsError = 0;
  let maxRelError = 0;
  want.values.forEach((expected, k) => {
    const actual = got.values[k]!;
    const shape = JSON.stringify(want.shapes[k]);
    if (JSON.stringify(got.shapes[k]) !== shape || got.dtypes[k] !== want.dtypes[k]) {
      throw new Error(
        `${check.name}: output ${k} is ${JSON.stringify(got.shapes[k])} ${got.dtypes[k]} on the GPU, ${shape} ${want.dtypes[k]} on the CPU`,
      );
    }
    expected.forEach((e, i) => {
      const a = actual[i]!;
      if (!same(a, e, tol)) {
        throw new Error(
          `${check.name}: output ${k} ${shape} element ${i} is ${a} on the GPU, ${e} on the CPU`,
        );
      }
      if (Number.isFinite(e) && Number.isFinite(a)) {
        const abs = Math.abs(a - e);
        maxAbsError = Math.max(maxAbsError, abs);
        if (Math.abs(e) > 1e-3) maxRelError = Math.max(maxRelError, abs / Math.abs(e));
      }
    });
  });
  return { maxAbsError, maxRelError };
}

// ── inputs ───────────────────────────────────────────────────────────────────

const SPECIALS = [
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  0,
  0.5,
  -0.5,
  1.5,
  -2.5,
  2.5,
  1e-4,
  -3e-3,
  0.3,
  -0.7,
  20,
  -20,
  88,
  -88,
  100,
  3.25,
  -7.75,
  0.49999997,
  1e-20,
  -1e-20,
  1000.5,
];

/** Deterministic normal values of `shape` (std `std`), as a float32 tensor. */
function normal(shape: number[], seed: number, std = 1): Tensor {
  return randomNormal(shape, { seed, std });
}

function ints(shape: number[], seed: number, low: number, high: number): Tensor {
  const rng = new Rng(seed);
  const size = shape.reduce((p, d) => p * d, 1);
  const values = Array.from({ length: size }, () => low + Math.floor(rng.next() * (high - low)));
  return tensor(values, shape, 'int32');
}

function special(shape: number[], offset = 0): Tensor {
  const size = shape.reduce((p, d) => p * d, 1);
  return tensor(
    Array.from({ length: size }, (_, i) => SPECIALS[(i + offset) % SPECIALS.length]!),
    shape,
  );
}

// ── the checks ───────────────────────────────────────────────────────────────

const UNARY_OPS = {
  neg,
  abs,
  exp,
  log,
  sqrt,
  square,
  reciprocal,
  tanh,
  sigmoid,
  hardSigmoid,
  relu,
  sign,
  floor,
  round,
};
const BINARY_OPS = {
  add,
  sub,
  mul,
  div,
  pow,
  maximum,
  minimum,
  equal,
  notEqual,
  less,
  lessEqual,
  greater,
  greaterEqual,
};
const REDUCE_OPS = { sum, mean, max, min };
const ARG_OPS = { argmax, argmin };

const UNARY = [
  'neg',
  'abs',
  'exp',
  'log',
  'sqrt',
  'square',
  'reciprocal',
  'tanh',
  'sigmoid',
  'hardSigmoid',
  'relu',
  'sign',
  'floor',
  'round',
] as const;
const BINARY = [
  'add',
  'sub',
  'mul',
  'div',
  'pow',
  'maximum',
  'minimum',
  'equal',
  'notEqual',
  'less',
  'lessEqual',
  'greater',
  'greaterEqual',
] as const;

/** GLSL's exp/log/pow are a few ulps off; relative error matters near huge/small results. */
const TRANSCENDENTAL: Tolerance = { atol: 1e-6, rtol: 2e-5 };

function unaryChecks(): Check[] {
  return UNARY.flatMap((op): Check[] => {
    // The float-only ops are the ones GLSL computes with a few ulps of error.
    const tolerance = FLOAT_ONLY_UNARY.has(op) ? TRANSCENDENTAL : undefined;
    const checks: Check[] = [
      {
        name: `${op} special values`,
        inputs: () => [special([4, 6])],
        run: ([x]) => UNARY_OPS[op](x!),
        tolerance,
      },
      {
        name: `${op} normal [3,5,7]`,
        inputs: () => [normal([3, 5, 7], 1, 3)],
        run: ([x]) => UNARY_OPS[op](x!),
        tolerance,
      },
    ];
    if (!FLOAT_ONLY_UNARY.has(op)) {
      checks.push({
        name: `${op} int32`,
        inputs: () => [ints([2, 9], 2, -50, 50)],
        run: ([x]) => UNARY_OPS[op](x!),
      });
    }
    return checks;
  });
}

function binaryChecks(): Check[] {
  const shapes: [number[], number[]][] = [
    [
      [3, 4],
      [3, 4],
    ],
    [[3, 4], [4]],
    [
      [4, 1, 3],
      [2, 1],
    ],
    [[], [2, 3]],
    [
      [2, 1, 3, 1],
      [1, 4, 1, 5],
    ],
  ];
  return BINARY.flatMap((op): Check[] => {
    const tolerance = op === 'pow' ? TRANSCENDENTAL : undefined;
    const checks: Check[] = shapes.map(([a, b], k) => ({
      name: `${op} [${a}] with [${b}]`,
      inputs: () => [normal(a, 10 + k, 2), normal(b, 20 + k, 2)],
      run: ([x, y]) => BINARY_OPS[op](x!, y!),
      tolerance,
    }));
    checks.push({
      name: `${op} special values (all pairs)`,
      inputs: () => [special([24, 1]), special([1, 24], 5)],
      run: ([x, y]) => BINARY_OPS[op](x!, y!),
      tolerance,
    });
    checks.push({
      name: `${op} int32`,
      inputs: () => [ints([3, 5], 3, -9, 10), ints([5], 4, 1, 6)],
      run: ([x, y]) => BINARY_OPS[op](x!, y!),
      tolerance,
    });
    return checks;
  });
}

function matmulChecks(): Check[] {
  const cases: [number[], number[], boolean, boolean][] = [
    [[3, 4], [4, 5], false, false],
    [[4, 3], [4, 5], true, false],
    [[3, 4], [5, 4], false, true],
    [[4, 3], [5, 4], true, true],
    [[2, 3, 4], [4, 2], false, false],
    [[2, 1, 3, 4], [5, 4, 2], false, false],
    [[1, 7], [7, 1], false, false],
    [[16, 300], [300, 24], false, false],
    [[3, 0], [0, 2], false, false],
    [[0, 3], [3, 2], false, false],
  ];
  return cases.map(([a, b, ta, tb], k) => ({
    name: `matmul [${a}]${ta ? 'ᵀ' : ''} · [${b}]${tb ? 'ᵀ' : ''}`,
    inputs: () => [normal(a, 30 + k), normal(b, 40 + k)],
    run: ([x, y]) => matmul(x!, y!, { transposeA: ta, transposeB: tb }),
    tolerance: { atol: 1e-5, rtol: 1e-5 },
  }));
}

function reduceChecks(): Check[] {
  const checks: Check[] = [];
  const axesCases: (number | number[] | undefined)[] = [
    undefined,
    0,
    1,
    2,
    -1,
    [0, 2],
    [1, 2],
    [0, 1],
  ];
  for (const op of ['sum', 'mean', 'max', 'min'] as const) {
    for (const axis of axesCases) {
      for (const keepDims of [false, true]) {
        checks.push({
          name: `${op} [2,3,4] axis ${JSON.stringify(axis)}${keepDims ? ' keepDims' : ''}`,
          inputs: () => [normal([2, 3, 4], 50)],
          run: ([x]) => REDUCE_OPS[op](x!, { axis, keepDims }),
        });
      }
    }
    checks.push(
      {
        name: `${op} int32`,
        inputs: () => [ints([4, 6], 5, -20, 20)],
        run: ([x]) => REDUCE_OPS[op](x!, { axis: 1 }),
      },
      {
        name: `${op} special values`,
        inputs: () => [special([4, 6])],
        run: ([x]) => REDUCE_OPS[op](x!, { axis: 1 }),
      },
      {
        name: `${op} 10000 elements`,
        inputs: () => [normal([10000], 51)],
        run: ([x]) => REDUCE_OPS[op](x!),
        tolerance: { atol: 1e-4, rtol: 1e-5 },
      },
    );
    if (op === 'sum' || op === 'mean') {
      checks.push({
        name: `${op} over an empty axis`,
        inputs: () => [zeros([3, 0])],
        run: ([x]) => REDUCE_OPS[op](x!, { axis: 1 }),
      });
    }
  }
  for (const op of ['argmax', 'argmin'] as const) {
    checks.push(
      {
        name: `${op} axis 1`,
        inputs: () => [normal([3, 7, 2], 52)],
        run: ([x]) => ARG_OPS[op](x!, 1),
      },
      {
        name: `${op} axis 0`,
        inputs: () => [normal([5, 4], 53)],
        run: ([x]) => ARG_OPS[op](x!, 0),
      },
      {
        name: `${op} ties`,
        inputs: () => [
          tensor([
            [1, 3, 3, 0],
            [2, 2, 2, 2],
          ]),
        ],
        run: ([x]) => ARG_OPS[op](x!, 1),
      },
      { name: `${op} NaN`, inputs: () => [special([4, 6])], run: ([x]) => ARG_OPS[op](x!, 1) },
    );
  }
  checks.push({
    name: 'sumTo [4,3,2] to [3,1]',
    inputs: () => [normal([4, 3, 2], 54)],
    run: ([x]) => sumTo(x!, [3, 1]),
  });
  return checks;
}

function softmaxChecks(): Check[] {
  return [
    {
      name: 'softmax axis -1',
      inputs: () => [normal([4, 9], 60, 3)],
      run: ([x]) => softmax(x!, -1),
    },
    {
      name: 'softmax axis 0',
      inputs: () => [normal([4, 9], 61, 3)],
      run: ([x]) => softmax(x!, 0),
    },
    {
      name: 'logSoftmax axis 1 of [2,5,3]',
      inputs: () => [normal([2, 5, 3], 62, 3)],
      run: ([x]) => logSoftmax(x!, 1),
    },
    {
      name: 'softmax and logSoftmax with large, -Infinity and NaN logits',
      inputs: () => [
        tensor([
          [1000, 999, 0],
          [Number.NEGATIVE_INFINITY, 0, 1],
          [Number.NaN, 1, 2],
          [-1e4, 1e4, 0],
        ]),
      ],
      run: ([x]) => [softmax(x!), logSoftmax(x!)],
    },
    {
      name: 'logSoftmax over 5000 classes',
      inputs: () => [normal([2, 5000], 63, 5)],
      run: ([x]) => logSoftmax(x!),
    },
  ];
}

function shapeChecks(): Check[] {
  return [
    {
      name: 'slice',
      inputs: () => [normal([4, 5, 6], 70)],
      run: ([x]) => slice(x!, [1, 0, 2], [2, -1, 3]),
    },
    {
      name: 'slice int32',
      inputs: () => [ints([4, 5], 71, -5, 5)],
      run: ([x]) => slice(x!, [2, 1]),
    },
    {
      name: 'concat axis 0',
      inputs: () => [normal([2, 3], 72), normal([4, 3], 73)],
      run: (xs) => concat(xs, 0),
    },
    {
      name: 'concat axis 1 with an empty part',
      inputs: () => [normal([2, 3], 74), zeros([2, 0]), normal([2, 1], 75)],
      run: (xs) => concat(xs, 1),
    },
    {
      name: 'concat of 20 tensors',
      inputs: () => Array.from({ length: 20 }, (_, i) => normal([2, 1, 3], 80 + i)),
      run: (xs) => concat(xs, 1),
    },
    {
      name: 'stack axis 1',
      inputs: () => [normal([3, 2], 76), normal([3, 2], 77)],
      run: (xs) => stack(xs, 1),
    },
    {
      name: 'split sizes',
      inputs: () => [normal([3, 7], 78)],
      run: ([x]) => split(x!, [2, 0, 5], 1),
    },
    {
      name: 'transpose default',
      inputs: () => [normal([2, 3, 4], 79)],
      run: ([x]) => transpose(x!),
    },
    {
      name: 'transpose [1,0,2]',
      inputs: () => [normal([2, 3, 4], 100)],
      run: ([x]) => transpose(x!, [1, 0, 2]),
    },
    {
      name: 'gather axis 0 (embedding lookup)',
      inputs: () => [normal([10, 4], 101), ints([3, 5], 102, 0, 10)],
      run: ([x, i]) => gather(x!, i!, 0),
    },
    {
      name: 'gather axis 1',
      inputs: () => [normal([3, 6, 2], 103), ints([4], 104, 0, 6)],
      run: ([x, i]) => gather(x!, i!, 1),
    },
    {
      name: 'scatterAdd axis 0 with repeated indices',
      inputs: () => [normal([12, 4], 105), ints([12], 106, 0, 5)],
      run: ([u, i]) => scatterAdd(u!, i!, [5, 4], 0),
    },
    {
      name: 'scatterAdd axis 1',
      inputs: () => [normal([2, 7, 3], 107), ints([7], 108, 0, 4)],
      run: ([u, i]) => scatterAdd(u!, i!, [2, 4, 3], 1),
    },
    { name: 'oneHot', inputs: () => [ints([2, 3], 109, 0, 5)], run: ([i]) => oneHot(i!, 5) },
    {
      name: 'where with broadcasting',
      inputs: () => [tensor([1, 0, 0.5, -2]), normal([3, 4], 110), normal([4], 111)],
      run: ([c, a, b]) => where(c!, a!, b!),
    },
    { name: 'clamp', inputs: () => [special([4, 6])], run: ([x]) => clamp(x!, -1.5, 2) },
    {
      name: 'cast float32 to int32',
      inputs: () => [special([4, 6])],
      run: ([x]) => cast(x!, 'int32'),
    },
    {
      name: 'cast int32 to float32',
      inputs: () => [ints([3, 3], 112, -100, 100)],
      run: ([x]) => cast(x!, 'float32'),
    },
    {
      name: 'creation: zeros, ones, full, eye, range, zerosLike',
      inputs: () => [],
      run: () => [
        zeros([2, 3]),
        ones([4], 'int32'),
        full([2, 2], -3.5),
        eye(3, 2),
        range(0, 5),
        zerosLike(ones([2])),
      ],
    },
    {
      name: 'tensor round trip (float32, int32, scalar, empty)',
      inputs: () => [],
      run: () => [
        tensor([
          [1.5, -2],
          [3, 4e30],
        ]),
        tensor([7, -8, 16777215], [3], 'int32'),
        tensor(2.25),
        zeros([0, 4]),
      ],
    },
    {
      name: 'reshape view then op',
      inputs: () => [normal([2, 6], 113)],
      run: ([x]) => add(x!.reshape([3, 4]), 1),
    },
  ];
}

/** Reductions, matmuls and scatters long enough to be split across launches. */
function longChecks(): Check[] {
  const loose = { atol: 1e-4, rtol: 1e-5 };
  return [
    {
      name: 'sum of 100000 (split)',
      inputs: () => [normal([100000], 140)],
      run: ([x]) => sum(x!),
      tolerance: loose,
    },
    { name: 'mean of 70000 (split)', inputs: () => [normal([70000], 141)], run: ([x]) => mean(x!) },
    {
      name: 'sum over axes [0,2] of [100,3,50] (split, non-contiguous)',
      inputs: () => [normal([100, 3, 50], 142)],
      run: ([x]) => sum(x!, { axis: [0, 2] }),
      tolerance: loose,
    },
    {
      name: 'max and min along 5000 with NaN in one row (split)',
      inputs: () => {
        const rng = new Rng(143);
        const values = Array.from({ length: 15000 }, () => rng.normal());
        values[10000 + 4321] = Number.NaN;
        return [tensor(values, [3, 5000])];
      },
      run: ([x]) => [max(x!, { axis: 1 }), min(x!, { axis: 1 })],
    },
    {
      name: 'argmax and argmin along 10000 with ties and NaN (split)',
      inputs: () => {
        const values = Array.from({ length: 30000 }, (_, i) => Math.sin(i) * 100);
        values[3000] = 500; // ties: first wins
        values[7000] = 500;
        values[10000 + 6000] = Number.NaN; // row 1: the NaN wins
        values[20000 + 9999] = -500;
        return [tensor(values, [3, 10000])];
      },
      run: ([x]) => [argmax(x!, 1), argmin(x!, 1)],
    },
    {
      name: 'softmax along 5000 (split)',
      inputs: () => [normal([2, 5000], 144, 4)],
      run: ([x]) => softmax(x!),
    },
    {
      name: 'logSoftmax along axis 0 of [3000,3]',
      inputs: () => [normal([3000, 3], 145, 4)],
      run: ([x]) => logSoftmax(x!, 0),
    },
    {
      name: 'matmul with k = 70000 (split)',
      inputs: () => [normal([2, 70000], 146), normal([70000, 3], 147)],
      run: ([a, b]) => matmul(a!, b!),
      tolerance: { atol: 2e-3, rtol: 1e-4 },
    },
    {
      name: 'scatterAdd of 70000 updates into 3 rows (split)',
      inputs: () => [normal([70000, 2], 148), ints([70000], 149, 0, 3)],
      run: ([u, i]) => scatterAdd(u!, i!, [3, 2], 0),
      tolerance: { atol: 2e-3, rtol: 1e-4 },
    },
  ];
}

/** Every differential check, grouped by op family. */
export function differentialChecks(): Check[] {
  return [
    ...unaryChecks(),
    ...binaryChecks(),
    ...matmulChecks(),
    ...reduceChecks(),
    ...softmaxChecks(),
    ...shapeChecks(),
    ...longChecks(),
  ];
}
