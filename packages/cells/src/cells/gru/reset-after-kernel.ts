import {
  add,
  concat,
  hardSigmoid as hardSigmoidOp,
  matmul,
  mul,
  RecurError,
  reshape,
  sigmoid as sigmoidOp,
  split,
  square,
  stack,
  sub,
  sum,
  type Tensor,
  tanh,
  tidy,
  zerosLike,
} from '@recur/tensor';
import { atStep, keepWhereMasked, shiftedStates, zeroWhereMasked } from '../../kernels/composed.js';
import {
  columnSums,
  cpuBackend,
  f32,
  inputProjection,
  inputSideGradients,
  maskValues,
  output,
} from '../../kernels/cpu.js';
import { defineNamedKernel } from '../../kernels/named-kernel.js';
import {
  checkHiddenSequenceGradient,
  checkSequenceAttrs,
  checkSequenceOperands,
  dimsOf,
  GATE_ACTIVATIONS,
  gateSlope,
  gateSlopeTensor,
  gateValue,
  type HiddenSequenceGradientInputs,
  previousStates,
  type SequenceAttrs,
  type SequenceWeights,
  timeAt,
} from '../../kernels/sequence.js';
import { defineSequenceOp, type SequenceOp } from '../../kernels/sequence-op.js';
import { gruResetAfterBackwardGpu, gruResetAfterForwardGpu } from './reset-after-gpu-kernel.js';

/** The operands of {@link gruResetAfterSequenceForward}. */
export interface GruResetAfterSequenceInputs extends SequenceWeights {
  /** The input-side biases `[3H]`, gate blocks u, r, ã. */
  b: Tensor;
  /** The recurrent-side biases `[3H]` (`b_aa` is the one inside the reset). */
  b_a: Tensor;
  /** The initial state, `[B, H]`. */
  a0: Tensor;
  /** `[B, T]`, 0 at padded steps (optional). */
  mask?: Tensor | undefined;
}

/**
 * The results of {@link gruResetAfterSequenceForward}: every a⟨t⟩ `[B,T,H]` and
 * `G [B,T,4H]` = `[u, r, ã, n]`, where `n = a⟨t−1⟩ W_aa + b_aa` is the recurrent term the
 * reset gate scaled (BPTT needs it for `dr`).
 */
export type GruResetAfterSequenceResult = 'A' | 'G';

/** The operands of {@link gruResetAfterSequenceBackward}: the forward's, its results and ∂L/∂A. */
export type GruResetAfterSequenceGradientInputs = HiddenSequenceGradientInputs;

/** The gradients {@link gruResetAfterSequenceBackward} returns. */
export type GruResetAfterSequenceGradient = 'dx' | 'dW_x' | 'dW_a' | 'db' | 'db_a' | 'da0';

/**
 * Forward propagation through time of the "reset after" GRU (PyTorch `nn.GRU`, Keras
 * `reset_after=True`), gate blocks u, r, ã:
 *
 *     [h_u, h_r, n] = a⟨t−1⟩ W_a + b_a                       (one product for all three blocks)
 *     u = σ(x W_xu + b_u + h_u)     r = σ(x W_xr + b_r + h_r)
 *     ã = tanh(x W_xa + b_a + r ⊙ n)
 *     a⟨t⟩ = u ⊙ a⟨t−1⟩ + (1 − u) ⊙ ã
 *
 * Operands `{ x [B,T,I], W_x [I,3H], W_a [H,3H], b [3H], b_a [3H], a0 [B,H], mask? [B,T] }`;
 * results `{ A [B,T,H], G [B,T,4H] }` (`[u, r, ã, n]`, zeros at padded steps).
 */
export const gruResetAfterSequenceForward = defineNamedKernel<
  GruResetAfterSequenceInputs,
  GruResetAfterSequenceResult,
  SequenceAttrs
>({
  name: 'gruResetAfterSequenceForward',
  inputs: ['x', 'W_x', 'W_a', 'b', 'b_a', 'a0'],
  optional: ['mask'],
  outputs: ['A', 'G'],
  check: (inputs, attrs) => {
    const name = 'gruResetAfterSequenceForward';
    checkSequenceAttrs(name, attrs, GATE_ACTIVATIONS);
    const { H } = checkSequenceOperands(name, inputs, { a0: inputs.a0 }, 3);
    checkRecurrentBias(name, inputs.b_a, H);
  },
  backends: {
    cpu: (
      backend,
      { x, W_x, W_a, b, b_a, a0, mask },
      { reverse, recurrentActivation, forwardOnly },
    ) => {
      const hard = recurrentActivation === 'hardSigmoid';
      const cpu = cpuBackend('gruResetAfterSequenceForward', backend);
      const { B, T, I, H } = dimsOf({ x, W_a });
      const G = 3 * H;
      // Forward only: the gates are not kept.
      const saveGates = forwardOnly !== true;
      const xp = inputProjection(cpu, f32(cpu, x), f32(cpu, W_x), f32(cpu, b), B * T, I);
      const wa = f32(cpu, W_a);
      const ba = f32(cpu, b_a);
      const m = maskValues(cpu, mask);
      const out = new Float32Array(B * T * H);
      const gates = new Float32Array(B * (saveGates ? T : 1) * 4 * H);
      const rec = new Float32Array(B * G);
      let prev: Float32Array = f32(cpu, a0);
      let next: Float32Array = new Float32Array(B * H);
      let spare: Float32Array = new Float32Array(B * H);
      for (let s = 0; s < T; s++) {
        const t = timeAt(s, T, reverse);
        for (let r = 0; r < B; r++) rec.set(ba, r * G);
        cpu.gemm(prev, wa, B, G, H, false, false, rec, true); // a⟨t−1⟩ W_a + b_a
        for (let r = 0; r < B; r++) {
          const o = r * H;
          if (m && m[r * T + t] === 0) {
            next.set(prev.subarray(o, o + H), o);
            out.set(next.subarray(o, o + H), (r * T + t) * H);
            continue;
          }
          const zo = (r * T + t) * G;
          const go = (r * T + t) * 4 * H;
          const ro = r * G;
          for (let j = 0; j < H; j++) {
            const u = gateValue(xp[zo + j]! + rec[ro + j]!, hard);
            const rg = gateValue(xp[zo + H + j]! + rec[ro + H + j]!, hard);
            const n = rec[ro + 2 * H + j]!;
            const cand = Math.tanh(xp[zo + 2 * H + j]! + rg * n);
            next[o + j] = u * prev[o + j]! + (1 - u) * cand;
            if (!saveGates) continue;
            gates[go + j] = u;
            gates[go + H + j] = rg;
            gates[go + 2 * H + j] = cand;
            gates[go + 3 * H + j] = n;
          }
          out.set(next.subarray(o, o + H), (r * T + t) * H);
        }
        prev = next;
        next = spare;
        spare = prev;
      }
      return {
        A: output(cpu, out, [B, T, H]),
        G: output(cpu, gates, [B, saveGates ? T : 1, 4 * H]),
      };
    },
    gpu: gruResetAfterForwardGpu,
  },
  fallback: (inputs, attrs) => tidy(() => gruResetAfterForwardComposed(inputs, attrs)),
});

function gruResetAfterForwardComposed(
  { x, W_x, W_a, b, b_a, a0, mask }: GruResetAfterSequenceInputs,
  { reverse, recurrentActivation }: SequenceAttrs,
): Record<GruResetAfterSequenceResult, Tensor> {
  const gate = recurrentActivation === 'hardSigmoid' ? hardSigmoidOp : sigmoidOp;
  const { B, T, I, H } = dimsOf({ x, W_a });
  const xp = reshape(add(matmul(reshape(x, [B * T, I]), W_x), b), [B, T, 3 * H]);
  const as = new Array<Tensor>(T);
  const gs = new Array<Tensor>(T);
  let prev = a0;
  for (let s = 0; s < T; s++) {
    const t = timeAt(s, T, reverse);
    const [xu, xr, xa] = split(atStep(xp, t), 3, 1) as [Tensor, Tensor, Tensor];
    const [hu, hr, n] = split(add(matmul(prev, W_a), b_a), 3, 1) as [Tensor, Tensor, Tensor];
    const u = gate(add(xu, hu));
    const r = gate(add(xr, hr));
    const cand = tanh(add(xa, mul(r, n)));
    const a = keepWhereMasked(mask, t, add(mul(u, prev), mul(sub(1, u), cand)), prev);
    gs[t] = zeroWhereMasked(mask, t, concat([u, r, cand, n], 1));
    as[t] = a;
    prev = a;
  }
  return { A: stack(as, 1), G: stack(gs, 1) };
}

/**
 * BPTT for {@link gruResetAfterSequenceForward}. Per step, given `da`:
 * `dz_a = da ⊙ (1−u) ⊙ (1−ã²)` (the candidate's pre-activation), `dz_u = da ⊙ (a⟨t−1⟩ − ã) ⊙ u(1−u)`,
 * `dz_r = dz_a ⊙ n ⊙ r(1−r)`; the recurrent term's gradient `dh = [dz_u, dz_r, dz_a ⊙ r]`, and
 * `da⟨t−1⟩ = da ⊙ u + dh W_aᵀ`. After the loop `dW_a = Σ a⟨t−1⟩ᵀ dh` and `db_a = Σ dh` are one
 * product each, and `dW_x`, `db`, `dx` come from `dz = [dz_u, dz_r, dz_a]`.
 *
 * Operands `{ x, W_x, W_a, a0, A, G, dA, mask? }`; results `{ dx, dW_x, dW_a, db, db_a, da0 }`.
 */
export const gruResetAfterSequenceBackward = defineNamedKernel<
  GruResetAfterSequenceGradientInputs,
  GruResetAfterSequenceGradient,
  SequenceAttrs
>({
  name: 'gruResetAfterSequenceBackward',
  inputs: ['x', 'W_x', 'W_a', 'a0', 'A', 'G', 'dA'],
  optional: ['mask'],
  outputs: ['dx', 'dW_x', 'dW_a', 'db', 'db_a', 'da0'],
  check: (inputs, attrs) =>
    checkHiddenSequenceGradient('gruResetAfterSequenceBackward', inputs, attrs, {
      gates: 3,
      saved: 4,
      extra: GATE_ACTIVATIONS,
    }),
  backends: {
    cpu: (
      backend,
      { x, W_x, W_a, a0, A: outA, G: gates, dA: dOutA, mask },
      { reverse, skipInputGradient, recurrentActivation },
    ) => {
      const hard = recurrentActivation === 'hardSigmoid';
      const cpu = cpuBackend('gruResetAfterSequenceBackward', backend);
      const dims = dimsOf({ x, W_a });
      const { B, T, I, H } = dims;
      const G = 3 * H;
      const wa = f32(cpu, W_a);
      const gv = f32(cpu, gates);
      const dA = f32(cpu, dOutA);
      const m = maskValues(cpu, mask);
      const prevAll = previousStates(f32(cpu, outA), f32(cpu, a0), dims, reverse);
      const dZ = new Float32Array(B * T * G); // [dz_u, dz_r, dz_a]: the input side
      const dHall = new Float32Array(B * T * G); // [dz_u, dz_r, dz_a ⊙ r]: the recurrent side
      const dh = new Float32Array(B * G);
      const rec = new Float32Array(B * H);
      const daNext = new Float32Array(B * H);
      for (let s = T - 1; s >= 0; s--) {
        const t = timeAt(s, T, reverse);
        for (let r = 0; r < B; r++) {
          const o = r * H;
          const ho = (r * T + t) * H;
          const zo = (r * T + t) * G;
          const go = (r * T + t) * 4 * H;
          if (m && m[r * T + t] === 0) {
            // Padded: da passes through; no gradient reaches the weights from this step.
            for (let j = 0; j < H; j++) daNext[o + j]! += dA[ho + j]!;
            dh.fill(0, r * G, (r + 1) * G);
            continue;
          }
          for (let j = 0; j < H; j++) {
            const da = dA[ho + j]! + daNext[o + j]!;
            const u = gv[go + j]!;
            const rg = gv[go + H + j]!;
            const cand = gv[go + 2 * H + j]!;
            const n = gv[go + 3 * H + j]!;
            const dzu = da * (prevAll[ho + j]! - cand) * gateSlope(u, hard);
            const dza = da * (1 - u) * (1 - cand * cand);
            const dzr = dza * n * gateSlope(rg, hard);
            dZ[zo + j] = dzu;
            dZ[zo + H + j] = dzr;
            dZ[zo + 2 * H + j] = dza;
            dh[r * G + j] = dzu;
            dh[r * G + H + j] = dzr;
            dh[r * G + 2 * H + j] = dza * rg;
            daNext[o + j] = da * u;
          }
          dHall.set(dh.subarray(r * G, (r + 1) * G), zo);
        }
        cpu.gemm(dh, wa, B, H, G, false, true, rec); // dh W_aᵀ
        for (let r = 0; r < B; r++) {
          if (m && m[r * T + t] === 0) continue;
          for (let j = r * H; j < (r + 1) * H; j++) daNext[j]! += rec[j]!;
        }
      }
      const { dx, dWx, db } = inputSideGradients(
        cpu,
        dZ,
        f32(cpu, x),
        f32(cpu, W_x),
        { B, T, I, G },
        skipInputGradient,
      );
      return {
        dx,
        dW_x: dWx,
        dW_a: output(cpu, cpu.gemm(prevAll, dHall, H, G, B * T, true, false), [H, G]),
        db,
        db_a: output(cpu, columnSums(cpu, dHall, B * T, G), [G]),
        da0: output(cpu, daNext, [B, H]),
      };
    },
    gpu: gruResetAfterBackwardGpu,
  },
  fallback: (inputs, attrs) => tidy(() => gruResetAfterBackwardComposed(inputs, attrs)),
});

function gruResetAfterBackwardComposed(
  { x, W_x, W_a, a0, A, G, dA, mask }: GruResetAfterSequenceGradientInputs,
  { reverse, recurrentActivation }: SequenceAttrs,
): Record<GruResetAfterSequenceGradient, Tensor> {
  const slope = gateSlopeTensor(recurrentActivation === 'hardSigmoid');
  const { B, T, I, H } = dimsOf({ x, W_a });
  const prevAll = shiftedStates(A, a0, reverse);
  const dzs = new Array<Tensor>(T);
  const dhs = new Array<Tensor>(T);
  let daNext = zerosLike(a0);
  for (let s = T - 1; s >= 0; s--) {
    const t = timeAt(s, T, reverse);
    const da = add(atStep(dA, t), daNext);
    const [u, r, cand, n] = split(atStep(G, t), 4, 1) as [Tensor, Tensor, Tensor, Tensor];
    const prev = atStep(prevAll, t);
    const dzu = mul(mul(da, sub(prev, cand)), slope(u));
    const dza = mul(mul(da, sub(1, u)), sub(1, square(cand)));
    const dzr = mul(mul(dza, n), slope(r));
    const dh = concat([dzu, dzr, mul(dza, r)], 1);
    const daPrev = add(mul(da, u), matmul(dh, W_a, { transposeB: true }));
    dzs[t] = zeroWhereMasked(mask, t, concat([dzu, dzr, dza], 1));
    dhs[t] = zeroWhereMasked(mask, t, dh);
    daNext = keepWhereMasked(mask, t, daPrev, da);
  }
  const dZ = reshape(stack(dzs, 1), [B * T, 3 * H]);
  const dH = reshape(stack(dhs, 1), [B * T, 3 * H]);
  return {
    dx: reshape(matmul(dZ, W_x, { transposeB: true }), [B, T, I]),
    dW_x: matmul(reshape(x, [B * T, I]), dZ, { transposeA: true }),
    dW_a: matmul(reshape(prevAll, [B * T, H]), dH, { transposeA: true }),
    db: sum(dZ, { axis: 0 }),
    db_a: sum(dH, { axis: 0 }),
    da0: daNext,
  };
}

/** `b_a` must be `[3H]`. */
function checkRecurrentBias(kernel: string, b_a: Tensor, H: number): void {
  if (b_a.rank !== 1 || b_a.shape[0] !== 3 * H) {
    throw new RecurError(
      'SHAPE',
      `${kernel}: b_a must be [${3 * H}], got [${b_a.shape.join(',')}]`,
    );
  }
}

/** `{ x, W_x, W_a, b, b_a, a0, mask? } → { A, G }` (reset-after GRU; G = `[u, r, ã, n]`). */
export const gruResetAfterSequenceOp: SequenceOp<
  GruResetAfterSequenceInputs,
  GruResetAfterSequenceResult,
  SequenceAttrs
> = defineSequenceOp(
  'gruResetAfterSequence',
  gruResetAfterSequenceForward,
  ({ A: dA }, { A, G }, inputs, attrs, needs) => {
    if (!dA) return {};
    const { x, W_x, W_a, a0, mask } = inputs;
    const g = gruResetAfterSequenceBackward(
      { x, W_x, W_a, a0, A, G, dA, mask },
      { ...attrs, skipInputGradient: !needs.x },
    );
    return { x: g.dx, W_x: g.dW_x, W_a: g.dW_a, b: g.db, b_a: g.db_a, a0: g.da0 };
  },
);
