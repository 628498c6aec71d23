import { add, constant, matmul, parameter, relu, tanh, type Variable } from '@recur/autograd';
import { type Tensor, zeros } from '@recur/tensor';
import { stepOf } from '../../kernels/sequence-op.js';
import {
  type CellOptions,
  checkStep,
  type FusedSequenceCall,
  type HiddenState,
  type RecurrentCell,
  type SequenceResult,
  type StepTrace,
} from '../cell.js';
import { takeWeights } from '../weights.js';
import { rnnSequenceOp } from './sequence-kernel.js';

/** The vanilla (RNN / IRNN) cell's weights, as tensors (e.g. from an importer). */
export interface RnnWeights {
  W_xh: Tensor;
  W_ah: Tensor;
  b_h: Tensor;
}

/** The vanilla cell's weight shapes for input size I and hidden size H. */
export function vanillaShapes(
  I: number,
  H: number,
): { W_xh: number[]; W_ah: number[]; b_h: number[] } {
  return { W_xh: [I, H], W_ah: [H, H], b_h: [H] };
}

/**
 * What {@link RNNCell} and {@link IRNNCell} share: `a⟨t⟩ = act(x⟨t⟩ W_xh + a⟨t−1⟩ W_ah + b_h)`
 * with `W_xh [I, H]`, `W_ah [H, H]`, `b_h [H]`; they differ in `act` and in their initial
 * weights.
 */
export abstract class VanillaCell implements RecurrentCell<HiddenState> {
  abstract readonly kind: 'rnn' | 'irnn';
  /** The nonlinearity `act`. */
  abstract readonly activation: 'tanh' | 'relu';
  readonly name: string;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly stateNames = ['a'] as const;
  /** Input-to-hidden weights `[I, H]`. */
  readonly W_xh: Variable;
  /** Hidden-to-hidden (recurrent) weights `[H, H]`. */
  readonly W_ah: Variable;
  /** Hidden bias `[H]`. */
  readonly b_h: Variable;

  protected constructor(name: string, options: CellOptions, weights: RnnWeights) {
    const { inputSize: I, hiddenSize: H } = options;
    const w = takeWeights<RnnWeights>(name, vanillaShapes(I, H), weights);
    this.name = name;
    this.inputSize = I;
    this.hiddenSize = H;
    this.W_xh = parameter(w.W_xh, 'W_xh');
    this.W_ah = parameter(w.W_ah, 'W_ah');
    this.b_h = parameter(w.b_h, 'b_h');
  }

  /** `a⟨t⟩ = act(x⟨t⟩ W_xh + a⟨t−1⟩ W_ah + b_h)`. */
  step(x: Variable | Tensor, { a }: HiddenState): HiddenState {
    checkStep(this.name, this.inputSize, this.hiddenSize, x, { a }, this.stateNames);
    const z = add(add(matmul(x, this.W_xh), matmul(a, this.W_ah)), this.b_h);
    return { a: this.activation === 'tanh' ? tanh(z) : relu(z) };
  }

  stepWithGates(x: Variable | Tensor, state: HiddenState): StepTrace<HiddenState> {
    return { state: this.step(x, state), gates: null };
  }

  /** The whole sequence through {@link rnnSequenceOp} (fused forward and BPTT). */
  fusedSequence(
    x: Variable | Tensor,
    { initial, mask, reverse }: FusedSequenceCall<HiddenState>,
  ): SequenceResult<HiddenState> {
    const { A } = rnnSequenceOp(
      { x, W_x: this.W_xh, W_a: this.W_ah, b: this.b_h, a0: initial.a, mask },
      { activation: this.activation, reverse },
    );
    return { outputs: A, state: { a: stepOf(A, reverse ? 0 : x.shape[1]! - 1) } };
  }

  zeroState(batch: number): HiddenState {
    return { a: constant(zeros([batch, this.hiddenSize])) };
  }

  parameters(): { W_xh: Variable; W_ah: Variable; b_h: Variable } {
    return { W_xh: this.W_xh, W_ah: this.W_ah, b_h: this.b_h };
  }

  dispose(): void {
    for (const p of Object.values(this.parameters())) p.dispose();
  }
}
