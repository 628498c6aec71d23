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
  GruSequenceGradient,
  GruSequenceGradientInputs,
  GruSequenceInputs,
  GruSequenceResult,
} from './sequence-kernel.js';

/**
 * The GRU sequence kernels ("reset before", gate blocks u, r, ã) on the gpu.js backend.
 * Forward: x W_x for all steps in one product, then per step one launch for `[u, r]`, one for
 * the candidate ã (the reset state's product fused in) and one for a⟨t⟩. Backward: per step one
 * launch for `d(r ⊙ a⟨t−1⟩) = dz_a W_aaᵀ` and one for `da⟨t−1⟩`; then every step's dz in one
 * launch and the weight gradients one product each (dW_a: two, as on the CPU).
 */

/** `[u, r] = σ(xW⟨t⟩ + a⟨t−1⟩ [W_au, W_ar] + b)`, `[B, 2H]`. Inputs xW, a⟨t−1⟩, W_a, b. */
function updateResetProgram(B: number, T: number, H: number) {
  const lines = [
    ...rowAndColumn(2 * H),
    `let z = x0[(row * ${T} + step) * ${3 * H} + j] + x3[j];`,
    `for (let p = 0; p < ${H}; p++) {`,
    `  z += x1[row * ${H} + p] * x2[p * ${3 * H} + j];`,
    '}',
    ...sigmoidInto('s', 'z'),
    'return s;',
  ];
  return program('gruUR', lines, B * 2 * H, ['step']);
}

/** `ã = tanh(xW_a⟨t⟩ + (r ⊙ a⟨t−1⟩) W_aa + b_a)`, `[B, H]`. Inputs xW, a⟨t−1⟩, [u, r], W_a, b. */
function candidateProgram(B: number, T: number, H: number) {
  const lines = [
    ...rowAndColumn(H),
    `let z = x0[(row * ${T} + step) * ${3 * H} + ${2 * H} + j] + x4[${2 * H} + j];`,
    `for (let p = 0; p < ${H}; p++) {`,
    `  z += x2[row * ${2 * H} + ${H} + p] * x1[row * ${H} + p] * x3[p * ${3 * H} + ${2 * H} + j];`,
    '}',
    ...tanhInto('g', 'z'),
    'return g;',
  ];
  return program('gruCandidate', lines, B * H, ['step']);
}

/** `a⟨t⟩ = u ⊙ a⟨t−1⟩ + (1 − u) ⊙ ã` (carried through where padded). Inputs [u, r], ã, a⟨t−1⟩. */
function stateProgram(B: number, T: number, H: number, masked: boolean) {
  const lines = [
    ...rowAndColumn(H),
    ...ifPadded(masked ? 'x3' : null, T, 'return x2[i];'),
    `const u = x0[row * ${2 * H} + j];`,
    'return u * x2[i] + (1 - u) * x1[i];',
  ];
  return program('gruState', lines, B * H, ['step']);
}

/** Every step's gates `[u, r, ã]`, `[B, T, 3H]` (zeros where padded), from `[u, r]` and ã. */
function gatesProgram(B: number, T: number, H: number, masked: boolean) {
  const lines = [
    ...divFloor('bt', 'i', 3 * H),
    `const k = i - bt * ${3 * H};`,
    ...(masked ? ['if (x2[bt] == 0) { return 0; }'] : []),
    `if (k < ${2 * H}) { return x0[bt * ${2 * H} + k]; }`,
    `return x1[bt * ${H} + k - ${2 * H}];`,
  ];
  return program('gruGates', lines, B * T * 3 * H);
}

/**
 * `d(r ⊙ a⟨t−1⟩) = dz_a W_aaᵀ` with `dz_a = da ⊙ (1 − u) ⊙ (1 − ã²)`, `[B, H]` (0 where padded).
 * Inputs dA, da carried, G, W_a (and the mask).
 */
function resetGradientProgram(B: number, T: number, H: number, masked: boolean) {
  const lines = [
    ...rowAndColumn(H),
    `const base = (row * ${T} + step) * ${H};`,
    `const gb = (row * ${T} + step) * ${3 * H};`,
    ...ifPadded(masked ? 'x4' : null, T, 'return 0;'),
    'let acc = 0;',
    `for (let p = 0; p < ${H}; p++) {`,
    `  const da = x0[base + p] + x1[row * ${H} + p];`,
    '  const u = x2[gb + p];',
    `  const g = x2[gb + ${2 * H} + p];`,
    `  acc += da * (1 - u) * (1 - g * g) * x3[j * ${3 * H} + ${2 * H} + p];`,
    '}',
    'return acc;',
  ];
  return program('gruDReset', lines, B * H, ['step']);
}

/**
 * `da⟨t−1⟩ = da ⊙ u + d(r⊙a⟨t−1⟩) ⊙ r + [dz_u, dz_r] [W_au, W_ar]ᵀ`, `[B, H]`, with
 * `dz_u = da ⊙ (a⟨t−1⟩ − ã) ⊙ u(1−u)` and `dz_r = d(r⊙a⟨t−1⟩) ⊙ a⟨t−1⟩ ⊙ r(1−r)` recomputed
 * per unit. Inputs dA, da carried, G, previous A, d(r⊙a⟨t−1⟩), W_a (and the mask: padded, da
 * passes through).
 */
function hiddenCarryProgram(B: number, T: number, H: number, masked: boolean) {
  const lines = [
    ...rowAndColumn(H),
    `const base = (row * ${T} + step) * ${H};`,
    `const gb = (row * ${T} + step) * ${3 * H};`,
    ...ifPadded(masked ? 'x6' : null, T, 'return x0[base + j] + x1[i];'),
    `let acc = (x0[base + j] + x1[i]) * x2[gb + j] + x4[i] * x2[gb + ${H} + j];`,
    `for (let p = 0; p < ${H}; p++) {`,
    `  const da = x0[base + p] + x1[row * ${H} + p];`,
    '  const u = x2[gb + p];',
    `  const r = x2[gb + ${H} + p];`,
    `  const g = x2[gb + ${2 * H} + p];`,
    '  const prev = x3[base + p];',
    `  acc += da * (prev - g) * u * (1 - u) * x5[j * ${3 * H} + p];`,
    `  acc += x4[row * ${H} + p] * prev * r * (1 - r) * x5[j * ${3 * H} + ${H} + p];`,
    '}',
    'return acc;',
  ];
  return program('gruDaCarry', lines, B * H, ['step']);
}

/** Every step's `dz = [dz_u, dz_r, dz_a]`, `[B·T, 3H]` (0 where padded). Inputs dA, da carried,
 * d(r⊙a⟨t−1⟩), G, previous A (and the mask). */
function dzProgram(B: number, T: number, H: number, masked: boolean) {
  const lines = [
    ...divFloor('bt', 'i', 3 * H),
    `const k = i - bt * ${3 * H};`,
    ...divFloor('gate', 'k', H),
    `const p = k - gate * ${H};`,
    `const e = bt * ${H} + p;`,
    `const gb = bt * ${3 * H};`,
    ...(masked ? ['if (x5[bt] == 0) { return 0; }'] : []),
    'const u = x3[gb + p];',
    `const r = x3[gb + ${H} + p];`,
    `const g = x3[gb + ${2 * H} + p];`,
    'const prev = x4[e];',
    'if (gate == 1) { return x2[e] * prev * r * (1 - r); }',
    'const da = x0[e] + x1[e];',
    'if (gate == 0) { return da * (prev - g) * u * (1 - u); }',
    'return da * (1 - u) * (1 - g * g);',
  ];
  return program('gruDz', lines, B * T * 3 * H);
}

/** `r ⊙ a⟨t−1⟩` for every step, `[B·T, H]`: the candidate's recurrent input. Inputs G, previous A. */
function resetStatesProgram(B: number, T: number, H: number) {
  const lines = [
    ...divFloor('bt', 'i', H),
    `return x0[bt * ${3 * H} + ${H} + i - bt * ${H}] * x1[i];`,
  ];
  return program('gruResetStates', lines, B * T * H);
}

/** The gpu implementation of `gruSequenceForward`. */
export const gruForwardGpu = (
  backend: Backend,
  { x, W_x, W_a, b, a0, mask }: GruSequenceInputs,
  { reverse }: SequenceAttrs,
): Record<GruSequenceResult, KernelOutput> =>
  withGpuScope('gruSequenceForward', backend, (gpu) => {
    const { B, T, I, H } = dimsOf({ x, W_a });
    const m = mask ? [mask] : [];
    const masked = mask !== undefined;
    const xw = gpu.matmul(gpu.reshape(x, [B * T, I]), W_x);
    const updateReset = updateResetProgram(B, T, H);
    const candidate = candidateProgram(B, T, H);
    const state = stateProgram(B, T, H, masked);
    const as = new Array<TensorInfo>(T);
    const urs = new Array<TensorInfo>(T);
    const cands = new Array<TensorInfo>(T);
    let prev: TensorInfo = a0;
    for (let s = 0; s < T; s++) {
      const t = timeAt(s, T, reverse);
      const ur = gpu.run(updateReset, [xw, prev, W_a, b], [B, 2 * H], [t]);
      const cand = gpu.run(candidate, [xw, prev, ur, W_a, b], [B, H], [t]);
      prev = gpu.run(state, [ur, cand, prev, ...m], [B, H], [t]);
      [as[t], urs[t], cands[t]] = [prev, ur, cand];
    }
    const gates = gpu.run(
      gatesProgram(B, T, H, masked),
      [gpu.stackSteps(urs), gpu.stackSteps(cands), ...m],
      [B, T, 3 * H],
    );
    return { A: gpu.keep(gpu.stackSteps(as)), G: gpu.keep(gates) };
  });

/** The gpu implementation of `gruSequenceBackward`. */
export const gruBackwardGpu = (
  backend: Backend,
  { x, W_x, W_a, a0, A, G: gates, dA, mask }: GruSequenceGradientInputs,
  { reverse, skipInputGradient }: SequenceAttrs,
): Record<GruSequenceGradient, KernelOutput> =>
  withGpuScope('gruSequenceBackward', backend, (gpu) => {
    const { B, T, H } = dimsOf({ x, W_a });
    const m = mask ? [mask] : [];
    const masked = mask !== undefined;
    const prevA = previousStates(gpu, A, a0, reverse);
    const resetGradient = resetGradientProgram(B, T, H, masked);
    const hiddenCarry = hiddenCarryProgram(B, T, H, masked);
    // Per step t: the da reaching a⟨t⟩ from later steps, and d(r ⊙ a⟨t−1⟩).
    const carried = new Array<TensorInfo>(T);
    const dResets = new Array<TensorInfo>(T);
    let daNext = gpu.zeros([B, H]);
    for (let s = T - 1; s >= 0; s--) {
      const t = timeAt(s, T, reverse);
      const dReset = gpu.run(resetGradient, [dA, daNext, gates, W_a, ...m], [B, H], [t]);
      [carried[t], dResets[t]] = [daNext, dReset];
      daNext = gpu.run(hiddenCarry, [dA, daNext, gates, prevA, dReset, W_a, ...m], [B, H], [t]);
    }
    const dZ = gpu.run(
      dzProgram(B, T, H, masked),
      [dA, gpu.stackSteps(carried), gpu.stackSteps(dResets), gates, prevA, ...m],
      [B * T, 3 * H],
    );
    const prev2d = gpu.reshape(prevA, [B * T, H]);
    const resets = gpu.run(resetStatesProgram(B, T, H), [gates, prevA], [B * T, H]);
    const dWur = gpu.matmul(prev2d, gpu.columns(dZ, 0, 2 * H), true, false);
    const dWaa = gpu.matmul(resets, gpu.columns(dZ, 2 * H, H), true, false);
    const { dx, dWx, db } = inputSideGradients(gpu, dZ, x, W_x, skipInputGradient);
    return {
      dx,
      dW_x: dWx,
      dW_a: gpu.keep(gpu.concat([dWur, dWaa], 1)),
      db,
      da0: gpu.keep(daNext),
    };
  });
