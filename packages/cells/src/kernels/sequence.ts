import { formatShape, RecurError, type Tensor } from '@recur/tensor';

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
}

/** The sizes a sequence kernel works with: batch B, steps T, input width I, hidden H. */
export interface SequenceDims {
  B: number;
  T: number;
  I: number;
  H: number;
}

/** `[B, T, I]` and `H` from the inputs `x` and a recurrent weight `[H, G·H]`. */
export function dimsOf(x: Tensor, recurrentWeight: Tensor): SequenceDims {
  const [B, T, I] = x.shape as [number, number, number];
  return { B, T, I, H: recurrentWeight.shape[0]! };
}

/** The time index processed at loop step `s` (0-based, in processing order). */
export function timeAt(s: number, T: number, reverse: boolean): number {
  return reverse ? T - 1 - s : s;
}

/**
 * Checks the operands of a fused sequence kernel; `gates` is 1 (RNN), 4 (LSTM) or 3 (GRU).
 * `states` are the initial states (each `[B, H]`); `mask` is `[B, T]`.
 */
export function checkSequenceOperands(
  kernel: string,
  x: Tensor,
  inputWeight: Tensor,
  recurrentWeight: Tensor,
  bias: Tensor,
  states: readonly Tensor[],
  mask: Tensor | undefined,
  gates: number,
): SequenceDims {
  const fail = (message: string): never => {
    throw new RecurError('SHAPE', `${kernel}: ${message}`);
  };
  if (x.rank !== 3) fail(`x must be [batch, time, features], got ${formatShape(x.shape)}`);
  const [B, T, I] = x.shape as [number, number, number];
  if (T === 0)
    throw new RecurError(
      'ARGUMENT',
      `${kernel}: x ${formatShape(x.shape)} is an empty sequence (T = 0)`,
    );
  if (recurrentWeight.rank !== 2)
    fail(`the recurrent weight must be 2-D, got ${formatShape(recurrentWeight.shape)}`);
  const H = recurrentWeight.shape[0]!;
  if (recurrentWeight.shape[1] !== gates * H) {
    fail(
      `the recurrent weight is ${formatShape(recurrentWeight.shape)}; expected [${H},${gates * H}]`,
    );
  }
  if (inputWeight.rank !== 2 || inputWeight.shape[0] !== I || inputWeight.shape[1] !== gates * H) {
    fail(
      `x has ${I} features, so the input weight must be [${I},${gates * H}]; got ${formatShape(inputWeight.shape)}`,
    );
  }
  if (bias.rank !== 1 || bias.shape[0] !== gates * H) {
    fail(`the bias must be [${gates * H}], got ${formatShape(bias.shape)}`);
  }
  states.forEach((s, i) => {
    if (s.rank !== 2 || s.shape[0] !== B || s.shape[1] !== H) {
      fail(
        `initial state ${i} must be [${B},${H}] (batch ${B}, hidden ${H}), got ${formatShape(s.shape)}`,
      );
    }
  });
  if (mask && (mask.rank !== 2 || mask.shape[0] !== B || mask.shape[1] !== T)) {
    fail(`mask must be [${B},${T}] (batch, time), got ${formatShape(mask.shape)}`);
  }
  for (const t of [x, inputWeight, recurrentWeight, bias, ...states]) {
    if (t.dtype !== 'float32')
      throw new RecurError('DTYPE', `${kernel}: operands must be float32, got ${t.dtype}`);
  }
  return { B, T, I, H };
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
