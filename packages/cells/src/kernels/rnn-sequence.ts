import {
  add,
  cast,
  defineKernel,
  greater,
  matmul,
  mul,
  relu,
  reshape,
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
import { rnnBackwardGpu, rnnForwardGpu } from './gpu/rnn.js';
import { dimsOf, previousStates, type SequenceAttrs, timeAt } from './sequence.js';

/** Attributes of the vanilla RNN sequence kernels. */
export interface RnnSequenceAttrs extends SequenceAttrs {
  /** `tanh` for the RNN of the article, `relu` for the IRNN. */
  activation: 'tanh' | 'relu';
}

/**
 * Forward propagation through time of `a⟨t⟩ = act(x⟨t⟩ W_xh + a⟨t−1⟩ W_ah + b_h)` for all t.
 *
 * Inputs `[x [B,T,I], W_xh [I,H], W_ah [H,H], b_h [H], a0 [B,H], mask? [B,T]]`; output
 * `[A [B,T,H]]`, every step's hidden state. `x W_xh` for all steps is one matrix product before
 * the loop. Where `mask[b,t]` is 0 the step is padding: row b keeps its previous state.
 * Inputs are assumed valid (see `checkSequenceOperands`).
 */
export const rnnSequenceForward = defineKernel<RnnSequenceAttrs>({
  name: 'rnnSequenceForward',
  backends: {
    cpu: (backend, [x, wx, wa, bias, a0, mask], { activation, reverse }) => {
      const cpu = cpuBackend('rnnSequenceForward', backend);
      const { B, T, I, H } = dimsOf(x!, wa!);
      // x⟨t⟩ W_xh + b_h for every step in one product.
      const xp = inputProjection(cpu, f32(cpu, x!), f32(cpu, wx!), f32(cpu, bias!), B * T, I);
      const waV = f32(cpu, wa!);
      const m = maskValues(cpu, mask);
      const out = new Float32Array(B * T * H);
      const rec = new Float32Array(B * H);
      let prev: Float32Array = f32(cpu, a0!);
      let next: Float32Array = new Float32Array(B * H);
      let spare: Float32Array = new Float32Array(B * H);
      for (let s = 0; s < T; s++) {
        const t = timeAt(s, T, reverse);
        rowsAt(xp, t, { B, T }, H, rec);
        cpu.gemm(prev, waV, B, H, H, false, false, rec, true); // += a⟨t−1⟩ W_ah
        if (activation === 'tanh') cpu.unaryInto('tanh', rec, next);
        else for (let i = 0; i < next.length; i++) next[i] = Math.max(rec[i]!, 0);
        for (let r = 0; r < B; r++) {
          const o = r * H;
          if (m && m[r * T + t] === 0) next.set(prev.subarray(o, o + H), o);
          out.set(next.subarray(o, o + H), (r * T + t) * H);
        }
        prev = next;
        next = spare;
        spare = prev;
      }
      return [output(cpu, out, [B, T, H])];
    },
    gpu: rnnForwardGpu,
  },
  fallback: (inputs, attrs) => [tidy(() => rnnForwardComposed(inputs, attrs))],
});

function rnnForwardComposed(
  [x, wx, wa, b, a0, mask]: readonly Tensor[],
  attrs: RnnSequenceAttrs,
): Tensor {
  const { B, T, I, H } = dimsOf(x!, wa!);
  const xp = reshape(matmul(reshape(x!, [B * T, I]), wx!), [B, T, H]);
  const outs = new Array<Tensor>(T);
  let prev = a0!;
  for (let s = 0; s < T; s++) {
    const t = timeAt(s, T, attrs.reverse);
    const z = add(add(atStep(xp, t), matmul(prev, wa!)), b!);
    const a = keepWhereMasked(mask, t, attrs.activation === 'tanh' ? tanh(z) : relu(z), prev);
    outs[t] = a;
    prev = a;
  }
  return stack(outs, 1);
}

/**
 * Back-propagation through time for {@link rnnSequenceForward}, following `docs/notation.md`:
 * `dz⟨t⟩ = da⟨t⟩ ⊙ act'(a⟨t⟩)` kept for all steps, `da⟨t−1⟩ = dz⟨t⟩ W_ahᵀ`, then
 * `dW_xh = Σ_t x⟨t⟩ᵀ dz⟨t⟩` and `dW_ah = Σ_t a⟨t−1⟩ᵀ dz⟨t⟩` as ONE product each after the loop.
 *
 * Inputs `[x, W_xh, W_ah, b_h, a0, A, dA, mask?]` where `A` is the forward output and `dA
 * [B,T,H]` the gradient of the loss with respect to every output (the final state's gradient
 * added at its step). Outputs `[dx, dW_xh, dW_ah, db_h, da0]`. A padded step passes its gradient
 * through to the previous state unchanged and contributes nothing to the weight gradients.
 */
export const rnnSequenceBackward = defineKernel<RnnSequenceAttrs>({
  name: 'rnnSequenceBackward',
  backends: {
    cpu: (
      backend,
      [x, wx, wa, , a0, outputs, dOutputs, mask],
      { activation, reverse, skipInputGradient },
    ) => {
      const cpu = cpuBackend('rnnSequenceBackward', backend);
      const dims = dimsOf(x!, wa!);
      const { B, T, I, H } = dims;
      const A = f32(cpu, outputs!);
      const dA = f32(cpu, dOutputs!);
      const waV = f32(cpu, wa!);
      const m = maskValues(cpu, mask);
      const dZ = new Float32Array(B * T * H);
      const dz = new Float32Array(B * H);
      const rec = new Float32Array(B * H);
      const daNext = new Float32Array(B * H);
      for (let s = T - 1; s >= 0; s--) {
        const t = timeAt(s, T, reverse);
        for (let r = 0; r < B; r++) {
          const o = r * H;
          const ro = (r * T + t) * H;
          const padded = m !== null && m[r * T + t] === 0;
          for (let j = 0; j < H; j++) {
            const da = dA[ro + j]! + daNext[o + j]!;
            const a = A[ro + j]!;
            // A padded step keeps da to pass it through unchanged (below).
            daNext[o + j] = da;
            dz[o + j] = padded ? 0 : activation === 'tanh' ? da * (1 - a * a) : a > 0 ? da : 0;
          }
          if (!padded) dZ.set(dz.subarray(o, o + H), ro);
        }
        // da⟨t−1⟩ = dz⟨t⟩ W_ahᵀ for real steps; padded rows carry da through.
        carryRecurrentGradient(cpu, dz, waV, rec, daNext, m, t, { B, T, H, G: H });
      }
      const prevStates = previousStates(A, f32(cpu, a0!), dims, reverse);
      const { dx, dWx, db } = inputSideGradients(
        cpu,
        dZ,
        f32(cpu, x!),
        f32(cpu, wx!),
        { B, T, I, G: H },
        skipInputGradient,
      );
      return [
        dx,
        dWx,
        output(cpu, cpu.gemm(prevStates, dZ, H, H, B * T, true, false), [H, H]),
        db,
        output(cpu, daNext, [B, H]),
      ];
    },
    gpu: rnnBackwardGpu,
  },
  fallback: (inputs, attrs) => tidy(() => rnnBackwardComposed(inputs, attrs)),
});

function rnnBackwardComposed(
  [x, wx, wa, , a0, A, dA, mask]: readonly Tensor[],
  attrs: RnnSequenceAttrs,
): Tensor[] {
  const { B, T, I, H } = dimsOf(x!, wa!);
  const dzs = new Array<Tensor>(T);
  let daNext = zerosLike(a0!);
  for (let s = T - 1; s >= 0; s--) {
    const t = timeAt(s, T, attrs.reverse);
    const da = add(atStep(dA!, t), daNext);
    const a = atStep(A!, t);
    const slope = attrs.activation === 'tanh' ? sub(1, square(a)) : cast(greater(a, 0), 'float32');
    const dz = zeroWhereMasked(mask, t, mul(da, slope));
    dzs[t] = dz;
    daNext = keepWhereMasked(mask, t, matmul(dz, wa!, { transposeB: true }), da);
  }
  const dZ = reshape(stack(dzs, 1), [B * T, H]);
  const prev = reshape(shiftedStates(A!, a0!, attrs.reverse), [B * T, H]);
  return [
    reshape(matmul(dZ, wx!, { transposeB: true }), [B, T, I]),
    matmul(reshape(x!, [B * T, I]), dZ, { transposeA: true }),
    matmul(prev, dZ, { transposeA: true }),
    sum(dZ, { axis: 0 }),
    daNext,
  ];
}
