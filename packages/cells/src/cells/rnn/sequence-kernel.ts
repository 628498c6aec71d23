import {
  add,
  cast,
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
  previousStates,
  type SequenceAttrs,
  type SequenceWeights,
  timeAt,
} from '../../kernels/sequence.js';
import { defineSequenceOp, type SequenceOp } from '../../kernels/sequence-op.js';
import { rnnBackwardGpu, rnnForwardGpu } from './gpu-kernel.js';

/** Attributes of the vanilla RNN sequence kernels. */
export interface RnnSequenceAttrs extends SequenceAttrs {
  /** `tanh` for the RNN of the article, `relu` for the IRNN. */
  activation: 'tanh' | 'relu';
}

/**
 * The operands of {@link rnnSequenceForward}. The kernels share one naming scheme: the RNN
 * cell's `W_xh`, `W_ah`, `b_h` are this kernel's `W_x`, `W_a`, `b`.
 */
export interface RnnSequenceInputs extends SequenceWeights {
  /** `[H]`. */
  b: Tensor;
  /** The initial state, `[B, H]`. */
  a0: Tensor;
  /** `[B, T]`, 0 at padded steps (optional). */
  mask?: Tensor | undefined;
}

/** The result of {@link rnnSequenceForward}: every a⟨t⟩, `[B, T, H]`. */
export type RnnSequenceResult = 'A';

/** The operands of {@link rnnSequenceBackward}. */
export interface RnnSequenceGradientInputs extends SequenceWeights {
  a0: Tensor;
  /** The forward's result and ∂L/∂A (the final state's gradient added at its step). */
  A: Tensor;
  dA: Tensor;
  mask?: Tensor | undefined;
}

/** The gradients {@link rnnSequenceBackward} returns. */
export type RnnSequenceGradient = 'dx' | 'dW_x' | 'dW_a' | 'db' | 'da0';

const ACTIVATIONS = { activation: ['tanh', 'relu'] } as const;

/**
 * Forward propagation through time of `a⟨t⟩ = act(x⟨t⟩ W_xh + a⟨t−1⟩ W_ah + b_h)` for all t.
 *
 * Operands `{ x [B,T,I], W_x [I,H], W_a [H,H], b [H], a0 [B,H], mask? [B,T] }` (the cell's
 * `W_xh`, `W_ah`, `b_h`; checked, a `RecurError` names the operand); result `{ A [B,T,H] }`,
 * every step's hidden state. `x W_xh` for all steps is one matrix product before the loop. Where
 * `mask[b,t]` is 0 the step is padding: row b keeps its previous state.
 */
export const rnnSequenceForward = defineNamedKernel<
  RnnSequenceInputs,
  RnnSequenceResult,
  RnnSequenceAttrs
>({
  name: 'rnnSequenceForward',
  inputs: ['x', 'W_x', 'W_a', 'b', 'a0'],
  optional: ['mask'],
  outputs: ['A'],
  check: (inputs, attrs) => {
    checkSequenceAttrs('rnnSequenceForward', attrs, ACTIVATIONS);
    checkSequenceOperands('rnnSequenceForward', inputs, { a0: inputs.a0 }, 1);
  },
  backends: {
    cpu: (backend, { x, W_x, W_a, b, a0, mask }, { activation, reverse }) => {
      const cpu = cpuBackend('rnnSequenceForward', backend);
      const { B, T, I, H } = dimsOf({ x, W_a });
      // x⟨t⟩ W_xh + b_h for every step in one product.
      const xp = inputProjection(cpu, f32(cpu, x), f32(cpu, W_x), f32(cpu, b), B * T, I);
      const waV = f32(cpu, W_a);
      const m = maskValues(cpu, mask);
      const out = new Float32Array(B * T * H);
      const rec = new Float32Array(B * H);
      let prev: Float32Array = f32(cpu, a0);
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
      return { A: output(cpu, out, [B, T, H]) };
    },
    gpu: rnnForwardGpu,
  },
  fallback: (inputs, attrs) => ({ A: tidy(() => rnnForwardComposed(inputs, attrs)) }),
});

function rnnForwardComposed(
  { x, W_x, W_a, b, a0, mask }: RnnSequenceInputs,
  attrs: RnnSequenceAttrs,
): Tensor {
  const { B, T, I, H } = dimsOf({ x, W_a });
  const xp = reshape(matmul(reshape(x, [B * T, I]), W_x), [B, T, H]);
  const outs = new Array<Tensor>(T);
  let prev = a0;
  for (let s = 0; s < T; s++) {
    const t = timeAt(s, T, attrs.reverse);
    const z = add(add(atStep(xp, t), matmul(prev, W_a)), b);
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
 * Operands `{ x, W_x, W_a, a0, A, dA, mask? }` where `A` is the forward's result and `dA
 * [B,T,H]` the gradient of the loss with respect to every output (the final state's gradient
 * added at its step). Results `{ dx, dW_x, dW_a, db, da0 }`. A padded step passes its gradient
 * through to the previous state unchanged and contributes nothing to the weight gradients.
 */
export const rnnSequenceBackward = defineNamedKernel<
  RnnSequenceGradientInputs,
  RnnSequenceGradient,
  RnnSequenceAttrs
>({
  name: 'rnnSequenceBackward',
  inputs: ['x', 'W_x', 'W_a', 'a0', 'A', 'dA'],
  optional: ['mask'],
  outputs: ['dx', 'dW_x', 'dW_a', 'db', 'da0'],
  check: (inputs, attrs) => {
    const name = 'rnnSequenceBackward';
    checkSequenceAttrs(name, attrs, ACTIVATIONS);
    const { B, T, H } = checkSequenceOperands(name, inputs, { a0: inputs.a0 }, 1);
    checkSequenceResults(name, { A: [inputs.A, [B, T, H]], dA: [inputs.dA, [B, T, H]] });
  },
  backends: {
    cpu: (
      backend,
      { x, W_x, W_a, a0, A: outputs, dA: dOutputs, mask },
      { activation, reverse, skipInputGradient },
    ) => {
      const cpu = cpuBackend('rnnSequenceBackward', backend);
      const dims = dimsOf({ x, W_a });
      const { B, T, I, H } = dims;
      const A = f32(cpu, outputs);
      const dA = f32(cpu, dOutputs);
      const waV = f32(cpu, W_a);
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
      const prevStates = previousStates(A, f32(cpu, a0), dims, reverse);
      const { dx, dWx, db } = inputSideGradients(
        cpu,
        dZ,
        f32(cpu, x),
        f32(cpu, W_x),
        { B, T, I, G: H },
        skipInputGradient,
      );
      return {
        dx,
        dW_x: dWx,
        dW_a: output(cpu, cpu.gemm(prevStates, dZ, H, H, B * T, true, false), [H, H]),
        db,
        da0: output(cpu, daNext, [B, H]),
      };
    },
    gpu: rnnBackwardGpu,
  },
  fallback: (inputs, attrs) => tidy(() => rnnBackwardComposed(inputs, attrs)),
});

function rnnBackwardComposed(
  { x, W_x, W_a, a0, A, dA, mask }: RnnSequenceGradientInputs,
  attrs: RnnSequenceAttrs,
): Record<RnnSequenceGradient, Tensor> {
  const { B, T, I, H } = dimsOf({ x, W_a });
  const dzs = new Array<Tensor>(T);
  let daNext = zerosLike(a0);
  for (let s = T - 1; s >= 0; s--) {
    const t = timeAt(s, T, attrs.reverse);
    const da = add(atStep(dA, t), daNext);
    const a = atStep(A, t);
    const slope = attrs.activation === 'tanh' ? sub(1, square(a)) : cast(greater(a, 0), 'float32');
    const dz = zeroWhereMasked(mask, t, mul(da, slope));
    dzs[t] = dz;
    daNext = keepWhereMasked(mask, t, matmul(dz, W_a, { transposeB: true }), da);
  }
  const dZ = reshape(stack(dzs, 1), [B * T, H]);
  const prev = reshape(shiftedStates(A, a0, attrs.reverse), [B * T, H]);
  return {
    dx: reshape(matmul(dZ, W_x, { transposeB: true }), [B, T, I]),
    dW_x: matmul(reshape(x, [B * T, I]), dZ, { transposeA: true }),
    dW_a: matmul(prev, dZ, { transposeA: true }),
    db: sum(dZ, { axis: 0 }),
    da0: daNext,
  };
}

/** `{ x, W_x, W_a, b, a0, mask? } → { A }` (vanilla RNN / IRNN: the cell's W_xh, W_ah, b_h). */
export const rnnSequenceOp: SequenceOp<RnnSequenceInputs, RnnSequenceResult, RnnSequenceAttrs> =
  defineSequenceOp('rnnSequence', rnnSequenceForward, ({ A: dA }, { A }, inputs, attrs, needs) => {
    if (!dA) return {};
    const { x, W_x, W_a, a0, mask } = inputs;
    const g = rnnSequenceBackward(
      { x, W_x, W_a, a0, A, dA, mask },
      { ...attrs, skipInputGradient: !needs.x },
    );
    return { x: g.dx, W_x: g.dW_x, W_a: g.dW_a, b: g.db, a0: g.da0 };
  });
