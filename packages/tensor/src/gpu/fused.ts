import type { Backend } from '../backend.js';
import { formatShape, RecurError } from '../errors.js';
import { defineKernel, type Kernel, type KernelImpl, type KernelOutput } from '../kernel.js';
import { tidy } from '../memory.js';
import { add, mul, relu, sigmoid, tanh } from '../ops/elementwise.js';
import { matmul } from '../ops/matmul.js';
import { concat, split } from '../ops/shape-ops.js';
import type { Tensor } from '../tensor.js';
import { LOOP_BUDGET } from './codegen.js';
import { GpuBackend } from './gpu-backend.js';
import {
  lstmCellProgram,
  lstmGatesProgram,
  lstmOutputProgram,
  lstmStateProgram,
  type RnnActivation,
  rnnStepProgram,
} from './programs/recurrent.js';

export type { RnnActivation } from './programs/recurrent.js';

/** Attributes of {@link rnnStep}. */
export interface RnnStepAttrs {
  activation: RnnActivation;
}

/** {@link lstmGates} takes no attributes. */
export type LstmGatesAttrs = Record<string, never>;

function need(name: string, cond: boolean, message: string): void {
  if (!cond) throw new RecurError('SHAPE', `${name}: ${message}`);
}

function checkFloat(name: string, inputs: readonly Tensor[]): void {
  inputs.forEach((t, i) => {
    if (t.dtype !== 'float32')
      throw new RecurError('DTYPE', `${name}: inputs[${i}] must be float32, got ${t.dtype}`);
  });
}

/**
 * Checks the pre-activation inputs of a step: `[z]` with z [B, width], or `[xW, aPrev, U, b]`
 * with xW [B, width], aPrev [B, hidden], U [hidden, width], b [width]. Returns B and hidden
 * (null for the `[z]` form).
 */
function checkPreactivation(
  name: string,
  inputs: readonly Tensor[],
  width: number,
): { batch: number; hidden: number | null } {
  const z = inputs[0]!;
  need(
    name,
    z.rank === 2 && z.shape[1] === width,
    `the pre-activation is ${formatShape(z.shape)}; expected [B,${width}]`,
  );
  const batch = z.shape[0]!;
  if (inputs.length === 1) return { batch, hidden: null };
  const [, aPrev, u, b] = inputs as [Tensor, Tensor, Tensor, Tensor];
  need(
    name,
    aPrev.rank === 2 && aPrev.shape[0] === batch,
    `aPrev is ${formatShape(aPrev.shape)}; expected [${batch},hidden]`,
  );
  const hidden = aPrev.shape[1]!;
  need(
    name,
    u.rank === 2 && u.shape[0] === hidden && u.shape[1] === width,
    `U is ${formatShape(u.shape)}; expected [${hidden},${width}]`,
  );
  need(
    name,
    b.rank === 1 && b.shape[0] === width,
    `b is ${formatShape(b.shape)}; expected [${width}]`,
  );
  return { batch, hidden };
}

function checkArity(
  name: string,
  inputs: readonly Tensor[],
  counts: readonly number[],
  forms: string,
): void {
  if (!counts.includes(inputs.length)) {
    throw new RecurError(
      'ARGUMENT',
      `${name}: expected inputs ${forms}, got ${inputs.length} tensors`,
    );
  }
  checkFloat(name, inputs);
}

function gpuOf(name: string, backend: Backend): GpuBackend {
  if (!(backend instanceof GpuBackend)) {
    throw new RecurError(
      'BACKEND',
      `${name}: the 'gpu' implementation needs a GpuBackend, got '${backend.name}'`,
    );
  }
  return backend;
}

/** The composed pre-activation, `z` or `xW + aPrev·U + b`, on any backend. */
function composedPreactivation(inputs: readonly Tensor[]): Tensor {
  if (inputs.length === 1) return inputs[0]!;
  const [xW, aPrev, u, b] = inputs as [Tensor, Tensor, Tensor, Tensor];
  return add(add(xW, matmul(aPrev, u)), b);
}

/**
 * Runs `launch` with the pre-activation inputs and the hidden size to fuse into the kernel —
 * unless that loop would be longer than one kernel may run ({@link LOOP_BUDGET}): then z is
 * computed with the primitive ops first and the kernel gets `[z]`.
 */
function withPreactivation<T>(
  inputs: readonly Tensor[],
  hidden: number | null,
  launch: (pre: readonly Tensor[], hidden: number | null) => T,
): T {
  if (hidden === null || hidden <= LOOP_BUDGET) return launch(inputs, hidden);
  const z = tidy(() => composedPreactivation(inputs));
  try {
    return launch([z], null);
  } finally {
    z.dispose();
  }
}

const RNN_FORMS = '[z] or [xW, aPrev, W_ah, b_h]';

function checkRnn(
  inputs: readonly Tensor[],
  attrs: RnnStepAttrs,
): { batch: number; units: number; hidden: number | null } {
  checkArity('rnnStep', inputs, [1, 4], RNN_FORMS);
  if (attrs?.activation !== 'tanh' && attrs?.activation !== 'relu') {
    throw new RecurError(
      'ARGUMENT',
      `rnnStep: activation must be 'tanh' or 'relu', got ${JSON.stringify(attrs?.activation)}`,
    );
  }
  const z = inputs[0]!;
  const units = z.shape[1] ?? 0;
  return { ...checkPreactivation('rnnStep', inputs, units), units };
}

/** The gpu.js implementation of {@link rnnStep}: one kernel launch. */
export const rnnStepGpu: KernelImpl<RnnStepAttrs> = (backend, inputs, attrs) => {
  const { batch, units, hidden } = checkRnn(inputs, attrs);
  const gpu = gpuOf('rnnStep', backend);
  const [a] = withPreactivation(inputs, hidden, (pre, inKernel) =>
    gpu.runProgram('rnnStep', rnnStepProgram(attrs.activation, batch, units, inKernel), pre),
  );
  return [{ dataId: a!, shape: [batch, units], dtype: 'float32' }];
};

/**
 * One vanilla RNN (or IRNN) step, a⟨t⟩ = act(z), fused into one kernel on the GPU:
 *
 * - `rnnStep([z], { activation })` with z [B, H];
 * - `rnnStep([xW, aPrev, W_ah, b_h], { activation })` computes z = xW + a⟨t−1⟩·W_ah + b_h in the
 *   same kernel (xW [B, H] is x⟨t⟩·W_xh, usually precomputed for all steps in one matmul;
 *   aPrev [B, H'], W_ah [H', H], b_h [H]).
 *
 * `activation` is `'tanh'` or `'relu'`. Returns `[a]`, a [B, H]. Other backends run the same
 * math composed from primitive ops.
 */
export const rnnStep: Kernel<RnnStepAttrs> = defineKernel<RnnStepAttrs>({
  name: 'rnnStep',
  backends: { gpu: rnnStepGpu },
  fallback: (inputs, attrs) => {
    checkRnn(inputs, attrs);
    return tidy(() => {
      const z = composedPreactivation(inputs);
      return [attrs.activation === 'tanh' ? tanh(z) : relu(z)];
    });
  },
});

const LSTM_FORMS = '[z, cPrev] or [xW, aPrev, W_a, b, cPrev]';

function checkLstm(inputs: readonly Tensor[]): {
  batch: number;
  units: number;
  hidden: number | null;
} {
  checkArity('lstmGates', inputs, [2, 5], LSTM_FORMS);
  const cPrev = inputs[inputs.length - 1]!;
  need('lstmGates', cPrev.rank === 2, `cPrev is ${formatShape(cPrev.shape)}; expected [B,H]`);
  const units = cPrev.shape[1]!;
  const { batch, hidden } = checkPreactivation('lstmGates', inputs.slice(0, -1), 4 * units);
  need(
    'lstmGates',
    cPrev.shape[0] === batch,
    `cPrev is ${formatShape(cPrev.shape)}; expected [${batch},${units}]`,
  );
  return { batch, units, hidden };
}

/** The gpu.js implementation of {@link lstmGates}: two kernel launches (three without draw buffers). */
export const lstmGatesGpu: KernelImpl<LstmGatesAttrs> = (backend, inputs) => {
  const { batch, units, hidden } = checkLstm(inputs);
  const gpu = gpuOf('lstmGates', backend);
  const cPrev = inputs[inputs.length - 1]!;
  const [gates] = withPreactivation(inputs.slice(0, -1), hidden, (pre, inKernel) =>
    gpu.runProgram('lstmGates', lstmGatesProgram(batch, units, inKernel), pre),
  );
  const gatesInfo = { dataId: gates!, shape: [batch, 4 * units], dtype: 'float32' as const };
  let a: KernelOutput['dataId'];
  let c: KernelOutput['dataId'];
  try {
    if (gpu.kernelMaps) {
      [a, c] = gpu.runProgram('lstmGates', lstmStateProgram(batch, units), [gatesInfo, cPrev]) as [
        object,
        object,
      ];
    } else {
      [c] = gpu.runProgram('lstmGates', lstmCellProgram(batch, units), [gatesInfo, cPrev]) as [
        object,
      ];
      [a] = gpu.runProgram('lstmGates', lstmOutputProgram(batch, units), [gatesInfo, cPrev]) as [
        object,
      ];
    }
  } catch (error) {
    gpu.dispose(gates!);
    throw error;
  }
  const state = [batch, units];
  return [
    { dataId: a, shape: state, dtype: 'float32' },
    { dataId: c, shape: state, dtype: 'float32' },
    gatesInfo,
  ];
};

/**
 * The gate math of one LSTM step (docs/notation.md; gate order u, f, c̃, o as in Keras):
 *
 *     Γu = σ(z_u)  Γf = σ(z_f)  c̃ = tanh(z_c)  Γo = σ(z_o)
 *     c⟨t⟩ = Γf ⊙ c⟨t−1⟩ + Γu ⊙ c̃        a⟨t⟩ = Γo ⊙ tanh(c⟨t⟩)
 *
 * - `lstmGates([z, cPrev], {})` with z [B, 4H] = x W_x + a W_a + b and cPrev [B, H];
 * - `lstmGates([xW, aPrev, W_a, b, cPrev], {})` computes z in the same launch (xW [B, 4H] is
 *   x⟨t⟩·W_x; aPrev [B, H'], W_a [H', 4H], b [4H]).
 *
 * Returns `[a, c, gates]`: a⟨t⟩ and c⟨t⟩ [B, H], and the activated gates [B, 4H]
 * (`[Γu, Γf, c̃, Γo]`, what the backward pass needs). Two kernel launches on the GPU; other
 * backends run the same math composed from primitive ops.
 */
export const lstmGates: Kernel<LstmGatesAttrs> = defineKernel<LstmGatesAttrs>({
  name: 'lstmGates',
  backends: { gpu: lstmGatesGpu },
  fallback: (inputs) => {
    checkLstm(inputs);
    return tidy(() => {
      const cPrev = inputs[inputs.length - 1]!;
      const z = composedPreactivation(inputs.slice(0, -1));
      const [zu, zf, zc, zo] = split(z, 4, 1) as [Tensor, Tensor, Tensor, Tensor];
      const u = sigmoid(zu);
      const f = sigmoid(zf);
      const g = tanh(zc);
      const o = sigmoid(zo);
      const c = add(mul(f, cPrev), mul(u, g));
      const a = mul(o, tanh(c));
      return [a, c, concat([u, f, g, o], 1)];
    });
  },
});
