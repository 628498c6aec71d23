import {
  add,
  concat,
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
  type HiddenSequenceGradientInputs,
  previousStates,
  type SequenceAttrs,
  type SequenceWeights,
  timeAt,
} from '../../kernels/sequence.js';
import { defineSequenceOp, type SequenceOp } from '../../kernels/sequence-op.js';
import { mguBackwardGpu, mguForwardGpu } from './gpu-kernel.js';

/** The operands of {@link mguSequenceForward}. */
export interface MguSequenceInputs extends SequenceWeights {
  /** `[2H]`, gate blocks f, ã. */
  b: Tensor;
  /** The initial state, `[B, H]`. */
  a0: Tensor;
  /** `[B, T]`, 0 at padded steps (optional). */
  mask?: Tensor | undefined;
}

/** The results of {@link mguSequenceForward}: every a⟨t⟩ `[B,T,H]` and the gates `[B,T,2H]`. */
export type MguSequenceResult = 'A' | 'G';

/** The operands of {@link mguSequenceBackward}: the forward's, its results and ∂L/∂A. */
export type MguSequenceGradientInputs = HiddenSequenceGradientInputs;

/** The gradients {@link mguSequenceBackward} returns. */
export type MguSequenceGradient = 'dx' | 'dW_x' | 'dW_a' | 'db' | 'da0';

/**
 * Forward propagation through time of the minimal gated unit (Zhou et al. 2016), gate blocks
 * f, ã (`docs/notation.md`):
 *
 *     f    = σ(x W_xf + a⟨t−1⟩ W_af + b_f)
 *     ã    = tanh(x W_xa + (f ⊙ a⟨t−1⟩) W_aa + b_a)
 *     a⟨t⟩ = (1 − f) ⊙ a⟨t−1⟩ + f ⊙ ã
 *
 * Operands `{ x [B,T,I], W_x [I,2H], W_a [H,2H], b [2H], a0 [B,H], mask? [B,T] }` (checked: a
 * `RecurError` names the operand); results `{ A [B,T,H], G [B,T,2H] }` (G = `[f, ã]`, zeros at
 * padded steps). The CPU implementation is plain JS around the backend's GEMM, the GPU one
 * `gpu-kernel.ts`; other backends run the composed fallback.
 */
export const mguSequenceForward = defineNamedKernel<
  MguSequenceInputs,
  MguSequenceResult,
  SequenceAttrs
>({
  name: 'mguSequenceForward',
  inputs: ['x', 'W_x', 'W_a', 'b', 'a0'],
  optional: ['mask'],
  outputs: ['A', 'G'],
  check: (inputs, attrs) => {
    checkSequenceAttrs('mguSequenceForward', attrs);
    checkSequenceOperands('mguSequenceForward', inputs, { a0: inputs.a0 }, 2);
  },
  backends: {
    cpu: (backend, { x, W_x, W_a, b, a0, mask }, { reverse, forwardOnly }) => {
      const cpu = cpuBackend('mguSequenceForward', backend);
      const { B, T, I, H } = dimsOf({ x, W_a });
      const G = 2 * H;
      // Forward only: the gates are neither copied nor kept.
      const saveGates = forwardOnly !== true;
      // x⟨t⟩ W_x + b for every step in one product.
      const xp = inputProjection(cpu, f32(cpu, x), f32(cpu, W_x), f32(cpu, b), B * T, I);
      const waV = f32(cpu, W_a);
      // W_af and W_aa as contiguous matrices for the two recurrent products.
      const wF = columns(waV, H, G, 0, H);
      const wAA = columns(waV, H, G, H, H);
      const m = maskValues(cpu, mask);
      const out = new Float32Array(B * T * H);
      const gates = new Float32Array(B * (saveGates ? T : 1) * G);
      const recF = new Float32Array(B * H);
      const recA = new Float32Array(B * H);
      const gatedPrev = new Float32Array(B * H);
      let prev: Float32Array = f32(cpu, a0);
      let next: Float32Array = new Float32Array(B * H);
      let spare: Float32Array = new Float32Array(B * H);
      for (let s = 0; s < T; s++) {
        const t = timeAt(s, T, reverse);
        for (let r = 0; r < B; r++) {
          const zo = (r * T + t) * G;
          recF.set(xp.subarray(zo, zo + H), r * H);
          recA.set(xp.subarray(zo + H, zo + G), r * H);
        }
        cpu.gemm(prev, wF, B, H, H, false, false, recF, true); // += a⟨t−1⟩ W_af
        cpu.unaryInto('sigmoid', recF, recF); // f
        for (let i = 0; i < B * H; i++) gatedPrev[i] = recF[i]! * prev[i]!;
        cpu.gemm(gatedPrev, wAA, B, H, H, false, false, recA, true); // += (f ⊙ a⟨t−1⟩) W_aa
        cpu.unaryInto('tanh', recA, recA); // ã
        for (let r = 0; r < B; r++) {
          const o = r * H;
          if (m && m[r * T + t] === 0) {
            next.set(prev.subarray(o, o + H), o);
          } else {
            for (let j = o; j < o + H; j++) {
              const f = recF[j]!;
              next[j] = (1 - f) * prev[j]! + f * recA[j]!;
            }
            if (saveGates) {
              const zo = (r * T + t) * G;
              gates.set(recF.subarray(o, o + H), zo);
              gates.set(recA.subarray(o, o + H), zo + H);
            }
          }
          out.set(next.subarray(o, o + H), (r * T + t) * H);
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
    gpu: mguForwardGpu,
  },
  fallback: (inputs, attrs) => tidy(() => mguForwardComposed(inputs, attrs)),
});

function mguForwardComposed(
  { x, W_x, W_a, b, a0, mask }: MguSequenceInputs,
  { reverse }: SequenceAttrs,
): Record<MguSequenceResult, Tensor> {
  const { B, T, I, H } = dimsOf({ x, W_a });
  const xp = reshape(add(matmul(reshape(x, [B * T, I]), W_x), b), [B, T, 2 * H]);
  const wF = slice(W_a, [0, 0], [H, H]);
  const wAA = slice(W_a, [0, H], [H, H]);
  const as = new Array<Tensor>(T);
  const gs = new Array<Tensor>(T);
  let prev = a0;
  for (let s = 0; s < T; s++) {
    const t = timeAt(s, T, reverse);
    const [xf, xa] = split(atStep(xp, t), 2, 1) as [Tensor, Tensor];
    const f = sigmoidOp(add(xf, matmul(prev, wF)));
    const cand = tanh(add(xa, matmul(mul(f, prev), wAA)));
    const a = keepWhereMasked(mask, t, add(mul(sub(1, f), prev), mul(f, cand)), prev);
    gs[t] = zeroWhereMasked(mask, t, concat([f, cand], 1));
    as[t] = a;
    prev = a;
  }
  return { A: stack(as, 1), G: stack(gs, 1) };
}

/**
 * BPTT for {@link mguSequenceForward}. Per step, given `da` (the output's gradient plus the one
 * carried from step t+1): `dz_a = da ⊙ f ⊙ (1 − ã²)`, `d(f⊙a⟨t−1⟩) = dz_a W_aaᵀ`,
 * `dz_f = (da ⊙ (ã − a⟨t−1⟩) + d(f⊙a⟨t−1⟩) ⊙ a⟨t−1⟩) ⊙ f(1−f)` and
 * `da⟨t−1⟩ = da ⊙ (1 − f) + d(f⊙a⟨t−1⟩) ⊙ f + dz_f W_afᵀ`. After the loop `dW_x = Σ xᵀ dz` is
 * one product, `dW_a` two (`a⟨t−1⟩ᵀ dz_f` and `(f ⊙ a⟨t−1⟩)ᵀ dz_a`).
 *
 * Operands `{ x, W_x, W_a, a0, A, G, dA, mask? }`; results `{ dx, dW_x, dW_a, db, da0 }`. A
 * padded step passes its gradient through unchanged and adds nothing to the weight gradients.
 */
export const mguSequenceBackward = defineNamedKernel<
  MguSequenceGradientInputs,
  MguSequenceGradient,
  SequenceAttrs
>({
  name: 'mguSequenceBackward',
  inputs: ['x', 'W_x', 'W_a', 'a0', 'A', 'G', 'dA'],
  optional: ['mask'],
  outputs: ['dx', 'dW_x', 'dW_a', 'db', 'da0'],
  check: (inputs, attrs) =>
    checkHiddenSequenceGradient('mguSequenceBackward', inputs, attrs, { gates: 2, saved: 2 }),
  backends: {
    cpu: (
      backend,
      { x, W_x, W_a, a0, A: outA, G: gates, dA: dOutA, mask },
      { reverse, skipInputGradient },
    ) => {
      const cpu = cpuBackend('mguSequenceBackward', backend);
      const dims = dimsOf({ x, W_a });
      const { B, T, I, H } = dims;
      const G = 2 * H;
      const waV = f32(cpu, W_a);
      const wF = columns(waV, H, G, 0, H);
      const wAA = columns(waV, H, G, H, H);
      const gv = f32(cpu, gates);
      const dA = f32(cpu, dOutA);
      const m = maskValues(cpu, mask);
      const prevAll = previousStates(f32(cpu, outA), f32(cpu, a0), dims, reverse);
      // dz kept for all steps, also by block: dz_f (left operand a⟨t−1⟩) and dz_a (left operand
      // f ⊙ a⟨t−1⟩), so each weight gradient is one product after the loop.
      const dZ = new Float32Array(B * T * G);
      const dZf = new Float32Array(B * T * H);
      const dZa = new Float32Array(B * T * H);
      const gatedPrevAll = new Float32Array(B * T * H);
      const dzF = new Float32Array(B * H);
      const dzA = new Float32Array(B * H);
      const dGatedPrev = new Float32Array(B * H);
      const rec = new Float32Array(B * H);
      const daNext = new Float32Array(B * H);
      const padded = (r: number, t: number) => m !== null && m[r * T + t] === 0;
      for (let s = T - 1; s >= 0; s--) {
        const t = timeAt(s, T, reverse);
        for (let r = 0; r < B; r++) {
          const o = r * H;
          const ho = (r * T + t) * H;
          const go = (r * T + t) * G;
          if (padded(r, t)) {
            // Padded: da passes through (daNext += dA); no dz.
            for (let j = 0; j < H; j++) daNext[o + j]! += dA[ho + j]!;
            dzF.fill(0, o, o + H);
            dzA.fill(0, o, o + H);
            continue;
          }
          for (let j = 0; j < H; j++) {
            const da = dA[ho + j]! + daNext[o + j]!;
            const f = gv[go + j]!;
            const cand = gv[go + H + j]!;
            const p = prevAll[ho + j]!;
            dzA[o + j] = da * f * (1 - cand * cand);
            dzF[o + j] = da * (cand - p); // ∂L/∂f so far; the gated-state term follows
            daNext[o + j] = da * (1 - f);
            gatedPrevAll[ho + j] = f * p;
          }
        }
        cpu.gemm(dzA, wAA, B, H, H, false, true, dGatedPrev); // d(f ⊙ a⟨t−1⟩)
        for (let r = 0; r < B; r++) {
          if (padded(r, t)) continue;
          const o = r * H;
          const ho = (r * T + t) * H;
          const go = (r * T + t) * G;
          for (let j = 0; j < H; j++) {
            const f = gv[go + j]!;
            const dg = dGatedPrev[o + j]!;
            dzF[o + j] = (dzF[o + j]! + dg * prevAll[ho + j]!) * f * (1 - f);
            daNext[o + j]! += dg * f;
          }
          dZ.set(dzF.subarray(o, o + H), go);
          dZ.set(dzA.subarray(o, o + H), go + H);
          dZf.set(dzF.subarray(o, o + H), ho);
          dZa.set(dzA.subarray(o, o + H), ho);
        }
        cpu.gemm(dzF, wF, B, H, H, false, true, rec); // dz_f W_afᵀ
        for (let r = 0; r < B; r++) {
          if (padded(r, t)) continue;
          for (let j = r * H; j < (r + 1) * H; j++) daNext[j]! += rec[j]!;
        }
      }
      const dWf = cpu.gemm(prevAll, dZf, H, H, B * T, true, false);
      const dWaa = cpu.gemm(gatedPrevAll, dZa, H, H, B * T, true, false);
      const dWa = new Float32Array(H * G);
      for (let i = 0; i < H; i++) {
        dWa.set(dWf.subarray(i * H, (i + 1) * H), i * G);
        dWa.set(dWaa.subarray(i * H, (i + 1) * H), i * G + H);
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
    gpu: mguBackwardGpu,
  },
  fallback: (inputs, attrs) => tidy(() => mguBackwardComposed(inputs, attrs)),
});

function mguBackwardComposed(
  { x, W_x, W_a, a0, A, G, dA, mask }: MguSequenceGradientInputs,
  { reverse }: SequenceAttrs,
): Record<MguSequenceGradient, Tensor> {
  const { B, T, I, H } = dimsOf({ x, W_a });
  const wF = slice(W_a, [0, 0], [H, H]);
  const wAA = slice(W_a, [0, H], [H, H]);
  const prevAll = shiftedStates(A, a0, reverse);
  const dzs = new Array<Tensor>(T);
  const gated = new Array<Tensor>(T);
  let daNext = zerosLike(a0);
  for (let s = T - 1; s >= 0; s--) {
    const t = timeAt(s, T, reverse);
    const da = add(atStep(dA, t), daNext);
    const [f, cand] = split(atStep(G, t), 2, 1) as [Tensor, Tensor];
    const prev = atStep(prevAll, t);
    const dza = mul(mul(da, f), sub(1, square(cand)));
    const dGated = matmul(dza, wAA, { transposeB: true });
    const df = add(mul(da, sub(cand, prev)), mul(dGated, prev));
    const dzf = mul(df, mul(f, sub(1, f)));
    const daPrev = add(
      add(mul(da, sub(1, f)), mul(dGated, f)),
      matmul(dzf, wF, { transposeB: true }),
    );
    dzs[t] = zeroWhereMasked(mask, t, concat([dzf, dza], 1));
    gated[t] = mul(f, prev);
    daNext = keepWhereMasked(mask, t, daPrev, da);
  }
  const dZ = reshape(stack(dzs, 1), [B * T, 2 * H]);
  const dWf = matmul(reshape(prevAll, [B * T, H]), slice(dZ, [0, 0], [B * T, H]), {
    transposeA: true,
  });
  const dWaa = matmul(reshape(stack(gated, 1), [B * T, H]), slice(dZ, [0, H], [B * T, H]), {
    transposeA: true,
  });
  return {
    dx: reshape(matmul(dZ, W_x, { transposeB: true }), [B, T, I]),
    dW_x: matmul(reshape(x, [B * T, I]), dZ, { transposeA: true }),
    dW_a: concat([dWf, dWaa], 1),
    db: sum(dZ, { axis: 0 }),
    da0: daNext,
  };
}

/** `{ x, W_x, W_a, b, a0, mask? } → { A, G }` (MGU; G = gate activations, no gradient). */
export const mguSequenceOp: SequenceOp<MguSequenceInputs, MguSequenceResult, SequenceAttrs> =
  defineSequenceOp(
    'mguSequence',
    mguSequenceForward,
    ({ A: dA }, { A, G }, inputs, attrs, needs) => {
      if (!dA) return {};
      const { x, W_x, W_a, a0, mask } = inputs;
      const g = mguSequenceBackward(
        { x, W_x, W_a, a0, A, G, dA, mask },
        { ...attrs, skipInputGradient: !needs.x },
      );
      return { x: g.dx, W_x: g.dW_x, W_a: g.dW_a, b: g.db, a0: g.da0 };
    },
  );
