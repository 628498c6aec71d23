import {
  add,
  concat,
  constant,
  hardSigmoid,
  matmul,
  mul,
  parameter,
  sigmoid,
  split,
  tanh,
  type Variable,
} from '@recur/autograd';
import {
  concat as concatTensors,
  full,
  RecurError,
  type Rng,
  type Tensor,
  zeros,
} from '@recur/tensor';
import { glorotUniform, orthogonal, uniformHidden } from '../../initializers.js';
import { stepOf } from '../../kernels/sequence-op.js';
import {
  type CellOptions,
  checkInit,
  checkRecurrentActivation,
  checkStep,
  type FusedSequenceCall,
  initialWeights,
  type LstmState,
  type RecurrentActivation,
  type RecurrentCell,
  type SequenceResult,
  type StepTrace,
} from '../cell.js';
import type { WeightValues } from '../weights.js';
import { lstmSequenceOp } from './sequence-kernel.js';

/** The LSTM's fused weights, as tensors; gate blocks in the order u, f, c̃, o. */
export interface LstmWeights {
  W_x: Tensor;
  W_a: Tensor;
  b: Tensor;
}

/** Options of {@link LSTMCell}. */
export interface LSTMCellOptions extends CellOptions {
  /**
   * Initial bias of the forget gate ("unit forget bias", Jozefowicz et al. 2015); default 1.
   * The other biases start at 0. Ignored with `init: 'uniform'`.
   */
  forgetBias?: number;
  /**
   * `keras` (default): Glorot-uniform `W_x`, an orthogonal `[H, H]` block per gate in `W_a`,
   * bias 0 except the forget block; `uniform`: PyTorch's ±1/√H for everything.
   */
  init?: 'keras' | 'uniform';
  /**
   * The gates' activation σ of Γu, Γf, Γo (default `sigmoid`); `hardSigmoid` is TensorFlow.js's
   * default, `clip(0.2·z + 0.5, 0, 1)`, in the composed step and the fused kernels (CPU and
   * GPU) alike.
   */
  recurrentActivation?: RecurrentActivation;
  /**
   * Start from these values instead; no seed needed then. Tensors are taken over, Variables'
   * current values used without taking them over (see {@link WeightValues}).
   */
  weights?: WeightValues<LstmWeights>;
}

/** One LSTM step with every intermediate quantity, named as in the article. */
export interface LstmStepDetail extends LstmState {
  /** Update (input) gate Γu. */
  gammaU: Variable;
  /** Forget gate Γf. */
  gammaF: Variable;
  /** Candidate c̃. */
  cTilde: Variable;
  /** Output gate Γo. */
  gammaO: Variable;
}

function draw(options: LSTMCellOptions, rng: Rng): LstmWeights {
  const { inputSize: I, hiddenSize: H, init = 'keras', forgetBias = 1 } = options;
  if (init === 'uniform') {
    return {
      W_x: uniformHidden([I, 4 * H], H, { rng }),
      W_a: uniformHidden([H, 4 * H], H, { rng }),
      b: uniformHidden([4 * H], H, { rng }),
    };
  }
  const blocks = [0, 1, 2, 3].map(() => orthogonal([H, H], { rng }));
  const W_a = concatTensors(blocks, 1);
  for (const block of blocks) block.dispose();
  const parts = [zeros([H]), full([H], forgetBias), zeros([2 * H])];
  const b = concatTensors(parts, 0);
  for (const part of parts) part.dispose();
  return { W_x: glorotUniform([I, 4 * H], { rng }), W_a, b };
}

/**
 * The LSTM cell of the article, with fused weights `W_x [I, 4H]`, `W_a [H, 4H]`, `b [4H]`
 * whose column blocks are the update (input) gate u, forget gate f, candidate c̃ and output
 * gate o — the Keras / TensorFlow.js order `i, f, c, o`:
 *
 *     z   = x⟨t⟩ W_x + a⟨t−1⟩ W_a + b          split into z_u, z_f, z_c, z_o
 *     Γu  = σ(z_u)   Γf = σ(z_f)   c̃ = tanh(z_c)   Γo = σ(z_o)
 *     c⟨t⟩ = Γf ⊙ c⟨t−1⟩ + Γu ⊙ c̃
 *     a⟨t⟩ = Γo ⊙ tanh(c⟨t⟩)
 */
export class LSTMCell implements RecurrentCell<LstmState> {
  readonly kind = 'lstm';
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly stateNames = ['a', 'c'] as const;
  /** Input weights of the four gates `[I, 4H]`. */
  readonly W_x: Variable;
  /** Recurrent weights of the four gates `[H, 4H]`. */
  readonly W_a: Variable;
  /** Gate biases `[4H]`. */
  readonly b: Variable;
  /** The gates' activation σ: `sigmoid` or TensorFlow.js's `hardSigmoid`. */
  readonly recurrentActivation: RecurrentActivation;

  constructor(options: LSTMCellOptions) {
    const check = () => {
      checkInit('LSTMCell', options.init);
      checkRecurrentActivation('LSTMCell', options.recurrentActivation);
      if (options.forgetBias !== undefined && !Number.isFinite(options.forgetBias)) {
        throw new RecurError(
          'RANGE',
          `LSTMCell: forgetBias must be finite, got ${options.forgetBias}`,
        );
      }
    };
    const w = initialWeights<LstmWeights>('LSTMCell', options, {
      options: ['forgetBias', 'init', 'recurrentActivation'],
      check,
      shapes: (I, H) => ({ W_x: [I, 4 * H], W_a: [H, 4 * H], b: [4 * H] }),
      draw: (rng) => draw(options, rng),
    });
    this.inputSize = options.inputSize;
    this.hiddenSize = options.hiddenSize;
    this.recurrentActivation = options.recurrentActivation ?? 'sigmoid';
    this.W_x = parameter(w.W_x, 'W_x');
    this.W_a = parameter(w.W_a, 'W_a');
    this.b = parameter(w.b, 'b');
  }

  /** One step with the gates, exactly as the equations read. */
  detail(x: Variable | Tensor, { a, c }: LstmState): LstmStepDetail {
    checkStep('LSTMCell', this.inputSize, this.hiddenSize, x, { a, c }, this.stateNames);
    const z = add(add(matmul(x, this.W_x), matmul(a, this.W_a)), this.b);
    const [zU, zF, zC, zO] = split(z, 4, 1) as [Variable, Variable, Variable, Variable];
    const gate = this.recurrentActivation === 'hardSigmoid' ? hardSigmoid : sigmoid;
    const gammaU = gate(zU);
    const gammaF = gate(zF);
    const cTilde = tanh(zC);
    const gammaO = gate(zO);
    const cNext = add(mul(gammaF, c), mul(gammaU, cTilde));
    const aNext = mul(gammaO, tanh(cNext));
    return { a: aNext, c: cNext, gammaU, gammaF, cTilde, gammaO };
  }

  /** `(a⟨t⟩, c⟨t⟩)` from `x⟨t⟩` and `(a⟨t−1⟩, c⟨t−1⟩)`. */
  step(x: Variable | Tensor, state: LstmState): LstmState {
    const { a, c } = this.detail(x, state);
    return { a, c };
  }

  stepWithGates(x: Variable | Tensor, state: LstmState): StepTrace<LstmState> {
    const d = this.detail(x, state);
    return {
      state: { a: d.a, c: d.c },
      gates: concat([d.gammaU, d.gammaF, d.cTilde, d.gammaO], 1),
    };
  }

  /** The whole sequence through {@link lstmSequenceOp} (fused forward and BPTT, either σ). */
  fusedSequence(
    x: Variable | Tensor,
    { initial, mask, reverse, introspect }: FusedSequenceCall<LstmState>,
  ): SequenceResult<LstmState> {
    const { A, C, G } = lstmSequenceOp(
      { x, W_x: this.W_x, W_a: this.W_a, b: this.b, a0: initial.a, c0: initial.c, mask },
      { reverse, recurrentActivation: this.recurrentActivation, forwardOnly: !introspect },
    );
    const last = reverse ? 0 : x.shape[1]! - 1;
    // A forward-only run keeps C's final step alone (`[B, 1, H]`).
    const state = { a: stepOf(A, last), c: stepOf(C, C.shape[1] === 1 ? 0 : last) };
    return introspect
      ? { outputs: A, state, cellStates: C, gates: G.detach() }
      : { outputs: A, state };
  }

  zeroState(batch: number): LstmState {
    return {
      a: constant(zeros([batch, this.hiddenSize])),
      c: constant(zeros([batch, this.hiddenSize])),
    };
  }

  parameters(): { W_x: Variable; W_a: Variable; b: Variable } {
    return { W_x: this.W_x, W_a: this.W_a, b: this.b };
  }

  dispose(): void {
    for (const p of Object.values(this.parameters())) p.dispose();
  }
}
