import type { Variable } from '@recur/autograd';
import { tidy } from '@recur/tensor';
import type { Optimizer } from '@recur/train';

/**
 * Test support (not exported): one training step on one batch inside `tidy` — backward, an
 * optimizer update, gradients cleared — for tests that drive a model by hand. Returns the loss.
 */
export function trainStep<B>(
  model: { loss(batch: B): { loss: Variable } },
  optimizer: Optimizer,
  makeBatch: () => B,
): number {
  return tidy(() => {
    const { loss } = model.loss(makeBatch());
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
