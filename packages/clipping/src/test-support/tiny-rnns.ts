/**
 * Test-only recurrent networks built from autograd ops, so the article's claims can be checked
 * without `@recur/cells`. Not exported from the package. Shapes follow docs/notation.md: batch-first
 * rows, weights `[in, out]`.
 */
import {
  add,
  constant,
  matmul,
  mul,
  parameter,
  relu,
  sigmoid,
  slice,
  tanh,
  type Variable,
} from '@recur/autograd';
import { eye, Rng, randomNormal, type Tensor, tensor, zeros } from '@recur/tensor';

export type CellKind = 'tanh' | 'irnn' | 'lstm';

export interface TinyRnnOptions {
  kind: CellKind;
  inputSize: number;
  hiddenSize: number;
  seed: number;
  /** tanh: std of W_ah is gain/√H (small gain: vanishing, large: exploding). IRNN: W_ah = gain·I. */
  gain?: number;
  /** LSTM: forget-gate bias (default 1). */
  forgetBias?: number;
  /** LSTM: std of W_a is recurrentScale/√H (default 1). */
  recurrentScale?: number;
}

export interface TinyRnn {
  kind: CellKind;
  params: Record<string, Variable>;
  /** Runs the sequence `xs` ([B, I] per step) from zero state; returns every step's a (and c). */
  run(xs: readonly Tensor[]): { a: Variable[]; c: Variable[] };
  dispose(): void;
}

export function tinyRnn(options: TinyRnnOptions): TinyRnn {
  const { kind, inputSize: I, hiddenSize: H } = options;
  const rng = new Rng(options.seed);
  const gain = options.gain ?? 1;
  const params: Record<string, Variable> = {};
  if (kind === 'lstm') {
    const scale = options.recurrentScale ?? 1;
    params.W_x = parameter(randomNormal([I, 4 * H], { rng, std: 1 / Math.sqrt(I) }), 'W_x');
    params.W_a = parameter(randomNormal([H, 4 * H], { rng, std: scale / Math.sqrt(H) }), 'W_a');
    const b = new Float32Array(4 * H);
    b.fill(options.forgetBias ?? 1, H, 2 * H);
    params.b = parameter(tensor(b, [4 * H]), 'b');
  } else if (kind === 'irnn') {
    params.W_xh = parameter(randomNormal([I, H], { rng, std: 0.001 }), 'W_xh');
    params.W_ah = parameter(eye(H, gain), 'W_ah');
    params.b_h = parameter(zeros([H]), 'b_h');
  } else {
    params.W_xh = parameter(randomNormal([I, H], { rng, std: 1 / Math.sqrt(I) }), 'W_xh');
    params.W_ah = parameter(randomNormal([H, H], { rng, std: gain / Math.sqrt(H) }), 'W_ah');
    params.b_h = parameter(zeros([H]), 'b_h');
  }

  const run = (xs: readonly Tensor[]) => {
    const B = xs[0]!.shape[0]!;
    let a: Variable = constant(zeros([B, H]));
    let c: Variable = constant(zeros([B, H]));
    const as: Variable[] = [];
    const cs: Variable[] = [];
    for (const x of xs) {
      if (kind === 'lstm') {
        // z = x W_x + a W_a + b, gates in the order u, f, c̃, o (docs/notation.md)
        const z = add(add(matmul(x, params.W_x!), matmul(a, params.W_a!)), params.b!);
        const gate = (k: number) => slice(z, [0, k * H], [B, H]);
        const u = sigmoid(gate(0));
        const f = sigmoid(gate(1));
        const candidate = tanh(gate(2));
        const o = sigmoid(gate(3));
        c = add(mul(f, c), mul(u, candidate));
        a = mul(o, tanh(c));
        cs.push(c);
      } else {
        const z = add(add(matmul(x, params.W_xh!), matmul(a, params.W_ah!)), params.b_h!);
        a = kind === 'irnn' ? relu(z) : tanh(z);
      }
      as.push(a);
    }
    return { a: as, c: cs };
  };

  return {
    kind,
    params,
    run,
    dispose: () => {
      for (const p of Object.values(params)) p.dispose();
    },
  };
}

/** T steps of [B, 1] inputs drawn from U[0, 1). */
export function uniformSequence(T: number, B: number, seed: number): Tensor[] {
  const rng = new Rng(seed);
  return Array.from({ length: T }, () =>
    tensor(
      Array.from({ length: B }, () => rng.next()),
      [B, 1],
    ),
  );
}
