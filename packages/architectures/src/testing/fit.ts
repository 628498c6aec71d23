import type { Variable } from '@recur/autograd';
import { type Rng, tidy } from '@recur/tensor';
import type { Optimizer } from '@recur/train';

/**
 * Test support (not exported): one training step on one batch inside `tidy` — backward, an
 * optimizer update, gradients cleared — for tests that drive a model by hand. Returns the loss.
 * `rng` is the generator of the step's random draws (needed when the model draws any).
 */
export function trainStep<B>(
  model: { loss(batch: B, state?: undefined, context?: { rng?: Rng }): { loss: Variable } },
  optimizer: Optimizer,
  makeBatch: () => B,
  rng?: Rng,
): number {
  return tidy(() => {
    const { loss } = model.loss(makeBatch(), undefined, rng ? { rng } : undefined);
    loss.backward();
    optimizer.step();
    optimizer.zeroGrad();
    return loss.item();
  });
}

/**
 * Lets the event loop run (vitest's worker reports progress over it): long synchronous training
 * loops in tests await this between epochs.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
