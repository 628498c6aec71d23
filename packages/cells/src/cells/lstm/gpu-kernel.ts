import type { Backend, KernelOutput, TensorInfo } from '@recur/tensor';
import { divFloor, sigmoidInto, tanhInto } from '@recur/tensor/gpu-kernels';
import {
  ifPadded,
  inputSideGradients,
  previousStates,
  program,
  rowAndColumn,
  withGpuScope,
} from '../../kernels/gpu-scope.js';
import { dimsOf, type SequenceAttrs, timeAt } from '../../kernels/sequence.js';
import type {
  LstmSequenceGradient,
  LstmSequenceGradientInputs,
  LstmSequenceInputs,
  LstmSequenceResult,
} from './sequence-kernel.js';

/**
 * The LSTM sequence kernels on the gpu.js backend (docs/notation.md, gate order u, f, c̃, o).
 * Forward: x W_x for all steps in one product, then per step one launch for the gates (the
 * recurrent product fused in), one for c⟨t⟩ and one for a⟨t⟩. Backward: per step one launch each
 * for `dc` (the cell gradient at t), `dc⟨t−1⟩ = dc ⊙ Γf` and `da⟨t−1⟩ = dz W_aᵀ` (dz recomputed in
 * the product); then every step's dz in one launch and the weight gradients one product each.
 */

/** The activated gates `[Γu, Γf, c̃, Γo]` of one step, `[B, 4H]` (zeros where padded). */
function gatesProgram(B: number, T: number, H: number, masked: boolean) {
  const G = 4 * H;
  const lines = [
    ...rowAndColumn(G),
    ...ifPadded(masked ? 'x4' : null, T, 'return 0;'),
    `let z = x0[(row * ${T} + step) * ${G} + j] + x3[j];`,
    `for (let p = 0; p < ${H}; p++) {`,
    `  z += x1[row * ${H} + p] * x2[p * ${G} + j];`,
    '}',
    ...divFloor('gate', 'j', H),
    'if (gate == 2) {',
    ...tanhInto('g', 'z').map((l) => `  ${l}`),
    '  return g;',
    '}',
    ...sigmoidInto('s', 'z'),
    'return s;',
  ];
  return program('lstmGates', lines, B * G, ['step']);
}

/** `c⟨t⟩ = Γf ⊙ c⟨t−1⟩ + Γu ⊙ c̃` from the gates and c⟨t−1⟩ (carried through where padded). */
function cellProgram(B: number, T: number, H: number, masked: boolean) {
  const lines = [
    ...rowAndColumn(H),
    ...ifPadded(masked ? 'x2' : null, T, 'return x1[i];'),
    `const at = row * ${4 * H} + j;`,
    `return x0[at + ${H}] * x1[i] + x0[at] * x0[at + ${2 * H}];`,
  ];
  return program('lstmCell', lines, B * H, ['step']);
}

/**
 * `a⟨t⟩ = Γo ⊙ tanh(c⟨t⟩)` from the gates and c⟨t⟩; masked, also a⟨t−1⟩ and the mask (a padded
 * step carries a⟨t−1⟩ through).
 */
function hiddenProgram(B: number, T: number, H: number, masked: boolean) {
  const lines = [
    ...rowAndColumn(H),
    ...ifPadded(masked ? 'x3' : null, T, 'return x2[i];'),
    'const cv = x1[i];',
    ...tanhInto('tc', 'cv'),
    `return x0[row * ${4 * H} + ${3 * H} + j] * tc;`,
  ];
  return program('lstmHidden', lines, B * H, ['step']);
}

/**
 * `dc = dC⟨t⟩ + dc_carried + da ⊙ Γo ⊙ (1 − tanh²c⟨t⟩)` with `da = dA⟨t⟩ + da_carried`, `[B, H]`.
 * Inputs dA, dC, da carried, dc carried, tanh(C), G (and the mask: padded, dc = dC⟨t⟩ + carried).
 */
function cellGradientProgram(B: number, T: number, H: number, masked: boolean) {
  const lines = [
    ...rowAndColumn(H),
    `const base = (row * ${T} + step) * ${H};`,
    'const dcIn = x1[base + j] + x3[i];',
    ...ifPadded(masked ? 'x6' : null, T, 'return dcIn;'),
    'const da = x0[base + j] + x2[i];',
    'const tc = x4[base + j];',
    `const o = x5[(row * ${T} + step) * ${4 * H} + ${3 * H} + j];`,
    'return dcIn + da * o * (1 - tc * tc);',
  ];
  return program('lstmDc', lines, B * H, ['step']);
}

/** `dc⟨t−1⟩ = dc ⊙ Γf` (padded: dc passes through). Inputs dc, G (and the mask). */
function cellCarryProgram(B: number, T: number, H: number, masked: boolean) {
  const lines = [
    ...rowAndColumn(H),
    ...ifPadded(masked ? 'x2' : null, T, 'return x0[i];'),
    `return x0[i] * x1[(row * ${T} + step) * ${4 * H} + ${H} + j];`,
  ];
  return program('lstmDcCarry', lines, B * H, ['step']);
}

/** Statements declaring the gates u, f, g (= c̃), o of unit `p` from texture `gates` at offset `gb`. */
function readGates(gates: string, gb: string, p: string, H: number): string[] {
  return [
    `const u = ${gates}[${gb} + ${p}];`,
    `const f = ${gates}[${gb} + ${H} + ${p}];`,
    `const g = ${gates}[${gb} + ${2 * H} + ${p}];`,
    `const o = ${gates}[${gb} + ${3 * H} + ${p}];`,
  ];
}

/**
 * `da⟨t−1⟩ [B, H] = dz W_aᵀ`, dz recomputed per unit p from da, dc, tanh c, the gates and
 * c⟨t−1⟩. Inputs dA, da carried, dc, tanh(C), G, previous C, W_a (and the mask: padded, da
 * passes through).
 */
function hiddenCarryProgram(B: number, T: number, H: number, masked: boolean) {
  const G = 4 * H;
  const lines = [
    ...rowAndColumn(H),
    `const base = (row * ${T} + step) * ${H};`,
    `const gb = (row * ${T} + step) * ${G};`,
    ...ifPadded(masked ? 'x7' : null, T, 'return x0[base + j] + x1[i];'),
    'let acc = 0;',
    `for (let p = 0; p < ${H}; p++) {`,
    `  const da = x0[base + p] + x1[row * ${H} + p];`,
    `  const dc = x2[row * ${H} + p];`,
    '  const tc = x3[base + p];',
    ...readGates('x4', 'gb', 'p', H).map((l) => `  ${l}`),
    `  const w = j * ${G} + p;`,
    '  acc += dc * g * u * (1 - u) * x6[w];',
    `  acc += dc * x5[base + p] * f * (1 - f) * x6[w + ${H}];`,
    `  acc += dc * u * (1 - g * g) * x6[w + ${2 * H}];`,
    `  acc += da * tc * o * (1 - o) * x6[w + ${3 * H}];`,
    '}',
    'return acc;',
  ];
  return program('lstmDaCarry', lines, B * H, ['step']);
}

/**
 * Every step's `dz [B·T, 4H]` (docs/notation.md): `dz_u = dc ⊙ c̃ ⊙ Γu(1−Γu)`, `dz_f = dc ⊙ c⟨t−1⟩ ⊙
 * Γf(1−Γf)`, `dz_c = dc ⊙ Γu ⊙ (1−c̃²)`, `dz_o = da ⊙ tanh c ⊙ Γo(1−Γo)`; 0 where padded. Inputs
 * dA, da carried, dc, tanh(C), G, previous C (and the mask).
 */
function dzProgram(B: number, T: number, H: number, masked: boolean) {
  const G = 4 * H;
  const lines = [
    ...divFloor('bt', 'i', G),
    `const k = i - bt * ${G};`,
    ...divFloor('gate', 'k', H),
    `const p = k - gate * ${H};`,
    `const e = bt * ${H} + p;`,
    `const gb = bt * ${G};`,
    ...(masked ? ['if (x6[bt] == 0) { return 0; }'] : []),
    ...readGates('x4', 'gb', 'p', H),
    'if (gate == 0) { return x2[e] * g * u * (1 - u); }',
    'if (gate == 1) { return x2[e] * x5[e] * f * (1 - f); }',
    'if (gate == 2) { return x2[e] * u * (1 - g * g); }',
    'return (x0[e] + x1[e]) * x3[e] * o * (1 - o);',
  ];
  return program('lstmDz', lines, B * T * G);
}

/** The gpu implementation of `lstmSequenceForward`. */
export const lstmForwardGpu = (
  backend: Backend,
  { x, W_x, W_a, b, a0, c0, mask }: LstmSequenceInputs,
  { reverse }: SequenceAttrs,
): Record<LstmSequenceResult, KernelOutput> =>
  withGpuScope('lstmSequenceForward', backend, (gpu) => {
    const { B, T, I, H } = dimsOf({ x, W_a });
    const m = mask ? [mask] : [];
    const masked = mask !== undefined;
    const xw = gpu.matmul(gpu.reshape(x, [B * T, I]), W_x);
    const [gatesStep, cellStep, hiddenStep] = [gatesProgram, cellProgram, hiddenProgram].map(
      (make) => make(B, T, H, masked),
    ) as [ReturnType<typeof program>, ReturnType<typeof program>, ReturnType<typeof program>];
    const as = new Array<TensorInfo>(T);
    const cs = new Array<TensorInfo>(T);
    const gs = new Array<TensorInfo>(T);
    let prevA: TensorInfo = a0;
    let prevC: TensorInfo = c0;
    for (let s = 0; s < T; s++) {
      const t = timeAt(s, T, reverse);
      const gates = gpu.run(gatesStep, [xw, prevA, W_a, b, ...m], [B, 4 * H], [t]);
      prevC = gpu.run(cellStep, [gates, prevC, ...m], [B, H], [t]);
      const hiddenInputs = mask ? [gates, prevC, prevA, mask] : [gates, prevC];
      prevA = gpu.run(hiddenStep, hiddenInputs, [B, H], [t]);
      [as[t], cs[t], gs[t]] = [prevA, prevC, gates];
    }
    const [A, C, G] = [as, cs, gs].map((steps) => gpu.keep(gpu.stackSteps(steps))) as [
      KernelOutput,
      KernelOutput,
      KernelOutput,
    ];
    return { A, C, G };
  });

/** The gpu implementation of `lstmSequenceBackward`. */
export const lstmBackwardGpu = (
  backend: Backend,
  { x, W_x, W_a, a0, c0, A, C, G: gates, dA, dC, mask }: LstmSequenceGradientInputs,
  { reverse, skipInputGradient }: SequenceAttrs,
): Record<LstmSequenceGradient, KernelOutput> =>
  withGpuScope('lstmSequenceBackward', backend, (gpu) => {
    const { B, T, H } = dimsOf({ x, W_a });
    const m = mask ? [mask] : [];
    const masked = mask !== undefined;
    const tanhC = gpu.unary('tanh', C);
    const prevC = previousStates(gpu, C, c0, reverse);
    const cellGradient = cellGradientProgram(B, T, H, masked);
    const cellCarry = cellCarryProgram(B, T, H, masked);
    const hiddenCarry = hiddenCarryProgram(B, T, H, masked);
    // Per step t: the da reaching a⟨t⟩ from later steps, and the total dc at c⟨t⟩.
    const carried = new Array<TensorInfo>(T);
    const dcs = new Array<TensorInfo>(T);
    let daNext = gpu.zeros([B, H]);
    let dcNext = gpu.zeros([B, H]);
    for (let s = T - 1; s >= 0; s--) {
      const t = timeAt(s, T, reverse);
      const dc = gpu.run(cellGradient, [dA, dC, daNext, dcNext, tanhC, gates, ...m], [B, H], [t]);
      [carried[t], dcs[t]] = [daNext, dc];
      dcNext = gpu.run(cellCarry, [dc, gates, ...m], [B, H], [t]);
      daNext = gpu.run(hiddenCarry, [dA, daNext, dc, tanhC, gates, prevC, W_a, ...m], [B, H], [t]);
    }
    const dZ = gpu.run(
      dzProgram(B, T, H, masked),
      [dA, gpu.stackSteps(carried), gpu.stackSteps(dcs), tanhC, gates, prevC, ...m],
      [B * T, 4 * H],
    );
    const prevA = gpu.reshape(previousStates(gpu, A, a0, reverse), [B * T, H]);
    const { dx, dWx, db } = inputSideGradients(gpu, dZ, x, W_x, skipInputGradient);
    return {
      dx,
      dW_x: dWx,
      dW_a: gpu.keep(gpu.matmul(prevA, dZ, true, false)),
      db,
      da0: gpu.keep(daNext),
      dc0: gpu.keep(dcNext),
    };
  });
