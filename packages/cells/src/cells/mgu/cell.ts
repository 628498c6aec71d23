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
import { mguSequenceOp } from './sequence-kernel.js';

/** The MGU's fused weights, as tensors; gate blocks in the order f, ã. */
export interface MguWeights {
  W_x: Tensor;
  W_a: Tensor;
  b: Tensor;
}

/** Options of {@link MGUCell}. */
export interface MGUCellOptions extends CellOptions {
  /**
   * `keras` (default): Glorot-uniform `W_x`, an orthogonal `[H, H]` block per gate in `W_a`,
   * zero bias; `uniform`: ±1/√H for everything.
   */
  init?: 'keras' | 'uniform';
  /**
   * Start from these values instead; no seed needed then. Tensors are taken over, Variables'
   * current values used without taking them over (see {@link WeightValues}).
   */
  weights?: WeightValues<MguWeights>;
}

/** One MGU step with its gate. */
export interface MguStepDetail extends HiddenState {
  /** The forget gate f (it also gates the previous state inside the candidate). */
  f: Variable;
  /** Candidate state ã. */
  aTilde: Variable;
}

function draw(
  { inputSize: I, hiddenSize: H, init = 'keras' }: MGUCellOptions,
  rng: Rng,
): MguWeights {
  if (init === 'uniform') {
    return {
      W_x: uniformHidden([I, 2 * H], H, { rng }),
      W_a: uniformHidden([H, 2 * H], H, { rng }),
      b: uniformHidden([2 * H], H, { rng }),
    };
  }
  const blocks = [0, 1].map(() => orthogonal([H, H], { rng }));
  const W_a = concatTensors(blocks, 1);
  for (const block of blocks) block.dispose();
  return { W_x: glorotUniform([I, 2 * H], { rng }), W_a, b: zeros([2 * H]) };
}

/**
 * The minimal gated unit (Zhou, Wu, Zhang & Zhou 2016): one gate, the forget gate f, plays the
 * GRU's update and reset roles. Fused weights `W_x [I, 2H]`, `W_a [H, 2H]`, `b [2H]` with column
 * blocks f and ã (`docs/notation.md`):
 *
 *     f    = σ(x⟨t⟩ W_xf + a⟨t−1⟩ W_af + b_f)
 *     ã    = tanh(x⟨t⟩ W_xa + (f ⊙ a⟨t−1⟩) W_aa + b_a)
 *     a⟨t⟩ = (1 − f) ⊙ a⟨t−1⟩ + f ⊙ ã
 *
 * Note the mix: f weighs the new candidate (the paper's convention), where recur's GRU lets its
 * update gate u weigh the old state.
 */
export class MGUCell implements RecurrentCell<HiddenState> {
  readonly kind = 'mgu';
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly stateNames = ['a'] as const;
  /** Input weights of the two blocks `[I, 2H]`. */
  readonly W_x: Variable;
  /** Recurrent weights of the two blocks `[H, 2H]`. */
  readonly W_a: Variable;
  /** Biases `[2H]`. */
  readonly b: Variable;

  constructor(options: MGUCellOptions) {
    const w = initialWeights<MguWeights>('MGUCell', options, {
      options: ['init'],
      check: () => checkInit('MGUCell', options.init),
      shapes: (I, H) => ({ W_x: [I, 2 * H], W_a: [H, 2 * H], b: [2 * H] }),
      draw: (rng) => draw(options, rng),
    });
    this.inputSize = options.inputSize;
    this.hiddenSize = options.hiddenSize;
    this.W_x = parameter(w.W_x, 'W_x');
    this.W_a = parameter(w.W_a, 'W_a');
    this.b = parameter(w.b, 'b');
  }

  /** One step with the gate, exactly as the equations read. */
  detail(x: Variable | Tensor, { a }: HiddenState): MguStepDetail {
    checkStep('MGUCell', this.inputSize, this.hiddenSize, x, { a }, this.stateNames);
    const H = this.hiddenSize;
    const [xF, xA] = split(add(matmul(x, this.W_x), this.b), 2, 1) as [Variable, Variable];
    const f = sigmoid(add(xF, matmul(a, slice(this.W_a, [0, 0], [H, H]))));
    const aTilde = tanh(add(xA, matmul(mul(f, a), slice(this.W_a, [0, H], [H, H]))));
    const aNext = add(mul(sub(1, f), a), mul(f, aTilde));
    return { a: aNext, f, aTilde };
  }

  /** `a⟨t⟩` from `x⟨t⟩` and `a⟨t−1⟩`. */
  step(x: Variable | Tensor, state: HiddenState): HiddenState {
    return { a: this.detail(x, state).a };
  }

  stepWithGates(x: Variable | Tensor, state: HiddenState): StepTrace<HiddenState> {
    const d = this.detail(x, state);
    return { state: { a: d.a }, gates: concat([d.f, d.aTilde], 1) };
  }

  /** The whole sequence through {@link mguSequenceOp} (fused forward and BPTT). */
  fusedSequence(
    x: Variable | Tensor,
    { initial, mask, reverse, introspect }: FusedSequenceCall<HiddenState>,
  ): SequenceResult<HiddenState> {
    const { A, G } = mguSequenceOp(
      { x, W_x: this.W_x, W_a: this.W_a, b: this.b, a0: initial.a, mask },
      { reverse, forwardOnly: !introspect },
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
