import { backward, noGrad, sum, zeroGrad } from '@recur/autograd';
import { RecurrentLayer } from '@recur/cells';
import { type Backend, randomNormal, type Tensor, tidy, withBackend } from '@recur/tensor';
import type { Prepared } from '../measure.js';
import type { RecurLmCell } from './char-lm.js';

/** Sizes of a sequence-layer case: input features I, hidden H, batch B, steps T. */
export interface LayerSize {
  I: number;
  H: number;
  B: number;
  T: number;
}

/**
 * A {@link RecurrentLayer} over a random `[B, T, I]` input on `backend`. `forward` times the
 * forward pass alone (no graph kept); `forwardBackward` the forward pass, `sum` of the outputs
 * and BPTT into the weight gradients. Both read one value back so a GPU finishes its work.
 */
export function recurSequenceLayer(
  backend: Backend,
  cell: RecurLmCell,
  size: LayerSize,
  mode: 'forward' | 'forwardBackward',
): Prepared {
  const { layer, x } = withBackend(backend, () => ({
    layer: new RecurrentLayer({ cell, inputSize: size.I, hiddenSize: size.H, seed: 1 }),
    x: randomNormal([size.B, size.T, size.I], { seed: 2 }) as Tensor,
  }));
  const params = Object.values(layer.parameters());
  const run =
    mode === 'forward'
      ? () =>
          withBackend(backend, () =>
            tidy(() => {
              noGrad(() => sum(layer.forward(x).outputs).value.item());
            }),
          )
      : () =>
          withBackend(backend, () =>
            tidy(() => {
              zeroGrad(params);
              const loss = sum(layer.forward(x).outputs);
              backward(loss);
              loss.value.item();
            }),
          );
  return {
    run,
    dispose: () => {
      for (const p of params) p.dispose();
      x.dispose();
    },
  };
}
