import { type CustomOp, defineOp } from '@recur/autograd';
import { type Tensor, zerosLike } from '@recur/tensor';
import { gruSequenceBackward, gruSequenceForward } from './kernels/gru-sequence.js';
import { lstmSequenceBackward, lstmSequenceForward } from './kernels/lstm-sequence.js';
import {
  type RnnSequenceAttrs,
  rnnSequenceBackward,
  rnnSequenceForward,
} from './kernels/rnn-sequence.js';
import type { SequenceAttrs } from './kernels/sequence.js';

/**
 * The fused sequence kernels as differentiable ops: forward is the kernel's forward propagation
 * through time, backward its hand-written BPTT. Inputs end with an optional `[B, T]` mask
 * (a Tensor: it gets no gradient).
 */

/** `[x, W_xh, W_ah, b_h, a0, mask?] → [A]` (vanilla RNN / IRNN). */
export const rnnSequenceOp: CustomOp<RnnSequenceAttrs> = defineOp<RnnSequenceAttrs>({
  name: 'rnnSequence',
  forward: (inputs, attrs) => {
    const [A] = rnnSequenceForward(inputs, attrs);
    return { outputs: [A!], saved: [A!] };
  },
  backward: ([dA], [A], inputs, attrs, needs) => {
    const [x, wx, wa, b, a0, mask] = inputs;
    if (!dA) return inputs.map(() => null);
    const grads = rnnSequenceBackward(withMask([x!, wx!, wa!, b!, a0!, A!, dA], mask), {
      ...attrs,
      skipInputGradient: !needs[0],
    });
    return withMaskGradient(grads, mask);
  },
});

/** `[x, W_x, W_a, b, a0, c0, mask?] → [A, C, G]` (LSTM; G = gate activations, no gradient). */
export const lstmSequenceOp: CustomOp<SequenceAttrs> = defineOp<SequenceAttrs>({
  name: 'lstmSequence',
  forward: (inputs, attrs) => {
    const outputs = lstmSequenceForward(inputs, attrs);
    return { outputs, saved: outputs };
  },
  backward: ([dA, dC], [A, C, G], inputs, attrs, needs) => {
    const [x, wx, wa, b, a0, c0, mask] = inputs;
    if (!dA && !dC) return inputs.map(() => null);
    const gA = dA ?? zerosLike(A!);
    const gC = dC ?? zerosLike(C!);
    const grads = lstmSequenceBackward(
      withMask([x!, wx!, wa!, b!, a0!, c0!, A!, C!, G!, gA, gC], mask),
      { ...attrs, skipInputGradient: !needs[0] },
    );
    return withMaskGradient(grads, mask);
  },
});

/** `[x, W_x, W_a, b, a0, mask?] → [A, G]` (GRU; G = gate activations, no gradient). */
export const gruSequenceOp: CustomOp<SequenceAttrs> = defineOp<SequenceAttrs>({
  name: 'gruSequence',
  forward: (inputs, attrs) => {
    const outputs = gruSequenceForward(inputs, attrs);
    return { outputs, saved: outputs };
  },
  backward: ([dA], [A, G], inputs, attrs, needs) => {
    const [x, wx, wa, b, a0, mask] = inputs;
    if (!dA) return inputs.map(() => null);
    const grads = gruSequenceBackward(withMask([x!, wx!, wa!, b!, a0!, A!, G!, dA], mask), {
      ...attrs,
      skipInputGradient: !needs[0],
    });
    return withMaskGradient(grads, mask);
  },
});

/** One gradient per input: the mask (when present) gets none. */
function withMaskGradient(grads: Tensor[], mask: Tensor | undefined): (Tensor | null)[] {
  return mask ? [...grads, null] : grads;
}

function withMask(inputs: Tensor[], mask: Tensor | undefined): Tensor[] {
  return mask ? [...inputs, mask] : inputs;
}
