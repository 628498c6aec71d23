import { divFloor, kernelSource, type Program, sigmoidInto, tanhInto } from '../codegen.js';

/** Activations of the vanilla RNN: tanh, or ReLU for the IRNN. */
export type RnnActivation = 'tanh' | 'relu';

function activate(activation: RnnActivation, out: string, v: string): string[] {
  if (activation === 'tanh') return tanhInto(out, v);
  return [`let ${out} = ${v};`, `if (!(${v} > 0) && ${v} <= 0) { ${out} = 0; }`];
}

/**
 * Statements that declare `z` for element `i` of a [B, width] pre-activation: either read from
 * `x0` (already `x W + a U + b`), or, when `hidden` is given, `x0[i] + Σ_p x1[b, p] · x2[p, j] + x3[j]`
 * (`x0` = x·W for this step [B, width], `x1` = a⟨t−1⟩ [B, hidden], `x2` = U [hidden, width],
 * `x3` = bias [width]) — the recurrent matmul fused into the same kernel.
 */
function preactivation(width: number, hidden: number | null): string[] {
  const lines = [
    'const i = this.thread.x;',
    ...divFloor('row', 'i', width),
    `const j = i - row * ${width};`,
  ];
  if (hidden === null) return [...lines, 'const z = x0[i];'];
  return [
    ...lines,
    'let z = x0[i] + x3[j];',
    `for (let p = 0; p < ${hidden}; p++) {`,
    `  z += x1[row * ${hidden} + p] * x2[p * ${width} + j];`,
    '}',
  ];
}

/** a = act(z) over [batch, units], with z given or computed in the kernel (see {@link preactivation}). */
export function rnnStepProgram(
  activation: RnnActivation,
  batch: number,
  units: number,
  hidden: number | null,
): Program {
  const lines = [...preactivation(units, hidden), ...activate(activation, 'a', 'z'), 'return a;'];
  const params = hidden === null ? ['x0'] : ['x0', 'x1', 'x2', 'x3'];
  return {
    key: `rnnStep:${activation}[${batch},${units}]${hidden === null ? '' : `+[${hidden}]`}`,
    source: kernelSource(params, lines),
    size: batch * units,
  };
}

/**
 * LSTM gate activations over [batch, 4·units] in the gate order u, f, c̃, o: σ, σ, tanh, σ of the
 * pre-activation z (given, or computed in the kernel).
 */
export function lstmGatesProgram(batch: number, units: number, hidden: number | null): Program {
  const width = 4 * units;
  const lines = [
    ...preactivation(width, hidden),
    ...divFloor('gate', 'j', units),
    'if (gate == 2) {',
    ...tanhInto('g', 'z').map((l) => `  ${l}`),
    '  return g;',
    '}',
    ...sigmoidInto('s', 'z'),
    'return s;',
  ];
  const params = hidden === null ? ['x0'] : ['x0', 'x1', 'x2', 'x3'];
  return {
    key: `lstmGates[${batch},${units}]${hidden === null ? '' : `+[${hidden}]`}`,
    source: kernelSource(params, lines),
    size: batch * width,
  };
}

/** Statements reading the four gates of element `i` of [batch, units] from `x0` ([batch, 4·units]). */
function readGates(units: number): string[] {
  return [
    'const i = this.thread.x;',
    ...divFloor('row', 'i', units),
    `const at = row * ${4 * units} + (i - row * ${units});`,
    'const u = x0[at];',
    `const f = x0[at + ${units}];`,
    `const g = x0[at + ${2 * units}];`,
    `const o = x0[at + ${3 * units}];`,
    'const cp = x1[i];',
  ];
}

/**
 * c⟨t⟩ = Γf ⊙ c⟨t−1⟩ + Γu ⊙ c̃ and a⟨t⟩ = Γo ⊙ tanh(c⟨t⟩) in one launch (a gpu.js kernel map): the
 * result is a⟨t⟩, sub-output 0 is c⟨t⟩. Inputs: gates [batch, 4·units], c⟨t−1⟩ [batch, units].
 */
export function lstmStateProgram(batch: number, units: number): Program {
  const lines = [
    ...readGates(units),
    'const c = cellState(f, cp, u, g);',
    ...tanhInto('tc', 'c'),
    'return o * tc;',
  ];
  return {
    key: `lstmState[${batch},${units}]`,
    source: kernelSource(['x0', 'x1'], lines),
    size: batch * units,
    subKernels: ['function cellState(f, cp, u, g) { return f * cp + u * g; }'],
  };
}

/** c⟨t⟩ alone, for contexts without multiple render targets. */
export function lstmCellProgram(batch: number, units: number): Program {
  return {
    key: `lstmCell[${batch},${units}]`,
    source: kernelSource(['x0', 'x1'], [...readGates(units), 'return f * cp + u * g;']),
    size: batch * units,
  };
}

/** a⟨t⟩ alone (recomputing c⟨t⟩), for contexts without multiple render targets. */
export function lstmOutputProgram(batch: number, units: number): Program {
  const lines = [
    ...readGates(units),
    'const c = f * cp + u * g;',
    ...tanhInto('tc', 'c'),
    'return o * tc;',
  ];
  return {
    key: `lstmOutput[${batch},${units}]`,
    source: kernelSource(['x0', 'x1'], lines),
    size: batch * units,
  };
}
