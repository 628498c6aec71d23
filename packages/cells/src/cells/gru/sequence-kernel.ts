import {
  add,
  concat,
  hardSigmoid as hardSigmoidOp,
  matmul,
  mul,
  reshape,
  sigmoid as sigmoidOp,
  slice,
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
  columns,
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
  type HiddenSequenceGradientInputs,
  previousStates,
  type SequenceAttrs,
  type SequenceWeights,
  timeAt,
} from '../../kernels/sequence.js';
import { defineSequenceOp, type SequenceOp } from '../../kernels/sequence-op.js';
import { gruBackwardGpu, gruForwardGpu } from './gpu-kernel.js';

/** The operands of {@link gruSequenceForward}. */
export interface GruSequenceInputs extends SequenceWeights {
  /** `[3H]`, gate blocks u, r, ã. */
  b: Tensor;
  /** The initial state, `[B, H]`. */
  a0: Tensor;
  /** `[B, T]`, 0 at padded steps (optional). */
  mask?: Tensor | undefined;
}

/** The results of {@link gruSequenceForward}: every a⟨t⟩ `[B,T,H]` and the gates `[B,T,3H]`. */
export type GruSequenceResult = 'A' | 'G';

/** The operands of {@link gruSequenceBackward}: the forward's, its results and ∂L/∂A. */
export type GruSequenceGradientInputs = HiddenSequenceGradientInputs;

/** The gradients {@link gruSequenceBackward} returns. */
export type GruSequenceGradient = 'dx' | 'dW_x' | 'dW_a' | 'db' | 'da0';

/**
 * Forward propagation through time of the GRU, "reset before" (Keras `reset_after=false`, the
 * variant TensorFlow.js implements), gate blocks in the Keras order u (update, Keras `z`), r,
 * ã (Keras `h`):
 *
 *     u = σ(x W_xu + a⟨t−1⟩ W_au + b_u)     r = σ(x W_xr + a⟨t−1⟩ W_ar + b_r)
 *     ã = tanh(x W_xa + (r ⊙ a⟨t−1⟩) W_aa + b_a)
 *     a⟨t⟩ = u ⊙ a⟨t−1⟩ + (1 − u) ⊙ ã
 *
 * Operands `{ x [B,T,I], W_x [I,3H], W_a [H,3H], b [3H], a0 [B,H], mask? [B,T] }` (checked: a
 * `RecurError` names the operand); results `{ A [B,T,H], G [B,T,3H] }` (G = `[u, r, ã]`, zeros
 * at padded steps).
 */
export const gruSequenceForward = defineNamedKernel<
  GruSequenceInputs,
  GruSequenceResult,
  SequenceAttrs
>({
  name: 'gruSequenceForward',
  inputs: ['x', 'W_x', 'W_a', 'b', 'a0'],
  optional: ['mask'],
  outputs: ['A', 'G'],
  check: (inputs, attrs) => {
    checkSequenceAttrs('gruSequenceForward', attrs, GATE_ACTIVATIONS);
    checkSequenceOperands('gruSequenceForward', inputs, { a0: inputs.a0 }, 3);
  },
  backends: {
    cpu: (backend, { x, W_x, W_a, b, a0, mask }, { reverse, recurrentActivation, forwardOnly }) => {
      const hard = recurrentActivation === 'hardSigmoid';
      const cpu = cpuBackend('gruSequenceForward', backend);
      const { B, T, I, H } = dimsOf({ x, W_a });
      const G = 3 * H;
      // Forward only: the gates are neither copied nor kept.
      const saveGates = forwardOnly !== true;
      // x⟨t⟩ W_x + b for every step in one product.
      const xp = inputProjection(cpu, f32(cpu, x), f32(cpu, W_x), f32(cpu, b), B * T, I);
      const waV = f32(cpu, W_a);
      // [W_au, W_ar] and W_aa as contiguous matrices for the two recurrent products.
      const wUR = columns(waV, H, G, 0, 2 * H);
      const wAA = columns(waV, H, G, 2 * H, H);
      const m = maskValues(cpu, mask);
      const out = new Float32Array(B * T * H);
      const gates = new Float32Array(B * (saveGates ? T : 1) * G);
      const recUR = new Float32Array(B * 2 * H);
      const recA = new Float32Array(B * H);
      const resetPrev = new Float32Array(B * H);
      let prev: Float32Array = f32(cpu, a0);
      let next: Float32Array = new Float32Array(B * H);
      let spare: Float32Array = new Float32Array(B * H);
      for (let s = 0; s < T; s++) {
        const t = timeAt(s, T, reverse);
        for (let r = 0; r < B; r++) {
          const zo = (r * T + t) * G;
          recUR.set(xp.subarray(zo, zo + 2 * H), r * 2 * H);
          recA.set(xp.subarray(zo + 2 * H, zo + G), r * H);
        }
        cpu.gemm(prev, wUR, B, 2 * H, H, false, false, recUR, true); // += a⟨t−1⟩ [W_au, W_ar]
        cpu.unaryInto(hard ? 'hardSigmoid' : 'sigmoid', recUR, recUR); // [u, r] per row
        for (let r = 0; r < B; r++) {
          const o = r * H;
          const ro = r * 2 * H;
          for (let j = 0; j < H; j++) resetPrev[o + j] = recUR[ro + H + j]! * prev[o + j]!;
        }
        cpu.gemm(resetPrev, wAA, B, H, H, false, false, recA, true); // += (r ⊙ a⟨t−1⟩) W_aa
        cpu.unaryInto('tanh', recA, recA); // ã
        for (let r = 0; r < B; r++) {
          const o = r * H;
          const ho = (r * T + t) * H;
          if (m && m[r * T + t] === 0) {
            next.set(prev.subarray(o, o + H), o);
          } else {
            const zo = (r * T + t) * G;
            const ro = r * 2 * H;
            for (let j = 0; j < H; j++) {
              const u = recUR[ro + j]!;
              next[o + j] = u * prev[o + j]! + (1 - u) * recA[o + j]!;
            }
            if (saveGates) {
              gates.set(recUR.subarray(ro, ro + 2 * H), zo);
              gates.set(recA.subarray(o, o + H), zo + 2 * H);
            }
          }
          out.set(next.subarray(o, o + H), ho);
        }
        prev = next;
        next = spare;
        spare = prev;
      }
      return {
        A: output(cpu, out, [B, T, H]),
        G: output(cpu, gates, [B, saveGates ? T : 1, G]),
      };
    },
    gpu: gruForwardGpu,
  },
  fallback: (inputs, attrs) => tidy(() => gruForwardComposed(inputs, attrs)),
});

function gruForwardComposed(
  { x, W_x, W_a, b, a0, mask }: GruSequenceInputs,
  { reverse, recurrentActivation }: SequenceAttrs,
): Record<GruSequenceResult, Tensor> {
  const gate = recurrentActivation === 'hardSigmoid' ? hardSigmoidOp : sigmoidOp;
  const { B, T, I, H } = dimsOf({ x, W_a });
  const xp = reshape(add(matmul(reshape(x, [B * T, I]), W_x), b), [B, T, 3 * H]);
  const wUR = slice(W_a, [0, 0], [H, 2 * H]);
  const wAA = slice(W_a, [0, 2 * H], [H, H]);
  const as = new Array<Tensor>(T);
  const gs = new Array<Tensor>(T);
  let prev = a0;
  for (let s = 0; s < T; s++) {
    const t = timeAt(s, T, reverse);
    const [xu, xr, xa] = split(atStep(xp, t), 3, 1) as [Tensor, Tensor, Tensor];
    const [hu, hr] = split(matmul(prev, wUR), 2, 1) as [Tensor, Tensor];
    const u = gate(add(xu, hu));
    const r = gate(add(xr, hr));
    const cand = tanh(add(xa, matmul(mul(r, prev), wAA)));
    const a = keepWhereMasked(mask, t, add(mul(u, prev), mul(sub(1, u), cand)), prev);
    gs[t] = zeroWhereMasked(mask, t, concat([u, r, cand], 1));
    as[t] = a;
    prev = a;
  }
  return { A: stack(as, 1), G: stack(gs, 1) };
}

/**
 * BPTT for {@link gruSequenceForward}. Per step, given `da`: `dã = da ⊙ (1−u)`,
 * `dz_u = da ⊙ (a⟨t−1⟩ − ã) ⊙ u(1−u)`, `dz_a = dã ⊙ (1−ã²)`, `d(r⊙a⟨t−1⟩) = dz_a W_aaᵀ`,
 * `dz_r = d(r⊙a⟨t−1⟩) ⊙ a⟨t−1⟩ ⊙ r(1−r)`, and
 * `da⟨t−1⟩ = da ⊙ u + d(r⊙a⟨t−1⟩) ⊙ r + [dz_u, dz_r] [W_au, W_ar]ᵀ`. After the loop
 * `dW_x = Σ xᵀ dz` is one product, `dW_a` two (`a⟨t−1⟩ᵀ [dz_u, dz_r]` and `(r ⊙ a⟨t−1⟩)ᵀ dz_a`,
 * since the candidate's recurrent input is the reset state).
 *
 * Operands `{ x, W_x, W_a, a0, A, G, dA, mask? }`; results `{ dx, dW_x, dW_a, db, da0 }`.
 */
export const gruSequenceBackward = defineNamedKernel<
  GruSequenceGradientInputs,
  GruSequenceGradient,
  SequenceAttrs
>({
  name: 'gruSequenceBackward',
  inputs: ['x', 'W_x', 'W_a', 'a0', 'A', 'G', 'dA'],
  optional: ['mask'],
  outputs: ['dx', 'dW_x', 'dW_a', 'db', 'da0'],
  check: (inputs, attrs) =>
    checkHiddenSequenceGradient('gruSequenceBackward', inputs, attrs, {
      gates: 3,
      saved: 3,
      extra: GATE_ACTIVATIONS,
    }),
  backends: {
    cpu: (
      backend,
      { x, W_x, W_a, a0, A: outA, G: gates, dA: dOutA, mask },
      { reverse, skipInputGradient, recurrentActivation },
    ) => {
      const hard = recurrentActivation === 'hardSigmoid';
      const cpu = cpuBackend('gruSequenceBackward', backend);
      const dims = dimsOf({ x, W_a });
      const { B, T, I, H } = dims;
      const G = 3 * H;
      const waV = f32(cpu, W_a);
      const wUR = columns(waV, H, G, 0, 2 * H);
      const wAA = columns(waV, H, G, 2 * H, H);
      const gv = f32(cpu, gates);
      const dA = f32(cpu, dOutA);
      const m = maskValues(cpu, mask);
      const prevAll = previousStates(f32(cpu, outA), f32(cpu, a0), dims, reverse);
      // dz kept for all steps, also split by block: [dz_u, dz_r] (left operand a⟨t−1⟩) and dz_a
      // (left operand r ⊙ a⟨t−1⟩), so each weight gradient is one product after the loop.
      const dZ = new Float32Array(B * T * G);
      const dZur = new Float32Array(B * T * 2 * H);
      const dZa = new Float32Array(B * T * H);
      const resetPrevAll = new Float32Array(B * T * H);
      const dzA = new Float32Array(B * H);
      const dzUR = new Float32Array(B * 2 * H);
      const dResetPrev = new Float32Array(B * H);
      const rec = new Float32Array(B * H);
      const daNext = new Float32Array(B * H);
      for (let s = T - 1; s >= 0; s--) {
        const t = timeAt(s, T, reverse);
        for (let r = 0; r < B; r++) {
          const o = r * H;
          const ho = (r * T + t) * H;
          const go = (r * T + t) * G;
          if (m && m[r * T + t] === 0) {
            // Padded: da passes through (daNext += dA); no dz.
            for (let j = 0; j < H; j++) daNext[o + j]! += dA[ho + j]!;
            dzA.fill(0, o, o + H);
            dzUR.fill(0, 2 * o, 2 * o + 2 * H);
            continue;
          }
          for (let j = 0; j < H; j++) {
            const da = dA[ho + j]! + daNext[o + j]!;
            const u = gv[go + j]!;
            const cand = gv[go + 2 * H + j]!;
            const p = prevAll[ho + j]!;
            dzUR[2 * o + j] = da * (p - cand) * gateSlope(u, hard);
            dzA[o + j] = da * (1 - u) * (1 - cand * cand);
            daNext[o + j] = da * u;
            resetPrevAll[ho + j] = gv[go + H + j]! * p;
          }
        }
        cpu.gemm(dzA, wAA, B, H, H, false, true, dResetPrev);
        for (let r = 0; r < B; r++) {
          if (m && m[r * T + t] === 0) continue;
          const o = r * H;
          const ho = (r * T + t) * H;
          const go = (r * T + t) * G;
          for (let j = 0; j < H; j++) {
            const rg = gv[go + H + j]!;
            dzUR[2 * o + H + j] = dResetPrev[o + j]! * prevAll[ho + j]! * gateSlope(rg, hard);
            daNext[o + j]! += dResetPrev[o + j]! * rg;
          }
          dZ.set(dzUR.subarray(2 * o, 2 * o + 2 * H), go);
          dZ.set(dzA.subarray(o, o + H), go + 2 * H);
          dZur.set(dzUR.subarray(2 * o, 2 * o + 2 * H), 2 * ho);
          dZa.set(dzA.subarray(o, o + H), ho);
        }
        cpu.gemm(dzUR, wUR, B, H, 2 * H, false, true, rec);
        for (let r = 0; r < B; r++) {
          if (m && m[r * T + t] === 0) continue;
          for (let j = r * H; j < (r + 1) * H; j++) daNext[j]! += rec[j]!;
        }
      }
      const dWur = cpu.gemm(prevAll, dZur, H, 2 * H, B * T, true, false);
      const dWaa = cpu.gemm(resetPrevAll, dZa, H, H, B * T, true, false);
      const dWa = new Float32Array(H * G);
      for (let i = 0; i < H; i++) {
        dWa.set(dWur.subarray(i * 2 * H, (i + 1) * 2 * H), i * G);
        dWa.set(dWaa.subarray(i * H, (i + 1) * H), i * G + 2 * H);
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
        dW_a: output(cpu, dWa, [H, G]),
        db,
        da0: output(cpu, daNext, [B, H]),
      };
    },
    gpu: gruBackwardGpu,
  },
  fallback: (inputs, attrs) => tidy(() => gruBackwardComposed(inputs, attrs)),
});

function gruBackwardComposed(
  { x, W_x, W_a, a0, A, G, dA, mask }: GruSequenceGradientInputs,
  { reverse, recurrentActivation }: SequenceAttrs,
): Record<GruSequenceGradient, Tensor> {
  const slope = gateSlopeTensor(recurrentActivation === 'hardSigmoid');
  const { B, T, I, H } = dimsOf({ x, W_a });
  const wUR = slice(W_a, [0, 0], [H, 2 * H]);
  const wAA = slice(W_a, [0, 2 * H], [H, H]);
  const prevAll = shiftedStates(A, a0, reverse);
  const dzs = new Array<Tensor>(T);
  const resets = new Array<Tensor>(T);
  let daNext = zerosLike(a0);
  for (let s = T - 1; s >= 0; s--) {
    const t = timeAt(s, T, reverse);
    const da = add(atStep(dA, t), daNext);
    const [u, r, cand] = split(atStep(G, t), 3, 1) as [Tensor, Tensor, Tensor];
    const prev = atStep(prevAll, t);
    const dzu = mul(mul(da, sub(prev, cand)), slope(u));
    const dza = mul(mul(da, sub(1, u)), sub(1, square(cand)));
    const dResetPrev = matmul(dza, wAA, { transposeB: true });
    const dzr = mul(mul(dResetPrev, prev), slope(r));
    const dzUR = concat([dzu, dzr], 1);
    const daPrev = add(
      add(mul(da, u), mul(dResetPrev, r)),
      matmul(dzUR, wUR, { transposeB: true }),
    );
    dzs[t] = zeroWhereMasked(mask, t, concat([dzUR, dza], 1));
    resets[t] = mul(r, prev);
    daNext = keepWhereMasked(mask, t, daPrev, da);
  }
  const dZ = reshape(stack(dzs, 1), [B * T, 3 * H]);
  const prev2d = reshape(prevAll, [B * T, H]);
  const dWur = matmul(prev2d, slice(dZ, [0, 0], [B * T, 2 * H]), { transposeA: true });
  const dWaa = matmul(reshape(stack(resets, 1), [B * T, H]), slice(dZ, [0, 2 * H], [B * T, H]), {
    transposeA: true,
  });
  return {
    dx: reshape(matmul(dZ, W_x, { transposeB: true }), [B, T, I]),
    dW_x: matmul(reshape(x, [B * T, I]), dZ, { transposeA: true }),
    dW_a: concat([dWur, dWaa], 1),
    db: sum(dZ, { axis: 0 }),
    da0: daNext,
  };
}

/** `{ x, W_x, W_a, b, a0, mask? } → { A, G }` (GRU; G = gate activations, no gradient). */
export const gruSequenceOp: SequenceOp<GruSequenceInputs, GruSequenceResult, SequenceAttrs> =
  defineSequenceOp(
    'gruSequence',
    gruSequenceForward,
    ({ A: dA }, { A, G }, inputs, attrs, needs) => {
      if (!dA) return {};
      const { x, W_x, W_a, a0, mask } = inputs;
      const g = gruSequenceBackward(
        { x, W_x, W_a, a0, A, G, dA, mask },
        { ...attrs, skipInputGradient: !needs.x },
      );
      return { x: g.dx, W_x: g.dW_x, W_a: g.dW_a, b: g.db, a0: g.da0 };
    },
  );
