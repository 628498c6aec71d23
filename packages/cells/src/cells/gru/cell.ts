import {
  add,
  concat,
  constant,
  hardSigmoid,
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
import { concat as concatTensors, RecurError, type Rng, type Tensor, zeros } from '@recur/tensor';
import { glorotUniform, orthogonal, uniformHidden } from '../../initializers.js';
import { stepOf } from '../../kernels/sequence-op.js';
import {
  type CellOptions,
  checkInit,
  checkRecurrentActivation,
  checkStep,
  type FusedSequenceCall,
  type HiddenState,
  initialWeights,
  type RecurrentActivation,
  type RecurrentCell,
  type SequenceResult,
  type StepTrace,
} from '../cell.js';
import type { WeightValues } from '../weights.js';
import { gruResetAfterSequenceOp } from './reset-after-kernel.js';
import { gruSequenceOp } from './sequence-kernel.js';

/** The GRU's fused weights, as tensors; gate blocks in the order u, r, ã (Keras z, r, h). */
export interface GruWeights {
  W_x: Tensor;
  W_a: Tensor;
  b: Tensor;
  /** The recurrent-side bias `[3H]` of a reset-after GRU (absent otherwise). */
  b_a?: Tensor;
}

/** Options of {@link GRUCell}. */
export interface GRUCellOptions extends CellOptions {
  /**
   * `keras` (default): Glorot-uniform `W_x`, an orthogonal `[H, H]` block per gate in `W_a`,
   * zero bias; `uniform`: ±1/√H for everything.
   */
  init?: 'keras' | 'uniform';
  /**
   * Where the reset gate acts (default false, "reset before"): with `true` it scales the
   * candidate's whole recurrent term, bias included —
   * `ã = tanh(x W_xa + b_a + r ⊙ (a⟨t−1⟩ W_aa + b_aa))` — the variant of PyTorch's `nn.GRU`,
   * cuDNN and Keras 2's default (`reset_after=True`). It adds a recurrent-side bias `b_a [3H]`.
   */
  resetAfter?: boolean;
  /**
   * The gates' activation σ (default `sigmoid`); `hardSigmoid` is TensorFlow.js's default,
   * `clip(0.2·z + 0.5, 0, 1)`, in the composed step and the fused kernels (CPU and GPU) alike.
   */
  recurrentActivation?: RecurrentActivation;
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

/** σ of the update and reset gates: the logistic sigmoid or the hard sigmoid. */
function gate(activation: RecurrentActivation, z: Variable): Variable {
  return activation === 'hardSigmoid' ? hardSigmoid(z) : sigmoid(z);
}

function draw(
  { inputSize: I, hiddenSize: H, init = 'keras', resetAfter = false }: GRUCellOptions,
  rng: Rng,
): GruWeights {
  if (init === 'uniform') {
    return {
      W_x: uniformHidden([I, 3 * H], H, { rng }),
      W_a: uniformHidden([H, 3 * H], H, { rng }),
      b: uniformHidden([3 * H], H, { rng }),
      ...(resetAfter ? { b_a: uniformHidden([3 * H], H, { rng }) } : {}),
    };
  }
  const blocks = [0, 1, 2].map(() => orthogonal([H, H], { rng }));
  const W_a = concatTensors(blocks, 1);
  for (const block of blocks) block.dispose();
  return {
    W_x: glorotUniform([I, 3 * H], { rng }),
    W_a,
    b: zeros([3 * H]),
    ...(resetAfter ? { b_a: zeros([3 * H]) } : {}),
  };
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
 * With `resetAfter: true` it is the "reset after" GRU of PyTorch's `nn.GRU`, cuDNN and Keras 2
 * (`reset_after=True`), with a second, recurrent-side bias `b_a [3H]`:
 *
 *     u = σ(x W_xu + b_u + a⟨t−1⟩ W_au + b_au)     r = σ(x W_xr + b_r + a⟨t−1⟩ W_ar + b_ar)
 *     ã = tanh(x W_xa + b_a + r ⊙ (a⟨t−1⟩ W_aa + b_aa))
 *
 * The two variants are different functions: no choice of weights makes one the other.
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
  /** Whether the reset gate scales the candidate's recurrent term after its product. */
  readonly resetAfter: boolean;
  /** The recurrent-side biases `[3H]` of a reset-after GRU; null for reset-before. */
  readonly b_a: Variable | null;
  /** The gates' activation σ: `sigmoid` or TensorFlow.js's `hardSigmoid`. */
  readonly recurrentActivation: RecurrentActivation;

  constructor(options: GRUCellOptions) {
    const w = initialWeights<GruWeights>('GRUCell', options, {
      options: ['init', 'resetAfter', 'recurrentActivation'],
      check: () => {
        checkInit('GRUCell', options.init);
        checkRecurrentActivation('GRUCell', options.recurrentActivation);
        if (options.resetAfter !== undefined && typeof options.resetAfter !== 'boolean') {
          throw new RecurError(
            'ARGUMENT',
            `GRUCell: resetAfter must be true or false, got ${JSON.stringify(options.resetAfter) ?? String(options.resetAfter)}`,
          );
        }
      },
      // b_a only for reset-after: the shapes name exactly the weights the cell has.
      shapes: (I, H) =>
        ({
          W_x: [I, 3 * H],
          W_a: [H, 3 * H],
          b: [3 * H],
          ...(options.resetAfter ? { b_a: [3 * H] } : {}),
        }) as Record<keyof GruWeights, number[]>,
      draw: (rng) => draw(options, rng),
    });
    this.inputSize = options.inputSize;
    this.hiddenSize = options.hiddenSize;
    this.resetAfter = options.resetAfter ?? false;
    this.recurrentActivation = options.recurrentActivation ?? 'sigmoid';
    this.W_x = parameter(w.W_x, 'W_x');
    this.W_a = parameter(w.W_a, 'W_a');
    this.b = parameter(w.b, 'b');
    this.b_a = w.b_a ? parameter(w.b_a, 'b_a') : null;
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
    if (this.b_a) {
      const [hU, hR, hA] = split(add(matmul(a, this.W_a), this.b_a), 3, 1) as [
        Variable,
        Variable,
        Variable,
      ];
      const u = gate(this.recurrentActivation, add(xU, hU));
      const r = gate(this.recurrentActivation, add(xR, hR));
      const aTilde = tanh(add(xA, mul(r, hA)));
      return { a: add(mul(u, a), mul(sub(1, u), aTilde)), u, r, aTilde };
    }
    const [aU, aR] = split(matmul(a, slice(this.W_a, [0, 0], [H, 2 * H])), 2, 1) as [
      Variable,
      Variable,
    ];
    const u = gate(this.recurrentActivation, add(xU, aU));
    const r = gate(this.recurrentActivation, add(xR, aR));
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

  /**
   * The whole sequence through {@link gruSequenceOp} (fused forward and BPTT), or
   * {@link gruResetAfterSequenceOp} for a reset-after GRU, with either σ.
   */
  fusedSequence(
    x: Variable | Tensor,
    { initial, mask, reverse, introspect }: FusedSequenceCall<HiddenState>,
  ): SequenceResult<HiddenState> {
    if (this.b_a) {
      const { A, G } = gruResetAfterSequenceOp(
        { x, W_x: this.W_x, W_a: this.W_a, b: this.b, b_a: this.b_a, a0: initial.a, mask },
        { reverse, recurrentActivation: this.recurrentActivation, forwardOnly: !introspect },
      );
      const state = { a: stepOf(A, reverse ? 0 : x.shape[1]! - 1) };
      if (!introspect) return { outputs: A, state };
      // The diagnostics' gates are [u, r, ã], as the composed step reports them (G adds n).
      const [B, T] = A.shape as [number, number];
      const gates = slice(G.detach(), [0, 0, 0], [B, T, 3 * this.hiddenSize]);
      return { outputs: A, state, gates };
    }
    const { A, G } = gruSequenceOp(
      { x, W_x: this.W_x, W_a: this.W_a, b: this.b, a0: initial.a, mask },
      { reverse, recurrentActivation: this.recurrentActivation, forwardOnly: !introspect },
    );
    const state = { a: stepOf(A, reverse ? 0 : x.shape[1]! - 1) };
    return introspect ? { outputs: A, state, gates: G.detach() } : { outputs: A, state };
  }

  zeroState(batch: number): HiddenState {
    return { a: constant(zeros([batch, this.hiddenSize])) };
  }

  /** `W_x`, `W_a`, `b`, and `b_a` for a reset-after GRU. */
  parameters(): { W_x: Variable; W_a: Variable; b: Variable; b_a?: Variable } {
    return {
      W_x: this.W_x,
      W_a: this.W_a,
      b: this.b,
      ...(this.b_a ? { b_a: this.b_a } : {}),
    };
  }

  dispose(): void {
    for (const p of Object.values(this.parameters())) p.dispose();
  }
}
