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
  MguSequenceGradient,
  MguSequenceGradientInputs,
  MguSequenceInputs,
  MguSequenceResult,
} from './sequence-kernel.js';

/**
 * The MGU sequence kernels (gate blocks f, ã) on the gpu.js backend, the GRU's shape with one
 * gate. Forward: x W_x for all steps in one product, then per step one launch for f, one for the
 * candidate ã (the gated state's product fused in) and one for a⟨t⟩. Backward: per step one
 * launch for `d(f ⊙ a⟨t−1⟩) = dz_a W_aaᵀ` and one for `da⟨t−1⟩`; then every step's dz in one
 * launch and the weight gradients one product each (dW_a: two, as on the CPU).
 */

/** `f = σ(xW_f⟨t⟩ + a⟨t−1⟩ W_af + b_f)`, `[B, H]`. Inputs xW, a⟨t−1⟩, W_a, b. */
function forgetProgram(B: number, T: number, H: number) {
  const lines = [
    ...rowAndColumn(H),
    `let z = x0[(row * ${T} + step) * ${2 * H} + j] + x3[j];`,
    `for (let p = 0; p < ${H}; p++) {`,
    `  z += x1[row * ${H} + p] * x2[p * ${2 * H} + j];`,
    '}',
    ...sigmoidInto('s', 'z'),
    'return s;',
  ];
  return program('mguForget', lines, B * H, ['step']);
}

/** `ã = tanh(xW_a⟨t⟩ + (f ⊙ a⟨t−1⟩) W_aa + b_a)`, `[B, H]`. Inputs xW, a⟨t−1⟩, f, W_a, b. */
function candidateProgram(B: number, T: number, H: number) {
  const lines = [
    ...rowAndColumn(H),
    `let z = x0[(row * ${T} + step) * ${2 * H} + ${H} + j] + x4[${H} + j];`,
    `for (let p = 0; p < ${H}; p++) {`,
    `  z += x2[row * ${H} + p] * x1[row * ${H} + p] * x3[p * ${2 * H} + ${H} + j];`,
    '}',
    ...tanhInto('g', 'z'),
    'return g;',
  ];
  return program('mguCandidate', lines, B * H, ['step']);
}

/** `a⟨t⟩ = (1 − f) ⊙ a⟨t−1⟩ + f ⊙ ã` (carried through where padded). Inputs f, ã, a⟨t−1⟩. */
function stateProgram(B: number, T: number, H: number, masked: boolean) {
  const lines = [
    ...rowAndColumn(H),
    ...ifPadded(masked ? 'x3' : null, T, 'return x2[i];'),
    'const f = x0[i];',
    'return (1 - f) * x2[i] + f * x1[i];',
  ];
  return program('mguState', lines, B * H, ['step']);
}

/** Every step's gates `[f, ã]`, `[B, T, 2H]` (zeros where padded), from f and ã. */
function gatesProgram(B: number, T: number, H: number, masked: boolean) {
  const lines = [
    ...divFloor('bt', 'i', 2 * H),
    `const k = i - bt * ${2 * H};`,
    ...(masked ? ['if (x2[bt] == 0) { return 0; }'] : []),
    `if (k < ${H}) { return x0[bt * ${H} + k]; }`,
    `return x1[bt * ${H} + k - ${H}];`,
  ];
  return program('mguGates', lines, B * T * 2 * H);
}

/**
 * `d(f ⊙ a⟨t−1⟩) = dz_a W_aaᵀ` with `dz_a = da ⊙ f ⊙ (1 − ã²)`, `[B, H]` (0 where padded).
 * Inputs dA, da carried, G, W_a (and the mask).
 */
function gatedGradientProgram(B: number, T: number, H: number, masked: boolean) {
  const lines = [
    ...rowAndColumn(H),
    `const base = (row * ${T} + step) * ${H};`,
    `const gb = (row * ${T} + step) * ${2 * H};`,
    ...ifPadded(masked ? 'x4' : null, T, 'return 0;'),
    'let acc = 0;',
    `for (let p = 0; p < ${H}; p++) {`,
    `  const da = x0[base + p] + x1[row * ${H} + p];`,
    '  const f = x2[gb + p];',
    `  const g = x2[gb + ${H} + p];`,
    `  acc += da * f * (1 - g * g) * x3[j * ${2 * H} + ${H} + p];`,
    '}',
    'return acc;',
  ];
  return program('mguDGated', lines, B * H, ['step']);
}

/**
 * `da⟨t−1⟩ = da ⊙ (1 − f) + d(f⊙a⟨t−1⟩) ⊙ f + dz_f W_afᵀ`, `[B, H]`, with
 * `dz_f = (da ⊙ (ã − a⟨t−1⟩) + d(f⊙a⟨t−1⟩) ⊙ a⟨t−1⟩) ⊙ f(1−f)` recomputed per unit. Inputs dA,
 * da carried, G, previous A, d(f⊙a⟨t−1⟩), W_a (and the mask: padded, da passes through).
 */
function hiddenCarryProgram(B: number, T: number, H: number, masked: boolean) {
  const lines = [
    ...rowAndColumn(H),
    `const base = (row * ${T} + step) * ${H};`,
    `const gb = (row * ${T} + step) * ${2 * H};`,
    ...ifPadded(masked ? 'x6' : null, T, 'return x0[base + j] + x1[i];'),
    `let acc = (x0[base + j] + x1[i]) * (1 - x2[gb + j]) + x4[i] * x2[gb + j];`,
    `for (let p = 0; p < ${H}; p++) {`,
    `  const da = x0[base + p] + x1[row * ${H} + p];`,
    '  const f = x2[gb + p];',
    `  const g = x2[gb + ${H} + p];`,
    '  const prev = x3[base + p];',
    `  acc += (da * (g - prev) + x4[row * ${H} + p] * prev) * f * (1 - f) * x5[j * ${2 * H} + p];`,
    '}',
    'return acc;',
  ];
  return program('mguDaCarry', lines, B * H, ['step']);
}

/** Every step's `dz = [dz_f, dz_a]`, `[B·T, 2H]` (0 where padded). Inputs dA, da carried,
 * d(f⊙a⟨t−1⟩), G, previous A (and the mask). */
function dzProgram(B: number, T: number, H: number, masked: boolean) {
  const lines = [
    ...divFloor('bt', 'i', 2 * H),
    `const k = i - bt * ${2 * H};`,
    ...divFloor('gate', 'k', H),
    `const p = k - gate * ${H};`,
    `const e = bt * ${H} + p;`,
    `const gb = bt * ${2 * H};`,
    ...(masked ? ['if (x5[bt] == 0) { return 0; }'] : []),
    'const f = x3[gb + p];',
    `const g = x3[gb + ${H} + p];`,
    'const da = x0[e] + x1[e];',
    'if (gate == 0) { return (da * (g - x4[e]) + x2[e] * x4[e]) * f * (1 - f); }',
    'return da * f * (1 - g * g);',
  ];
  return program('mguDz', lines, B * T * 2 * H);
}

/** `f ⊙ a⟨t−1⟩` for every step, `[B·T, H]`: the candidate's recurrent input. Inputs G, previous A. */
function gatedStatesProgram(B: number, T: number, H: number) {
  const lines = [...divFloor('bt', 'i', H), `return x0[bt * ${2 * H} + i - bt * ${H}] * x1[i];`];
  return program('mguGatedStates', lines, B * T * H);
}

/** The gpu implementation of `mguSequenceForward`. */
export const mguForwardGpu = (
  backend: Backend,
  { x, W_x, W_a, b, a0, mask }: MguSequenceInputs,
  { reverse }: SequenceAttrs,
): Record<MguSequenceResult, KernelOutput> =>
  withGpuScope('mguSequenceForward', backend, (gpu) => {
    const { B, T, I, H } = dimsOf({ x, W_a });
    const m = mask ? [mask] : [];
    const masked = mask !== undefined;
    const xw = gpu.matmul(gpu.reshape(x, [B * T, I]), W_x);
    const forget = forgetProgram(B, T, H);
    const candidate = candidateProgram(B, T, H);
    const state = stateProgram(B, T, H, masked);
    const as = new Array<TensorInfo>(T);
    const fs = new Array<TensorInfo>(T);
    const cands = new Array<TensorInfo>(T);
    let prev: TensorInfo = a0;
    for (let s = 0; s < T; s++) {
      const t = timeAt(s, T, reverse);
      const f = gpu.run(forget, [xw, prev, W_a, b], [B, H], [t]);
      const cand = gpu.run(candidate, [xw, prev, f, W_a, b], [B, H], [t]);
      prev = gpu.run(state, [f, cand, prev, ...m], [B, H], [t]);
      [as[t], fs[t], cands[t]] = [prev, f, cand];
    }
    const gates = gpu.run(
      gatesProgram(B, T, H, masked),
      [gpu.stackSteps(fs), gpu.stackSteps(cands), ...m],
      [B, T, 2 * H],
    );
    return { A: gpu.keep(gpu.stackSteps(as)), G: gpu.keep(gates) };
  });

/** The gpu implementation of `mguSequenceBackward`. */
export const mguBackwardGpu = (
  backend: Backend,
  { x, W_x, W_a, a0, A, G: gates, dA, mask }: MguSequenceGradientInputs,
  { reverse, skipInputGradient }: SequenceAttrs,
): Record<MguSequenceGradient, KernelOutput> =>
  withGpuScope('mguSequenceBackward', backend, (gpu) => {
    const { B, T, H } = dimsOf({ x, W_a });
    const m = mask ? [mask] : [];
    const masked = mask !== undefined;
    const prevA = previousStates(gpu, A, a0, reverse);
    const gatedGradient = gatedGradientProgram(B, T, H, masked);
    const hiddenCarry = hiddenCarryProgram(B, T, H, masked);
    // Per step t: the da reaching a⟨t⟩ from later steps, and d(f ⊙ a⟨t−1⟩).
    const carried = new Array<TensorInfo>(T);
    const dGateds = new Array<TensorInfo>(T);
    let daNext = gpu.zeros([B, H]);
    for (let s = T - 1; s >= 0; s--) {
      const t = timeAt(s, T, reverse);
      const dGated = gpu.run(gatedGradient, [dA, daNext, gates, W_a, ...m], [B, H], [t]);
      [carried[t], dGateds[t]] = [daNext, dGated];
      daNext = gpu.run(hiddenCarry, [dA, daNext, gates, prevA, dGated, W_a, ...m], [B, H], [t]);
    }
    const dZ = gpu.run(
      dzProgram(B, T, H, masked),
      [dA, gpu.stackSteps(carried), gpu.stackSteps(dGateds), gates, prevA, ...m],
      [B * T, 2 * H],
    );
    const prev2d = gpu.reshape(prevA, [B * T, H]);
    const gated = gpu.run(gatedStatesProgram(B, T, H), [gates, prevA], [B * T, H]);
    const dWf = gpu.matmul(prev2d, gpu.columns(dZ, 0, H), true, false);
    const dWaa = gpu.matmul(gated, gpu.columns(dZ, H, H), true, false);
    const { dx, dWx, db } = inputSideGradients(gpu, dZ, x, W_x, skipInputGradient);
    return {
      dx,
      dW_x: dWx,
      dW_a: gpu.keep(gpu.concat([dWf, dWaa], 1)),
      db,
      da0: gpu.keep(daNext),
    };
  });
