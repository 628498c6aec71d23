import type { Backend, KernelOutput, TensorInfo } from '@recur/tensor';
import { divFloor, tanhInto } from '@recur/tensor/gpu-kernels';
import {
  gateInto,
  gateSlopeOf,
  ifPadded,
  inputSideGradients,
  previousStates,
  program,
  rowAndColumn,
  withGpuScope,
} from '../../kernels/gpu-scope.js';
import { dimsOf, type SequenceAttrs, timeAt } from '../../kernels/sequence.js';
import type {
  GruResetAfterSequenceGradient,
  GruResetAfterSequenceGradientInputs,
  GruResetAfterSequenceInputs,
  GruResetAfterSequenceResult,
} from './reset-after-kernel.js';

/**
 * The "reset after" GRU sequence kernels on the gpu.js backend. Forward: x W_x for all steps in
 * one product, then per step one product `a⟨t−1⟩ W_a`, one launch for the gates `[u, r, ã, n]`
 * and one for a⟨t⟩. Backward: per step one launch for `[dz_u, dz_r, dz_a ⊙ r, dz_a]`, one
 * product `dh W_aᵀ` and one launch for `da⟨t−1⟩`; then the weight gradients one product each.
 */

/**
 * `[u, r, ã, n]`, `[B, 4H]` (zeros where padded). Inputs xW `[B·T, 3H]`, `a⟨t−1⟩ W_a` `[B, 3H]`,
 * b, b_a (and the mask).
 */
function gatesProgram(B: number, T: number, H: number, masked: boolean, hard: boolean) {
  const G = 3 * H;
  const lines = [
    ...rowAndColumn(4 * H),
    ...ifPadded(masked ? 'x4' : null, T, 'return 0;'),
    `const xb = (row * ${T} + step) * ${G};`,
    `const hb = row * ${G};`,
    `if (j >= ${3 * H}) { return x1[hb + j - ${H}] + x3[j - ${H}]; }`,
    `if (j < ${2 * H}) {`,
    '  const z = x0[xb + j] + x2[j] + x1[hb + j] + x3[j];',
    ...gateInto('s', 'z', hard).map((l) => `  ${l}`),
    '  return s;',
    '}',
    `const k = j - ${2 * H};`,
    `const zr = x0[xb + ${H} + k] + x2[${H} + k] + x1[hb + ${H} + k] + x3[${H} + k];`,
    ...gateInto('rg', 'zr', hard),
    `const n = x1[hb + ${2 * H} + k] + x3[${2 * H} + k];`,
    `const za = x0[xb + ${2 * H} + k] + x2[${2 * H} + k] + rg * n;`,
    ...tanhInto('g', 'za'),
    'return g;',
  ];
  return program('gruRaGates', lines, B * 4 * H, ['step']);
}

/** `a⟨t⟩ = u ⊙ a⟨t−1⟩ + (1 − u) ⊙ ã` (carried where padded). Inputs gates `[B, 4H]`, a⟨t−1⟩. */
function stateProgram(B: number, T: number, H: number, masked: boolean) {
  const lines = [
    ...rowAndColumn(H),
    ...ifPadded(masked ? 'x2' : null, T, 'return x1[i];'),
    `const u = x0[row * ${4 * H} + j];`,
    `return u * x1[i] + (1 - u) * x0[row * ${4 * H} + ${2 * H} + j];`,
  ];
  return program('gruRaState', lines, B * H, ['step']);
}

/**
 * `[dz_u, dz_r, dz_a ⊙ r, dz_a]`, `[B, 4H]` (zeros where padded): the first 3H are the
 * recurrent term's gradient `dh`, the input side is `[dz_u, dz_r, dz_a]`. Inputs dA, da carried,
 * G `[B, T, 4H]`, previous A (and the mask).
 */
function dhProgram(B: number, T: number, H: number, masked: boolean, hard: boolean) {
  const lines = [
    ...rowAndColumn(4 * H),
    ...ifPadded(masked ? 'x4' : null, T, 'return 0;'),
    ...divFloor('gate', 'j', H),
    `const p = j - gate * ${H};`,
    `const e = (row * ${T} + step) * ${H} + p;`,
    `const gb = (row * ${T} + step) * ${4 * H};`,
    `const da = x0[e] + x1[row * ${H} + p];`,
    'const u = x2[gb + p];',
    'if (gate == 0) {',
    `  return da * (x3[e] - x2[gb + ${2 * H} + p]) * ${gateSlopeOf('u', hard)};`,
    '}',
    `const g = x2[gb + ${2 * H} + p];`,
    'const dza = da * (1 - u) * (1 - g * g);',
    'if (gate == 3) { return dza; }',
    `const r = x2[gb + ${H} + p];`,
    'if (gate == 2) { return dza * r; }',
    `return dza * x2[gb + ${3 * H} + p] * ${gateSlopeOf('r', hard)};`,
  ];
  return program('gruRaDh', lines, B * 4 * H, ['step']);
}

/** `da⟨t−1⟩ = da ⊙ u + dh W_aᵀ` (da passes through where padded). Inputs dA, da carried, G, dh W_aᵀ. */
function carryProgram(B: number, T: number, H: number, masked: boolean) {
  const lines = [
    ...rowAndColumn(H),
    `const da = x0[(row * ${T} + step) * ${H} + j] + x1[i];`,
    ...ifPadded(masked ? 'x4' : null, T, 'return da;'),
    `return da * x2[(row * ${T} + step) * ${4 * H} + j] + x3[i];`,
  ];
  return program('gruRaCarry', lines, B * H, ['step']);
}

/** The gpu implementation of `gruResetAfterSequenceForward`. */
export const gruResetAfterForwardGpu = (
  backend: Backend,
  { x, W_x, W_a, b, b_a, a0, mask }: GruResetAfterSequenceInputs,
  { reverse, recurrentActivation }: SequenceAttrs,
): Record<GruResetAfterSequenceResult, KernelOutput> =>
  withGpuScope('gruResetAfterSequenceForward', backend, (gpu) => {
    const { B, T, I, H } = dimsOf({ x, W_a });
    const m = mask ? [mask] : [];
    const masked = mask !== undefined;
    const xw = gpu.matmul(gpu.reshape(x, [B * T, I]), W_x);
    const gatesOf = gatesProgram(B, T, H, masked, recurrentActivation === 'hardSigmoid');
    const state = stateProgram(B, T, H, masked);
    const as = new Array<TensorInfo>(T);
    const gs = new Array<TensorInfo>(T);
    let prev: TensorInfo = a0;
    for (let s = 0; s < T; s++) {
      const t = timeAt(s, T, reverse);
      const rec = gpu.matmul(prev, W_a);
      const gates = gpu.run(gatesOf, [xw, rec, b, b_a, ...m], [B, 4 * H], [t]);
      prev = gpu.run(state, [gates, prev, ...m], [B, H], [t]);
      [as[t], gs[t]] = [prev, gates];
    }
    return { A: gpu.keep(gpu.stackSteps(as)), G: gpu.keep(gpu.stackSteps(gs)) };
  });

/** The gpu implementation of `gruResetAfterSequenceBackward`. */
export const gruResetAfterBackwardGpu = (
  backend: Backend,
  { x, W_x, W_a, a0, A, G: gates, dA, mask }: GruResetAfterSequenceGradientInputs,
  { reverse, skipInputGradient, recurrentActivation }: SequenceAttrs,
): Record<GruResetAfterSequenceGradient, KernelOutput> =>
  withGpuScope('gruResetAfterSequenceBackward', backend, (gpu) => {
    const { B, T, H } = dimsOf({ x, W_a });
    const m = mask ? [mask] : [];
    const masked = mask !== undefined;
    const prevA = previousStates(gpu, A, a0, reverse);
    const dhOf = dhProgram(B, T, H, masked, recurrentActivation === 'hardSigmoid');
    const carry = carryProgram(B, T, H, masked);
    const dhs = new Array<TensorInfo>(T);
    let daNext = gpu.zeros([B, H]);
    for (let s = T - 1; s >= 0; s--) {
      const t = timeAt(s, T, reverse);
      const dh4 = gpu.run(dhOf, [dA, daNext, gates, prevA, ...m], [B, 4 * H], [t]);
      const back = gpu.matmul(gpu.columns(dh4, 0, 3 * H), W_a, false, true);
      daNext = gpu.run(carry, [dA, daNext, gates, back, ...m], [B, H], [t]);
      dhs[t] = dh4;
    }
    const all = gpu.reshape(gpu.stackSteps(dhs), [B * T, 4 * H]);
    const dH = gpu.columns(all, 0, 3 * H);
    const dZ = gpu.concat([gpu.columns(all, 0, 2 * H), gpu.columns(all, 3 * H, H)], 1);
    const { dx, dWx, db } = inputSideGradients(gpu, dZ, x, W_x, skipInputGradient);
    return {
      dx,
      dW_x: dWx,
      dW_a: gpu.keep(gpu.matmul(gpu.reshape(prevA, [B * T, H]), dH, true, false)),
      db,
      db_a: gpu.keep(gpu.sumRows(dH)),
      da0: gpu.keep(daNext),
    };
  });
