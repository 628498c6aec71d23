import type { Backend, KernelOutput, TensorInfo } from '@recur/tensor';
import { divFloor, tanhInto } from '@recur/tensor/gpu-kernels';
import {
  ifPadded,
  inputSideGradients,
  previousStates,
  program,
  rowAndColumn,
  withGpuScope,
} from '../../kernels/gpu-scope.js';
import { dimsOf, timeAt } from '../../kernels/sequence.js';
import type {
  RnnSequenceAttrs,
  RnnSequenceGradient,
  RnnSequenceGradientInputs,
  RnnSequenceInputs,
  RnnSequenceResult,
} from './sequence-kernel.js';

/**
 * The vanilla RNN / IRNN sequence kernels on the gpu.js backend (docs/notation.md). Forward: x W_xh
 * for all steps in one product, then ONE launch per step computing
 * `a⟨t⟩ = act(xW⟨t⟩ + a⟨t−1⟩ W_ah + b_h)` with the recurrent product fused in. Backward: one
 * launch per step carrying `da⟨t−1⟩ = (da⟨t⟩ ⊙ act') W_ahᵀ`, then every step's `dz` in one launch
 * and the weight gradients as one product each.
 */

type Activation = RnnSequenceAttrs['activation'];

/** `a⟨t⟩` of one step: `[B, H]` from xW `[B, T, H]`, a⟨t−1⟩, W_ah, b_h (and the mask). */
function stepProgram(B: number, T: number, H: number, act: Activation, masked: boolean) {
  const lines = [
    ...rowAndColumn(H),
    `let z = x0[(row * ${T} + step) * ${H} + j] + x3[j];`,
    `for (let p = 0; p < ${H}; p++) {`,
    `  z += x1[row * ${H} + p] * x2[p * ${H} + j];`,
    '}',
    ...(act === 'tanh' ? tanhInto('a', 'z') : ['let a = z;', 'if (z <= 0) { a = 0; }']),
    ...ifPadded(masked ? 'x4' : null, T, 'a = x1[i];'),
    'return a;',
  ];
  return program('rnnStep', lines, B * H, ['step']);
}

/** `dz = d ⊙ act'` written from the activation's output `a` (tanh' = 1 − a², relu' = [a > 0]). */
function slope(act: Activation, dz: string, d: string, a: string): string[] {
  return act === 'tanh'
    ? [`let ${dz} = ${d} * (1 - ${a} * ${a});`]
    : [`let ${dz} = 0;`, `if (${a} > 0) { ${dz} = ${d}; }`];
}

/**
 * `da⟨t−1⟩ [B, H]` from dA `[B, T, H]`, A, the carried da (from the steps after t), W_ah (and
 * the mask): `Σ_p (dA⟨t⟩ + carry)_p act'_p W_ah[j, p]`; a padded step passes its da through.
 */
function carryProgram(B: number, T: number, H: number, act: Activation, masked: boolean) {
  const lines = [
    ...rowAndColumn(H),
    `const base = (row * ${T} + step) * ${H};`,
    ...ifPadded(masked ? 'x4' : null, T, 'return x0[base + j] + x2[i];'),
    'let acc = 0;',
    `for (let p = 0; p < ${H}; p++) {`,
    `  const d = x0[base + p] + x2[row * ${H} + p];`,
    `  const a = x1[base + p];`,
    ...slope(act, 'dz', 'd', 'a').map((l) => `  ${l}`),
    `  acc += dz * x3[j * ${H} + p];`,
    '}',
    'return acc;',
  ];
  return program('rnnCarry', lines, B * H, ['step']);
}

/** Every step's `dz [B, T, H]` from dA, A and the carried da of each step (0 where padded). */
function dzProgram(B: number, T: number, H: number, act: Activation, masked: boolean) {
  const lines = [
    ...divFloor('row', 'i', H),
    'const d = x0[i] + x2[i];',
    'const a = x1[i];',
    ...slope(act, 'dz', 'd', 'a'),
    ...(masked ? ['if (x3[row] == 0) { dz = 0; }'] : []),
    'return dz;',
  ];
  return program('rnnDz', lines, B * T * H);
}

/** The gpu implementation of `rnnSequenceForward`. */
export const rnnForwardGpu = (
  backend: Backend,
  { x, W_x, W_a, b, a0, mask }: RnnSequenceInputs,
  { activation, reverse }: RnnSequenceAttrs,
): Record<RnnSequenceResult, KernelOutput> =>
  withGpuScope('rnnSequenceForward', backend, (gpu) => {
    const { B, T, I, H } = dimsOf({ x, W_a });
    const m = mask ? [mask] : [];
    const xw = gpu.matmul(gpu.reshape(x, [B * T, I]), W_x);
    const step = stepProgram(B, T, H, activation, mask !== undefined);
    const outputs = new Array<TensorInfo>(T);
    let prev: TensorInfo = a0;
    for (let s = 0; s < T; s++) {
      const t = timeAt(s, T, reverse);
      prev = gpu.run(step, [xw, prev, W_a, b, ...m], [B, H], [t]);
      outputs[t] = prev;
    }
    return { A: gpu.keep(gpu.stackSteps(outputs)) };
  });

/** The gpu implementation of `rnnSequenceBackward`. */
export const rnnBackwardGpu = (
  backend: Backend,
  { x, W_x, W_a, a0, A, dA, mask }: RnnSequenceGradientInputs,
  { activation, reverse, skipInputGradient }: RnnSequenceAttrs,
): Record<RnnSequenceGradient, KernelOutput> =>
  withGpuScope('rnnSequenceBackward', backend, (gpu) => {
    const { B, T, H } = dimsOf({ x, W_a });
    const m = mask ? [mask] : [];
    const masked = mask !== undefined;
    const carry = carryProgram(B, T, H, activation, masked);
    // carried[t]: the gradient reaching a⟨t⟩ from the steps processed after t.
    const carried = new Array<TensorInfo>(T);
    let daNext = gpu.zeros([B, H]);
    for (let s = T - 1; s >= 0; s--) {
      const t = timeAt(s, T, reverse);
      carried[t] = daNext;
      daNext = gpu.run(carry, [dA, A, daNext, W_a, ...m], [B, H], [t]);
    }
    const dz = dzProgram(B, T, H, activation, masked);
    const dZ = gpu.run(dz, [dA, A, gpu.stackSteps(carried), ...m], [B * T, H]);
    const prev = gpu.reshape(previousStates(gpu, A, a0, reverse), [B * T, H]);
    const { dx, dWx, db } = inputSideGradients(gpu, dZ, x, W_x, skipInputGradient);
    return {
      dx,
      dW_x: dWx,
      dW_a: gpu.keep(gpu.matmul(prev, dZ, true, false)),
      db,
      da0: gpu.keep(daNext),
    };
  });
