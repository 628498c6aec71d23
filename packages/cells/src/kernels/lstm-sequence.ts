import {
  add,
  concat,
  defineKernel,
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
import { atStep, keepWhereMasked, shiftedStates, zeroWhereMasked } from './composed.js';
import {
  carryRecurrentGradient,
  cpuBackend,
  f32,
  inputProjection,
  inputSideGradients,
  maskValues,
  output,
  rowsAt,
} from './cpu.js';
import { lstmBackwardGpu, lstmForwardGpu } from './gpu/lstm.js';
import { lstmCellPass, lstmCellScratch } from './lstm-cell-pass.js';
import { dimsOf, previousStates, type SequenceAttrs, timeAt } from './sequence.js';

/**
 * Forward propagation through time of the LSTM (`docs/notation.md`, gate order u, f, c̃, o):
 *
 *     z = x⟨t⟩ W_x + a⟨t−1⟩ W_a + b;  Γu = σ(z_u)  Γf = σ(z_f)  c̃ = tanh(z_c)  Γo = σ(z_o)
 *     c⟨t⟩ = Γf ⊙ c⟨t−1⟩ + Γu ⊙ c̃;    a⟨t⟩ = Γo ⊙ tanh(c⟨t⟩)
 *
 * Inputs `[x [B,T,I], W_x [I,4H], W_a [H,4H], b [4H], a0 [B,H], c0 [B,H], mask? [B,T]]`; outputs
 * `[A [B,T,H], C [B,T,H], G [B,T,4H]]`: every hidden state, cell state and the gate activations
 * `[Γu, Γf, c̃, Γo]` (zeros at padded steps, where a and c are carried through unchanged).
 */
export const lstmSequenceForward = defineKernel<SequenceAttrs>({
  name: 'lstmSequenceForward',
  backends: {
    cpu: (backend, [x, wx, wa, bias, a0, c0, mask], { reverse }) => {
      const cpu = cpuBackend('lstmSequenceForward', backend);
      const { B, T, I, H } = dimsOf(x!, wa!);
      const G = 4 * H;
      // x⟨t⟩ W_x + b for every step in one product.
      const xp = inputProjection(cpu, f32(cpu, x!), f32(cpu, wx!), f32(cpu, bias!), B * T, I);
      const waV = f32(cpu, wa!);
      const m = maskValues(cpu, mask);
      const outA = new Float32Array(B * T * H);
      const outC = new Float32Array(B * T * H);
      const gates = new Float32Array(B * T * G);
      const z = new Float32Array(B * G);
      const scratch = lstmCellScratch(B, H);
      let prevA: Float32Array = f32(cpu, a0!);
      let prevC: Float32Array = f32(cpu, c0!);
      let nextA: Float32Array = new Float32Array(B * H);
      let nextC: Float32Array = new Float32Array(B * H);
      let spareA: Float32Array = new Float32Array(B * H);
      let spareC: Float32Array = new Float32Array(B * H);
      for (let s = 0; s < T; s++) {
        const t = timeAt(s, T, reverse);
        // z = x⟨t⟩ W_x + b + a⟨t−1⟩ W_a, then the gates, c⟨t⟩ and a⟨t⟩ in one pass.
        rowsAt(xp, t, { B, T }, G, z);
        cpu.gemm(prevA, waV, B, G, H, false, false, z, true);
        lstmCellPass(cpu, z, prevC, nextC, nextA, B, H, scratch);
        for (let r = 0; r < B; r++) {
          const o = r * H;
          const ho = (r * T + t) * H;
          if (m && m[r * T + t] === 0) {
            // Padded: a and c carry through; the gates stay 0.
            nextA.set(prevA.subarray(o, o + H), o);
            nextC.set(prevC.subarray(o, o + H), o);
          } else {
            gates.set(z.subarray(r * G, (r + 1) * G), (r * T + t) * G);
          }
          outA.set(nextA.subarray(o, o + H), ho);
          outC.set(nextC.subarray(o, o + H), ho);
        }
        prevA = nextA;
        nextA = spareA;
        spareA = prevA;
        prevC = nextC;
        nextC = spareC;
        spareC = prevC;
      }
      return [
        output(cpu, outA, [B, T, H]),
        output(cpu, outC, [B, T, H]),
        output(cpu, gates, [B, T, G]),
      ];
    },
    gpu: lstmForwardGpu,
  },
  fallback: (inputs, attrs) => tidy(() => lstmForwardComposed(inputs, attrs)),
});

function lstmForwardComposed(
  [x, wx, wa, b, a0, c0, mask]: readonly Tensor[],
  { reverse }: SequenceAttrs,
): Tensor[] {
  const { B, T, I, H } = dimsOf(x!, wa!);
  const xp = reshape(matmul(reshape(x!, [B * T, I]), wx!), [B, T, 4 * H]);
  const as = new Array<Tensor>(T);
  const cs = new Array<Tensor>(T);
  const gs = new Array<Tensor>(T);
  let prevA = a0!;
  let prevC = c0!;
  for (let s = 0; s < T; s++) {
    const t = timeAt(s, T, reverse);
    const [zu, zf, zc, zo] = split(add(add(atStep(xp, t), matmul(prevA, wa!)), b!), 4, 1);
    const [u, f, cc, o] = [sigmoidOp(zu!), sigmoidOp(zf!), tanh(zc!), sigmoidOp(zo!)];
    const c = keepWhereMasked(mask, t, add(mul(f, prevC), mul(u, cc)), prevC);
    const a = keepWhereMasked(mask, t, mul(o, tanh(c)), prevA);
    gs[t] = zeroWhereMasked(mask, t, concat([u, f, cc, o], 1));
    as[t] = a;
    cs[t] = c;
    prevA = a;
    prevC = c;
  }
  return [stack(as, 1), stack(cs, 1), stack(gs, 1)];
}

/**
 * BPTT for {@link lstmSequenceForward}, following `docs/notation.md`. Per step, given `da⟨t⟩` and
 * `dc⟨t⟩`: `dc = dc⟨t⟩ + da ⊙ Γo ⊙ (1 − tanh²c)`, `dz_o = da ⊙ tanh c ⊙ Γo(1−Γo)`,
 * `dz_u = dc ⊙ c̃ ⊙ Γu(1−Γu)`, `dz_c = dc ⊙ Γu ⊙ (1−c̃²)`, `dz_f = dc ⊙ c⟨t−1⟩ ⊙ Γf(1−Γf)`,
 * `dc⟨t−1⟩ = dc ⊙ Γf`, `da⟨t−1⟩ = dz W_aᵀ`; `dz` is kept for all steps and `dW_x`, `dW_a`
 * are one product each after the loop.
 *
 * Inputs `[x, W_x, W_a, b, a0, c0, A, C, G, dA, dC, mask?]` (`dA`, `dC`: gradients with respect
 * to every hidden and cell state output). Outputs `[dx, dW_x, dW_a, db, da0, dc0]`.
 */
export const lstmSequenceBackward = defineKernel<SequenceAttrs>({
  name: 'lstmSequenceBackward',
  backends: {
    cpu: (
      backend,
      [x, wx, wa, , a0, c0, outA, outC, gates, dOutA, dOutC, mask],
      { reverse, skipInputGradient },
    ) => {
      const cpu = cpuBackend('lstmSequenceBackward', backend);
      const dims = dimsOf(x!, wa!);
      const { B, T, I, H } = dims;
      const G = 4 * H;
      const C = f32(cpu, outC!);
      const tanhC = new Float32Array(C.length);
      cpu.unaryInto('tanh', C, tanhC);
      const gv = f32(cpu, gates!);
      const dA = f32(cpu, dOutA!);
      const dC = f32(cpu, dOutC!);
      const c0v = f32(cpu, c0!);
      const waV = f32(cpu, wa!);
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
            dz[zo + j] = dc * cc * u * (1 - u);
            dz[zo + H + j] = dc * cPrev[po + j]! * f * (1 - f);
            dz[zo + 2 * H + j] = dc * u * (1 - cc * cc);
            dz[zo + 3 * H + j] = da * tc * og * (1 - og);
            dcNext[o + j] = dc * f;
          }
          dZ.set(dz.subarray(zo, zo + G), go);
        }
        // da⟨t−1⟩ = dz W_aᵀ for real steps.
        carryRecurrentGradient(cpu, dz, waV, rec, daNext, m, t, { B, T, H, G });
      }
      const prevStates = previousStates(f32(cpu, outA!), f32(cpu, a0!), dims, reverse);
      const { dx, dWx, db } = inputSideGradients(
        cpu,
        dZ,
        f32(cpu, x!),
        f32(cpu, wx!),
        { B, T, I, G },
        skipInputGradient,
      );
      return [
        dx,
        dWx,
        output(cpu, cpu.gemm(prevStates, dZ, H, G, B * T, true, false), [H, G]),
        db,
        output(cpu, daNext, [B, H]),
        output(cpu, dcNext, [B, H]),
      ];
    },
    gpu: lstmBackwardGpu,
  },
  fallback: (inputs, attrs) => tidy(() => lstmBackwardComposed(inputs, attrs)),
});

function lstmBackwardComposed(
  [x, wx, wa, , a0, c0, A, C, G, dA, dC, mask]: readonly Tensor[],
  { reverse }: SequenceAttrs,
): Tensor[] {
  const { B, T, I, H } = dimsOf(x!, wa!);
  const cPrevAll = shiftedStates(C!, c0!, reverse);
  const dzs = new Array<Tensor>(T);
  let daNext = zerosLike(a0!);
  let dcNext = zerosLike(c0!);
  for (let s = T - 1; s >= 0; s--) {
    const t = timeAt(s, T, reverse);
    const da = add(atStep(dA!, t), daNext);
    const dcIn = add(atStep(dC!, t), dcNext);
    const [u, f, cc, o] = split(atStep(G!, t), 4, 1) as [Tensor, Tensor, Tensor, Tensor];
    const tc = tanh(atStep(C!, t));
    const dc = add(dcIn, mul(mul(da, o), sub(1, square(tc))));
    const sigmoidSlope = (g: Tensor) => mul(g, sub(1, g));
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
    daNext = keepWhereMasked(mask, t, matmul(dzs[t]!, wa!, { transposeB: true }), da);
    dcNext = keepWhereMasked(mask, t, mul(dc, f), dcIn);
  }
  const dZ = reshape(stack(dzs, 1), [B * T, 4 * H]);
  const prev = reshape(shiftedStates(A!, a0!, reverse), [B * T, H]);
  return [
    reshape(matmul(dZ, wx!, { transposeB: true }), [B, T, I]),
    matmul(reshape(x!, [B * T, I]), dZ, { transposeA: true }),
    matmul(prev, dZ, { transposeA: true }),
    sum(dZ, { axis: 0 }),
    daNext,
    dcNext,
  ];
}
