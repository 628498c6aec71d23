import type { Variable } from '@recur/autograd';
import type { Rng } from '@recur/tensor';

/** What the trainer tells a model on every call of {@link TrainableModel.loss}. */
export interface TrainingContext {
  /** True while training (dropout on), false during validation. */
  training: boolean;
  /**
   * The trainer's seeded generator for the model's randomness (dropout masks, scheduled
   * sampling, sampled losses…). Its state is saved in checkpoints, so a resumed run draws the
   * same numbers: draw every random number from it, never from `Math.random` or a generator the
   * model keeps (no checkpoint saves that one). During validation it is a fresh generator.
   */
  rng: Rng;
  /** Optimizer updates taken so far. */
  step: number;
}

/** What {@link TrainableModel.loss} returns. */
export interface LossOutput<State = unknown> {
  /** A scalar Variable to minimise. */
  loss: Variable;
  /**
   * The recurrent state at the end of the batch (or chunk), for truncated BPTT: the trainer
   * detaches it and passes it back with the next chunk. Any tree of plain objects and arrays
   * whose leaves are Variables or Tensors, e.g. `{ a }` or `{ layers: [{ a, c }] }`.
   */
  state?: State;
  /** Tokens (time steps × sequences, say) this batch covered: for tokens/s. */
  tokens?: number;
}

/**
 * The interface the trainer drives; models of `@recur/architectures` implement it.
 *
 * @example
 * ```ts
 * const model: TrainableModel<{ x: Tensor; y: Tensor }> = {
 *   parameters: () => ({ W, b }),
 *   loss: ({ x, y }) => ({ loss: mse(add(matmul(x, W), b), y) }),
 * };
 * ```
 */
export interface TrainableModel<Batch, State = unknown> {
  /** The trainable parameters by name (names are checkpoint keys: keep them stable). */
  parameters(): Record<string, Variable>;
  /**
   * The loss of one batch. `state` is the detached state the previous chunk returned (undefined
   * at the start of a sequence); `context` carries the seeded RNG and the training flag.
   */
  loss(batch: Batch, state: State | undefined, context: TrainingContext): LossOutput<State>;
}
