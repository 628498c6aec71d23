import {
  add,
  concat,
  hardSigmoid as hardSigmoidOp,
  matmul,
  mul,
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
  carryRecurrentGradient,
  cpuBackend,
  f32,
  inputProjection,
  inputSideGradients,
  maskValues,
  output,
  rowsAt,
} from '../../kernels/cpu.js';
import { defineNamedKernel } from '../../kernels/named-kernel.js';
import {
  checkSequenceAttrs,
  checkSequenceOperands,
  checkSequenceResults,
  dimsOf,
  GATE_ACTIVATIONS,
  gateSlope,
  gateSlopeTensor,
  previousStates,
  type SequenceAttrs,
  type SequenceWeights,
  timeAt,
} from '../../kernels/sequence.js';
import { defineSequenceOp, type SequenceOp } from '../../kernels/sequence-op.js';
import { lstmCellPass, lstmCellScratch } from './cell-pass.js';
import { lstmBackwardGpu, lstmForwardGpu } from './gpu-kernel.js';

/** The operands of {@link lstmSequenceForward}. */
export interface LstmSequenceInputs extends SequenceWeights {
  /** `[4H]`, gate blocks u, f, c̃, o. */
  b: Tensor;
  /** The initial hidden and cell states, `[B, H]`. */
  a0: Tensor;
  c0: Tensor;
  /** `[B, T]`, 0 at padded steps (optional). */
  mask?: Tensor | undefined;
}

/**
 * The results of {@link lstmSequenceForward}: every a⟨t⟩ and c⟨t⟩ `[B,T,H]`, gates `[B,T,4H]`
 * (with `forwardOnly` on the CPU: `C` is `[B,1,H]`, the final c only, and `G` `[B,1,4H]` zeros).
 */
export type LstmSequenceResult = 'A' | 'C' | 'G';

/** The operands of {@link lstmSequenceBackward}: the forward's, its results and their gradients. */
export interface LstmSequenceGradientInputs extends SequenceWeights {
  a0: Tensor;
  c0: Tensor;
  A: Tensor;
  C: Tensor;
  G: Tensor;
  /** ∂L/∂A and ∂L/∂C, `[B, T, H]` (zeros where no gradient reached). */
  dA: Tensor;
  dC: Tensor;
  mask?: Tensor | undefined;
}

/** The gradients {@link lstmSequenceBackward} returns, one per differentiable operand. */
export type LstmSequenceGradient = 'dx' | 'dW_x' | 'dW_a' | 'db' | 'da0' | 'dc0';

/**
 * Forward propagation through time of the LSTM (`docs/notation.md`, gate order u, f, c̃, o):
 *
 *     z = x⟨t⟩ W_x + a⟨t−1⟩ W_a + b;  Γu = σ(z_u)  Γf = σ(z_f)  c̃ = tanh(z_c)  Γo = σ(z_o)
 *     c⟨t⟩ = Γf ⊙ c⟨t−1⟩ + Γu ⊙ c̃;    a⟨t⟩ = Γo ⊙ tanh(c⟨t⟩)
 *
 * Operands `{ x [B,T,I], W_x [I,4H], W_a [H,4H], b [4H], a0 [B,H], c0 [B,H], mask? [B,T] }`
 * (checked: a `RecurError` names the operand); results `{ A [B,T,H], C [B,T,H], G [B,T,4H] }`:
 * every hidden state, cell state and the gate activations `[Γu, Γf, c̃, Γo]` (zeros at padded
 * steps, where a and c are carried through unchanged).
 */
export const lstmSequenceForward = defineNamedKernel<
  LstmSequenceInputs,
  LstmSequenceResult,
  SequenceAttrs
>({
  name: 'lstmSequenceForward',
  inputs: ['x', 'W_x', 'W_a', 'b', 'a0', 'c0'],
  optional: ['mask'],
  outputs: ['A', 'C', 'G'],
  check: (inputs, attrs) => {
    checkSequenceAttrs('lstmSequenceForward', attrs, GATE_ACTIVATIONS);
    checkSequenceOperands('lstmSequenceForward', inputs, { a0: inputs.a0, c0: inputs.c0 }, 4);
  },
  backends: {
    cpu: (
      backend,
      { x, W_x, W_a, b, a0, c0, mask },
      { reverse, recurrentActivation, forwardOnly },
    ) => {
      const hard = recurrentActivation === 'hardSigmoid';
      const cpu = cpuBackend('lstmSequenceForward', backend);
      const { B, T, I, H } = dimsOf({ x, W_a });
      // Forward only: no gates, and of C only the final c (what the caller reads).
      const saveAll = forwardOnly !== true;
      const kept = saveAll ? T : 1;
      const G = 4 * H;
      // x⟨t⟩ W_x + b for every step in one product.
      const xp = inputProjection(cpu, f32(cpu, x), f32(cpu, W_x), f32(cpu, b), B * T, I);
      const waV = f32(cpu, W_a);
      const m = maskValues(cpu, mask);
      const outA = new Float32Array(B * T * H);
      const outC = new Float32Array(B * kept * H);
      const gates = new Float32Array(B * kept * G);
      const z = new Float32Array(B * G);
      const scratch = lstmCellScratch(B, H);
      let prevA: Float32Array = f32(cpu, a0);
      let prevC: Float32Array = f32(cpu, c0);
      let nextA: Float32Array = new Float32Array(B * H);
      let nextC: Float32Array = new Float32Array(B * H);
      let spareA: Float32Array = new Float32Array(B * H);
      let spareC: Float32Array = new Float32Array(B * H);
      for (let s = 0; s < T; s++) {
        const t = timeAt(s, T, reverse);
        // z = x⟨t⟩ W_x + b + a⟨t−1⟩ W_a, then the gates, c⟨t⟩ and a⟨t⟩ in one pass.
        rowsAt(xp, t, { B, T }, G, z);
        cpu.gemm(prevA, waV, B, G, H, false, false, z, true);
        lstmCellPass(cpu, z, prevC, nextC, nextA, B, H, scratch, hard);
        for (let r = 0; r < B; r++) {
          const o = r * H;
          const ho = (r * T + t) * H;
          if (m && m[r * T + t] === 0) {
            // Padded: a and c carry through; the gates stay 0.
            nextA.set(prevA.subarray(o, o + H), o);
            nextC.set(prevC.subarray(o, o + H), o);
          } else if (saveAll) {
            gates.set(z.subarray(r * G, (r + 1) * G), (r * T + t) * G);
          }
          outA.set(nextA.subarray(o, o + H), ho);
          if (saveAll) outC.set(nextC.subarray(o, o + H), ho);
          else if (s === T - 1) outC.set(nextC.subarray(o, o + H), o);
        }
        prevA = nextA;
        nextA = spareA;
        spareA = prevA;
        prevC = nextC;
        nextC = spareC;
        spareC = prevC;
      }
      return {
        A: output(cpu, outA, [B, T, H]),
        C: output(cpu, outC, [B, kept, H]),
        G: output(cpu, gates, [B, kept, G]),
      };
    },
    gpu: lstmForwardGpu,
  },
  fallback: (inputs, attrs) => tidy(() => lstmForwardComposed(inputs, attrs)),
});

function lstmForwardComposed(
  { x, W_x, W_a, b, a0, c0, mask }: LstmSequenceInputs,
  { reverse, recurrentActivation }: SequenceAttrs,
): Record<LstmSequenceResult, Tensor> {
  const gate = recurrentActivation === 'hardSigmoid' ? hardSigmoidOp : sigmoidOp;
  const { B, T, I, H } = dimsOf({ x, W_a });
  const xp = reshape(matmul(reshape(x, [B * T, I]), W_x), [B, T, 4 * H]);
  const as = new Array<Tensor>(T);
  const cs = new Array<Tensor>(T);
  const gs = new Array<Tensor>(T);
  let prevA = a0;
  let prevC = c0;
  for (let s = 0; s < T; s++) {
    const t = timeAt(s, T, reverse);
    const [zu, zf, zc, zo] = split(add(add(atStep(xp, t), matmul(prevA, W_a)), b), 4, 1);
    const [u, f, cc, o] = [gate(zu!), gate(zf!), tanh(zc!), gate(zo!)];
    const c = keepWhereMasked(mask, t, add(mul(f, prevC), mul(u, cc)), prevC);
    const a = keepWhereMasked(mask, t, mul(o, tanh(c)), prevA);
    gs[t] = zeroWhereMasked(mask, t, concat([u, f, cc, o], 1));
    as[t] = a;
    cs[t] = c;
    prevA = a;
    prevC = c;
  }
  return { A: stack(as, 1), C: stack(cs, 1), G: stack(gs, 1) };
}

/**
 * BPTT for {@link lstmSequenceForward}, following `docs/notation.md`. Per step, given `da⟨t⟩` and
 * `dc⟨t⟩`: `dc = dc⟨t⟩ + da ⊙ Γo ⊙ (1 − tanh²c)`, `dz_o = da ⊙ tanh c ⊙ Γo(1−Γo)`,
 * `dz_u = dc ⊙ c̃ ⊙ Γu(1−Γu)`, `dz_c = dc ⊙ Γu ⊙ (1−c̃²)`, `dz_f = dc ⊙ c⟨t−1⟩ ⊙ Γf(1−Γf)`,
 * `dc⟨t−1⟩ = dc ⊙ Γf`, `da⟨t−1⟩ = dz W_aᵀ`; `dz` is kept for all steps and `dW_x`, `dW_a`
 * are one product each after the loop.
 *
 * Operands `{ x, W_x, W_a, a0, c0, A, C, G, dA, dC, mask? }` (`A`, `C`, `G`: the forward's
 * results; `dA`, `dC`: gradients with respect to every hidden and cell state); results
 * `{ dx, dW_x, dW_a, db, da0, dc0 }`.
 */
export const lstmSequenceBackward = defineNamedKernel<
  LstmSequenceGradientInputs,
  LstmSequenceGradient,
  SequenceAttrs
>({
  name: 'lstmSequenceBackward',
  inputs: ['x', 'W_x', 'W_a', 'a0', 'c0', 'A', 'C', 'G', 'dA', 'dC'],
  optional: ['mask'],
  outputs: ['dx', 'dW_x', 'dW_a', 'db', 'da0', 'dc0'],
  check: (inputs, attrs) => {
    const name = 'lstmSequenceBackward';
    checkSequenceAttrs(name, attrs, GATE_ACTIVATIONS);
    const { B, T, H } = checkSequenceOperands(name, inputs, { a0: inputs.a0, c0: inputs.c0 }, 4);
    const states = [B, T, H];
    checkSequenceResults(name, {
      A: [inputs.A, states],
      C: [inputs.C, states],
      G: [inputs.G, [B, T, 4 * H]],
      dA: [inputs.dA, states],
      dC: [inputs.dC, states],
    });
  },
  backends: {
    cpu: (
      backend,
      { x, W_x, W_a, a0, c0, A: outA, C: outC, G: gates, dA: dOutA, dC: dOutC, mask },
      { reverse, skipInputGradient, recurrentActivation },
    ) => {
      const cpu = cpuBackend('lstmSequenceBackward', backend);
      const hard = recurrentActivation === 'hardSigmoid';
      const dims = dimsOf({ x, W_a });
      const { B, T, I, H } = dims;
      const G = 4 * H;
      const C = f32(cpu, outC);
      const tanhC = new Float32Array(C.length);
      cpu.unaryInto('tanh', C, tanhC);
      const gv = f32(cpu, gates);
      const dA = f32(cpu, dOutA);
      const dC = f32(cpu, dOutC);
      const c0v = f32(cpu, c0);
      const waV = f32(cpu, W_a);
      const m = maskValues(cpu, mask);
      const dZ = new Float32Array(B * T * G);
      const dz = new Float32Array(B * G);
      const rec = new Float32Array(B * H);
      const daNext = new Float32Array(B * H);
      const dcNext = new Float32Array(B * H);
      for (let s = T - 1; s >= 0; s--) {
        const t = timeAt(s, T, reverse);
        const tPrev = reverse ? t + 1 : t - 1;
        for (let r = 0; r < B; r++) {
          const o = r * H;
          const ho = (r * T + t) * H;
          const zo = r * G;
          if (m && m[r * T + t] === 0) {
            // Padded: da and dc pass through unchanged; no dz.
            for (let j = 0; j < H; j++) {
              daNext[o + j]! += dA[ho + j]!;
              dcNext[o + j]! += dC[ho + j]!;
            }
            dz.fill(0, zo, zo + G);
            continue;
          }
          const go = (r * T + t) * G;
          const cPrev = s === 0 ? c0v : C;
          const po = s === 0 ? o : (r * T + tPrev) * H;
          for (let j = 0; j < H; j++) {
            const da = dA[ho + j]! + daNext[o + j]!;
            const u = gv[go + j]!;
            const f = gv[go + H + j]!;
            const cc = gv[go + 2 * H + j]!;
            const og = gv[go + 3 * H + j]!;
            const tc = tanhC[ho + j]!;
            const dc = dC[ho + j]! + dcNext[o + j]! + da * og * (1 - tc * tc);
            dz[zo + j] = dc * cc * gateSlope(u, hard);
            dz[zo + H + j] = dc * cPrev[po + j]! * gateSlope(f, hard);
            dz[zo + 2 * H + j] = dc * u * (1 - cc * cc);
            dz[zo + 3 * H + j] = da * tc * gateSlope(og, hard);
            dcNext[o + j] = dc * f;
          }
          dZ.set(dz.subarray(zo, zo + G), go);
        }
        // da⟨t−1⟩ = dz W_aᵀ for real steps.
        carryRecurrentGradient(cpu, dz, waV, rec, daNext, m, t, { B, T, H, G });
      }
      const prevStates = previousStates(f32(cpu, outA), f32(cpu, a0), dims, reverse);
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
        dW_a: output(cpu, cpu.gemm(prevStates, dZ, H, G, B * T, true, false), [H, G]),
        db,
        da0: output(cpu, daNext, [B, H]),
        dc0: output(cpu, dcNext, [B, H]),
      };
    },
    gpu: lstmBackwardGpu,
  },
  fallback: (inputs, attrs) => tidy(() => lstmBackwardComposed(inputs, attrs)),
});

function lstmBackwardComposed(
  { x, W_x, W_a, a0, c0, A, C, G, dA, dC, mask }: LstmSequenceGradientInputs,
  { reverse, recurrentActivation }: SequenceAttrs,
): Record<LstmSequenceGradient, Tensor> {
  const hard = recurrentActivation === 'hardSigmoid';
  const { B, T, I, H } = dimsOf({ x, W_a });
  const cPrevAll = shiftedStates(C, c0, reverse);
  const dzs = new Array<Tensor>(T);
  let daNext = zerosLike(a0);
  let dcNext = zerosLike(c0);
  for (let s = T - 1; s >= 0; s--) {
    const t = timeAt(s, T, reverse);
    const da = add(atStep(dA, t), daNext);
    const dcIn = add(atStep(dC, t), dcNext);
    const [u, f, cc, o] = split(atStep(G, t), 4, 1) as [Tensor, Tensor, Tensor, Tensor];
    const tc = tanh(atStep(C, t));
    const dc = add(dcIn, mul(mul(da, o), sub(1, square(tc))));
    const sigmoidSlope = gateSlopeTensor(hard);
    const dz = concat(
      [
        mul(mul(dc, cc), sigmoidSlope(u)),
        mul(mul(dc, atStep(cPrevAll, t)), sigmoidSlope(f)),
        mul(mul(dc, u), sub(1, square(cc))),
        mul(mul(da, tc), sigmoidSlope(o)),
      ],
      1,
    );
    dzs[t] = zeroWhereMasked(mask, t, dz);
    daNext = keepWhereMasked(mask, t, matmul(dzs[t]!, W_a, { transposeB: true }), da);
    dcNext = keepWhereMasked(mask, t, mul(dc, f), dcIn);
  }
  const dZ = reshape(stack(dzs, 1), [B * T, 4 * H]);
  const prev = reshape(shiftedStates(A, a0, reverse), [B * T, H]);
  return {
    dx: reshape(matmul(dZ, W_x, { transposeB: true }), [B, T, I]),
    dW_x: matmul(reshape(x, [B * T, I]), dZ, { transposeA: true }),
    dW_a: matmul(prev, dZ, { transposeA: true }),
    db: sum(dZ, { axis: 0 }),
    da0: daNext,
    dc0: dcNext,
  };
}

/** `{ x, W_x, W_a, b, a0, c0, mask? } → { A, C, G }` (LSTM; G = gate activations, no gradient). */
export const lstmSequenceOp: SequenceOp<LstmSequenceInputs, LstmSequenceResult, SequenceAttrs> =
  defineSequenceOp(
    'lstmSequence',
    lstmSequenceForward,
    ({ A: dA, C: dC }, { A, C, G }, inputs, attrs, needs) => {
      if (!dA && !dC) return {};
      const { x, W_x, W_a, a0, c0, mask } = inputs;
      const g = lstmSequenceBackward(
        { x, W_x, W_a, a0, c0, A, C, G, dA: dA ?? zerosLike(A), dC: dC ?? zerosLike(C), mask },
        { ...attrs, skipInputGradient: !needs.x },
      );
      return { x: g.dx, W_x: g.dW_x, W_a: g.dW_a, b: g.db, a0: g.da0, c0: g.dc0 };
    },
  );
