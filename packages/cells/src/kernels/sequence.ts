import {
  checkOptions,
  formatShape,
  greater,
  less,
  mul,
  RecurError,
  sub,
  type Tensor,
  where,
} from '@recur/tensor';

/** Attributes every fused sequence kernel takes. */
export interface SequenceAttrs {
  /**
   * Run the recurrence from t = T−1 down to 0 (the backward direction of a bidirectional
   * layer). Outputs stay at their own time positions; the final state is then the one at t = 0.
   */
  reverse: boolean;
  /**
   * Backward kernels only: the caller needs no gradient for `x` (e.g. it is data), so `dx` is
   * returned as zeros without computing `dz W_xᵀ`. Default false.
   */
  skipInputGradient?: boolean;
  /**
   * Forward kernels only: no gradient will be taken and the caller reads only `A` and the final
   * state, so the CPU kernels skip what only BPTT reads: the gate activations `G` are neither
   * copied nor kept (`[B, 1, G·H]` of zeros) and the LSTM's `C` is `[B, 1, H]`, the final c
   * only. `A` and the final state are bit-identical to the full forward's; backward refuses
   * such results (their shapes). Other backends may ignore it and return the full results.
   * Default false.
   */
  forwardOnly?: boolean;
  /**
   * LSTM and GRU kernels: σ of the gates, the logistic `sigmoid` (default) or TensorFlow.js's
   * `hardSigmoid` `clip(0.2·z + 0.5, 0, 1)`, whose slope is 0.2 inside (0, 1) and 0 where clipped.
   */
  recurrentActivation?: 'sigmoid' | 'hardSigmoid';
}

/** The `recurrentActivation` attribute the gated kernels check (absent: the sigmoid). */
export const GATE_ACTIVATIONS = {
  recurrentActivation: [undefined, 'sigmoid', 'hardSigmoid'],
} as const;

/**
 * σ'(z) from σ's output g: `g(1 − g)` for the sigmoid; for the hard sigmoid 0.2 where
 * `0 < g < 1` and 0 where clipped (`0.2·⌈g(1 − g)⌉`: the same test, branch-free, as the GPU
 * kernels write it).
 */
export function gateSlope(g: number, hard: boolean): number {
  return hard ? 0.2 * Math.ceil(g * (1 - g)) : g * (1 - g);
}

/** {@link gateSlope} on tensors (the composed fallbacks): `g(1 − g)`, or 0.2 where `0 < g < 1`. */
export function gateSlopeTensor(hard: boolean): (g: Tensor) => Tensor {
  return hard ? (g) => where(mul(greater(g, 0), less(g, 1)), 0.2, 0) : (g) => mul(g, sub(1, g));
}

/** σ(z) in float64: `1 / (1 + e^−z)`, or the hard sigmoid `clip(0.2·z + 0.5, 0, 1)`. */
export function gateValue(z: number, hard: boolean): number {
  if (!hard) return 1 / (1 + Math.exp(-z));
  const y = 0.2 * z + 0.5;
  return y > 1 ? 1 : Math.max(y, 0);
}

/** The sizes a sequence kernel works with: batch B, steps T, input width I, hidden H. */
export interface SequenceDims {
  B: number;
  T: number;
  I: number;
  H: number;
}

/** `[B, T, I]` and `H` from the inputs `x` and the recurrent weight `W_a` `[H, G·H]`. */
export function dimsOf({ x, W_a }: { x: Tensor; W_a: Tensor }): SequenceDims {
  const [B, T, I] = x.shape as [number, number, number];
  return { B, T, I, H: W_a.shape[0]! };
}

/** The time index processed at loop step `s` (0-based, in processing order). */
export function timeAt(s: number, T: number, reverse: boolean): number {
  return reverse ? T - 1 - s : s;
}

/** The operands every fused sequence kernel shares (the weights in `docs/notation.md`'s layout). */
export interface SequenceWeights {
  /** The inputs, `[B, T, I]`. */
  x: Tensor;
  /** `[I, G·H]`: the input weight (the RNN's `W_xh`). */
  W_x: Tensor;
  /** `[H, G·H]`: the recurrent weight (the RNN's `W_ah`). */
  W_a: Tensor;
}

/**
 * Checks the operands of a fused sequence kernel before it runs; `gates` is 1 (RNN), 4 (LSTM)
 * or 3 (GRU). `b` (`[G·H]`) is checked where given (backward kernels do not read it), each of
 * `states` (the initial states, by name) must be `[B, H]`, `mask` `[B, T]` (float32 or int32).
 * Every error is a `RecurError` naming the kernel and the operand. Returns the sizes.
 */
export function checkSequenceOperands(
  kernel: string,
  { x, W_x, W_a, b, mask }: SequenceWeights & { b?: Tensor; mask?: Tensor | undefined },
  states: Readonly<Record<string, Tensor>>,
  gates: number,
): SequenceDims {
  const fail = (message: string): never => {
    throw new RecurError('SHAPE', `${kernel}: ${message}`);
  };
  if (x.rank !== 3) fail(`x must be [batch, time, features], got ${formatShape(x.shape)}`);
  const [B, T, I] = x.shape as [number, number, number];
  if (T === 0) {
    throw new RecurError(
      'ARGUMENT',
      `${kernel}: x ${formatShape(x.shape)} is an empty sequence (T = 0)`,
    );
  }
  if (W_a.rank !== 2) fail(`W_a must be 2-D [H, ${gates}·H], got ${formatShape(W_a.shape)}`);
  const H = W_a.shape[0]!;
  if (W_a.shape[1] !== gates * H) {
    fail(`W_a is ${formatShape(W_a.shape)}; expected [${H},${gates * H}] (${gates} gate blocks)`);
  }
  if (W_x.rank !== 2 || W_x.shape[0] !== I || W_x.shape[1] !== gates * H) {
    fail(`x has ${I} features, so W_x must be [${I},${gates * H}]; got ${formatShape(W_x.shape)}`);
  }
  if (b && (b.rank !== 1 || b.shape[0] !== gates * H)) {
    fail(`b must be [${gates * H}], got ${formatShape(b.shape)}`);
  }
  for (const [name, s] of Object.entries(states)) {
    if (s.rank !== 2 || s.shape[0] !== B || s.shape[1] !== H) {
      fail(`${name} must be [${B},${H}] (batch ${B}, hidden ${H}), got ${formatShape(s.shape)}`);
    }
  }
  if (mask && (mask.rank !== 2 || mask.shape[0] !== B || mask.shape[1] !== T)) {
    fail(`mask must be [${B},${T}] (batch, time), got ${formatShape(mask.shape)}`);
  }
  const floats: [string, Tensor | undefined][] = [
    ['x', x],
    ['W_x', W_x],
    ['W_a', W_a],
    ['b', b],
  ];
  for (const [name, t] of [...floats, ...Object.entries(states)]) {
    if (t && t.dtype !== 'float32') {
      throw new RecurError('DTYPE', `${kernel}: ${name} must be float32, got ${t.dtype}`);
    }
  }
  return { B, T, I, H };
}

/**
 * The operands of the backward kernel of a cell whose only state is `a` and whose forward saves
 * its gate activations `G` (the GRU, its reset-after variant, the MGU): the forward's operands,
 * its results and ∂L/∂A.
 */
export interface HiddenSequenceGradientInputs extends SequenceWeights {
  a0: Tensor;
  A: Tensor;
  G: Tensor;
  dA: Tensor;
  mask?: Tensor | undefined;
}

/**
 * The whole operand check of such a backward kernel: its attributes (`extra` as for
 * {@link checkSequenceAttrs}), the weights of `gates` blocks, and `A`, `dA` `[B, T, H]` and
 * `G` `[B, T, saved·H]` as the forward made them.
 */
export function checkHiddenSequenceGradient(
  kernel: string,
  inputs: HiddenSequenceGradientInputs,
  attrs: unknown,
  {
    gates,
    saved,
    extra,
  }: { gates: number; saved: number; extra?: Readonly<Record<string, readonly unknown[]>> },
): void {
  checkSequenceAttrs(kernel, attrs, extra);
  const { B, T, H } = checkSequenceOperands(kernel, inputs, { a0: inputs.a0 }, gates);
  checkSequenceResults(kernel, {
    A: [inputs.A, [B, T, H]],
    G: [inputs.G, [B, T, saved * H]],
    dA: [inputs.dA, [B, T, H]],
  });
}

/**
 * Checks a backward kernel's saved results and incoming gradients against the shapes the forward
 * pass gave them (`[B, T, H]` for states, `[B, T, G·H]` for gate activations).
 */
export function checkSequenceResults(
  kernel: string,
  expected: Readonly<Record<string, readonly [Tensor, readonly number[]]>>,
): void {
  for (const [name, [t, shape]] of Object.entries(expected)) {
    if (t.rank !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
      throw new RecurError(
        'SHAPE',
        `${kernel}: ${name} must be ${formatShape(shape)} (as the forward pass made it), got ${formatShape(t.shape)}`,
      );
    }
    if (t.dtype !== 'float32') {
      throw new RecurError('DTYPE', `${kernel}: ${name} must be float32, got ${t.dtype}`);
    }
  }
}

/** Checks a sequence kernel's attributes: `reverse` (required) and the backward-only flag. */
export function checkSequenceAttrs(
  kernel: string,
  attrs: unknown,
  extra: Readonly<Record<string, readonly unknown[]>> = {},
): void {
  checkOptions(kernel, attrs, [
    'reverse',
    'skipInputGradient',
    'forwardOnly',
    ...Object.keys(extra),
  ]);
  const given = attrs as Record<string, unknown>;
  if (typeof given.reverse !== 'boolean') {
    throw new RecurError(
      'ARGUMENT',
      `${kernel}: attrs.reverse must be true or false, got ${String(given.reverse)}`,
    );
  }
  for (const flag of ['skipInputGradient', 'forwardOnly'] as const) {
    if (given[flag] !== undefined && typeof given[flag] !== 'boolean') {
      throw new RecurError(
        'ARGUMENT',
        `${kernel}: attrs.${flag} must be true or false, got ${String(given[flag])}`,
      );
    }
  }
  for (const [name, allowed] of Object.entries(extra)) {
    if (!allowed.includes(given[name])) {
      throw new RecurError(
        'ARGUMENT',
        `${kernel}: attrs.${name} must be one of ${allowed.map((v) => `'${String(v)}'`).join(', ')}, got ${JSON.stringify(given[name])}`,
      );
    }
  }
}

/**
 * The state before each step, in batch-major rows `[B·T, H]`: row `b·T + t` holds the state the
 * step at time t started from — the initial state for the first step processed, otherwise the
 * output of the step processed just before. This is the left operand of `dW_a = Σ_t a⟨t−1⟩ᵀ dz⟨t⟩`.
 */
export function previousStates(
  outputs: Float32Array,
  initial: Float32Array,
  dims: SequenceDims,
  reverse: boolean,
): Float32Array {
  const { B, T, H } = dims;
  const prev = new Float32Array(B * T * H);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const first = reverse ? t === T - 1 : t === 0;
      const src = first
        ? initial.subarray(b * H, (b + 1) * H)
        : outputs.subarray(
            (b * T + (reverse ? t + 1 : t - 1)) * H,
            (b * T + (reverse ? t + 1 : t - 1) + 1) * H,
          );
      prev.set(src, (b * T + t) * H);
    }
  }
  return prev;
}
