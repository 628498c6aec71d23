import {
  add,
  concat,
  constant,
  matmul,
  mul,
  parameter,
  sigmoid,
  slice,
  split,
  sub,
  tanh,
  type Variable,
} from '@recur/autograd';
import { concat as concatTensors, type Rng, type Tensor, zeros } from '@recur/tensor';
import { glorotUniform, orthogonal, uniformHidden } from '../../initializers.js';
import { stepOf } from '../../kernels/sequence-op.js';
import {
  type CellOptions,
  checkInit,
  checkStep,
  type FusedSequenceCall,
  type HiddenState,
  initialWeights,
  type RecurrentCell,
  type SequenceResult,
  type StepTrace,
} from '../cell.js';
import type { WeightValues } from '../weights.js';
import { gruSequenceOp } from './sequence-kernel.js';

/** The GRU's fused weights, as tensors; gate blocks in the order u, r, ã (Keras z, r, h). */
export interface GruWeights {
  W_x: Tensor;
  W_a: Tensor;
  b: Tensor;
}

/** Options of {@link GRUCell}. */
export interface GRUCellOptions extends CellOptions {
  /**
   * `keras` (default): Glorot-uniform `W_x`, an orthogonal `[H, H]` block per gate in `W_a`,
   * zero bias; `uniform`: ±1/√H for everything.
   */
  init?: 'keras' | 'uniform';
  /**
   * Start from these values instead; no seed needed then. Tensors are taken over, Variables'
   * current values used without taking them over (see {@link WeightValues}).
   */
  weights?: WeightValues<GruWeights>;
}

/** One GRU step with its gates. */
export interface GruStepDetail extends HiddenState {
  /** Update gate u (Keras `z`). */
  u: Variable;
  /** Reset gate r. */
  r: Variable;
  /** Candidate state ã (Keras `hh`). */
  aTilde: Variable;
}

function draw(
  { inputSize: I, hiddenSize: H, init = 'keras' }: GRUCellOptions,
  rng: Rng,
): GruWeights {
  if (init === 'uniform') {
    return {
      W_x: uniformHidden([I, 3 * H], H, { rng }),
      W_a: uniformHidden([H, 3 * H], H, { rng }),
      b: uniformHidden([3 * H], H, { rng }),
    };
  }
  const blocks = [0, 1, 2].map(() => orthogonal([H, H], { rng }));
  const W_a = concatTensors(blocks, 1);
  for (const block of blocks) block.dispose();
  return { W_x: glorotUniform([I, 3 * H], { rng }), W_a, b: zeros([3 * H]) };
}

/**
 * The gated recurrent unit (Cho et al. 2014), "reset before" — Keras `reset_after=false`, the
 * only variant TensorFlow.js implements: the reset gate scales the previous state before the
 * candidate's recurrent product. Fused weights `W_x [I, 3H]`, `W_a [H, 3H]`, `b [3H]` with
 * column blocks u (update, Keras `z`), r (reset), ã (candidate, Keras `h`):
 *
 *     u = σ(x W_xu + a⟨t−1⟩ W_au + b_u)     r = σ(x W_xr + a⟨t−1⟩ W_ar + b_r)
 *     ã = tanh(x W_xa + (r ⊙ a⟨t−1⟩) W_aa + b_a)
 *     a⟨t⟩ = u ⊙ a⟨t−1⟩ + (1 − u) ⊙ ã
 *
 * PyTorch's `nn.GRU` is "reset after" — `ã = tanh(x W_xa + b_xa + r ⊙ (a⟨t−1⟩ W_aa + b_aa))` —
 * which no choice of these weights reproduces, so `fromPyTorch` refuses GRU weights.
 */
export class GRUCell implements RecurrentCell<HiddenState> {
  readonly kind = 'gru';
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly stateNames = ['a'] as const;
  /** Input weights of the three blocks `[I, 3H]`. */
  readonly W_x: Variable;
  /** Recurrent weights of the three blocks `[H, 3H]`. */
  readonly W_a: Variable;
  /** Biases `[3H]`. */
  readonly b: Variable;

  constructor(options: GRUCellOptions) {
    const w = initialWeights<GruWeights>('GRUCell', options, {
      options: ['init'],
      check: () => checkInit('GRUCell', options.init),
      shapes: (I, H) => ({ W_x: [I, 3 * H], W_a: [H, 3 * H], b: [3 * H] }),
      draw: (rng) => draw(options, rng),
    });
    this.inputSize = options.inputSize;
    this.hiddenSize = options.hiddenSize;
    this.W_x = parameter(w.W_x, 'W_x');
    this.W_a = parameter(w.W_a, 'W_a');
    this.b = parameter(w.b, 'b');
  }

  /** One step with the gates, exactly as the equations read. */
  detail(x: Variable | Tensor, { a }: HiddenState): GruStepDetail {
    checkStep('GRUCell', this.inputSize, this.hiddenSize, x, { a }, this.stateNames);
    const H = this.hiddenSize;
    const [xU, xR, xA] = split(add(matmul(x, this.W_x), this.b), 3, 1) as [
      Variable,
      Variable,
      Variable,
    ];
    const [aU, aR] = split(matmul(a, slice(this.W_a, [0, 0], [H, 2 * H])), 2, 1) as [
      Variable,
      Variable,
    ];
    const u = sigmoid(add(xU, aU));
    const r = sigmoid(add(xR, aR));
    const aTilde = tanh(add(xA, matmul(mul(r, a), slice(this.W_a, [0, 2 * H], [H, H]))));
    const aNext = add(mul(u, a), mul(sub(1, u), aTilde));
    return { a: aNext, u, r, aTilde };
  }

  /** `a⟨t⟩` from `x⟨t⟩` and `a⟨t−1⟩`. */
  step(x: Variable | Tensor, state: HiddenState): HiddenState {
    return { a: this.detail(x, state).a };
  }

  stepWithGates(x: Variable | Tensor, state: HiddenState): StepTrace<HiddenState> {
    const d = this.detail(x, state);
    return { state: { a: d.a }, gates: concat([d.u, d.r, d.aTilde], 1) };
  }

  /** The whole sequence through {@link gruSequenceOp} (fused forward and BPTT). */
  fusedSequence(
    x: Variable | Tensor,
    { initial, mask, reverse, introspect }: FusedSequenceCall<HiddenState>,
  ): SequenceResult<HiddenState> {
    const { A, G } = gruSequenceOp(
      { x, W_x: this.W_x, W_a: this.W_a, b: this.b, a0: initial.a, mask },
      { reverse },
    );
    const state = { a: stepOf(A, reverse ? 0 : x.shape[1]! - 1) };
    return introspect ? { outputs: A, state, gates: G.detach() } : { outputs: A, state };
  }

  zeroState(batch: number): HiddenState {
    return { a: constant(zeros([batch, this.hiddenSize])) };
  }

  parameters(): { W_x: Variable; W_a: Variable; b: Variable } {
    return { W_x: this.W_x, W_a: this.W_a, b: this.b };
  }

  dispose(): void {
    for (const p of Object.values(this.parameters())) p.dispose();
  }
}
