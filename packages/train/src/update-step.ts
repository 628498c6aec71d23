import { backward, type Variable } from '@recur/autograd';
import { clipGradNorm, clipGradValue, type GradientMonitor, gradientNorms } from '@recur/clipping';
import { Rng, type Tensor, tidy } from '@recur/tensor';
import type { TrainableModel, TrainingContext } from './model.js';
import type { Optimizer } from './optimizers/optimizer.js';
import { detachState } from './state-tree.js';

/** What one update needs from the trainer. */
export interface UpdateParts<Batch, State> {
  model: TrainableModel<Batch, State>;
  optimizer: Optimizer;
  params: Record<string, Variable>;
  clip: { norm?: number; normType?: number; value?: number } | undefined;
  monitor: GradientMonitor | undefined;
  tokens: ((batch: Batch) => number) | undefined;
  /** Updates taken before this one. */
  step: number;
}

/** What one attempted update produced; `problem` is set (and nothing was changed) when skipped. */
export interface UpdateOutcome<State> {
  loss: number;
  tokens: number;
  gradNorm: number;
  clipped: boolean;
  problem: string | undefined;
  /** The model's final state, detached (undefined when skipped). */
  next: State | undefined;
}

/**
 * One update inside `tidy`: the loss of `makeChunk()` from `state`, backward, clipping (or just
 * the gradient norms), a check that the loss and every gradient are finite, and the optimizer
 * step, applied only when every new weight is finite. A non-finite loss, gradient or new weight
 * leaves the weights and the optimizer state as they were and says what was wrong. Gradients
 * are left for the caller to zero — unless something throws (the loss, backward, the monitor,
 * the optimizer): then everything the update created, gradients included, is freed first.
 */
export function computeUpdate<Batch, State>(
  update: UpdateParts<Batch, State>,
  makeChunk: () => Batch,
  state: State | undefined,
  context: TrainingContext,
): UpdateOutcome<State> {
  try {
    return attemptUpdate(update, makeChunk, state, context);
  } catch (error) {
    // tidy freed the step's temporaries; the gradients backward left on the parameters are
    // the only thing it kept (the optimizer frees what it computed itself).
    for (const p of Object.values(update.params)) p.zeroGrad();
    throw error;
  }
}

function attemptUpdate<Batch, State>(
  update: UpdateParts<Batch, State>,
  makeChunk: () => Batch,
  state: State | undefined,
  context: TrainingContext,
): UpdateOutcome<State> {
  return tidy(() => {
    const chunk = makeChunk(); // TBPTT slices are freed with the step's other temporaries
    const out = update.model.loss(chunk, state, context);
    const loss = out.loss.item();
    const tokens = out.tokens ?? update.tokens?.(chunk) ?? 0;
    if (!Number.isFinite(loss)) {
      const bad = nonFiniteNames(update.params, (p) => p.value);
      const where = bad.length
        ? `non-finite weights in ${bad.join(', ')}`
        : 'every weight is finite (check the input and the model)';
      return {
        loss,
        tokens,
        gradNorm: Number.NaN,
        clipped: false,
        problem: `loss is ${loss}; ${where}`,
        next: undefined,
      };
    }
    backward(out.loss);
    let gradNorm: number;
    let clipped = false;
    let badGrads: string[];
    if (update.clip?.norm !== undefined) {
      const r = clipGradNorm(update.params, update.clip.norm, {
        normType: update.clip.normType ?? 2,
      });
      update.monitor?.record(r, update.step + 1);
      gradNorm = r.totalNorm;
      clipped = r.clipped;
      badGrads = r.parameters
        .filter((p) => !Number.isFinite(p.norm))
        .map((p) => `'${p.name}' (norm ${p.norm})`);
    } else {
      const r = gradientNorms(update.params);
      gradNorm = r.totalNorm;
      badGrads = r.parameters
        .filter((p) => !Number.isFinite(p.norm))
        .map((p) => `'${p.name}' (norm ${p.norm})`);
      if (badGrads.length === 0 && update.clip?.value !== undefined)
        clipped = clipGradValue(update.params, update.clip.value).clipped;
      update.monitor?.record(
        { totalNorm: gradNorm, clipped, parameters: r.parameters },
        update.step + 1,
      );
    }
    if (badGrads.length > 0) {
      return {
        loss,
        tokens,
        gradNorm,
        clipped: false,
        problem: `non-finite gradient of ${badGrads.join(', ')}`,
        next: undefined,
      };
    }
    const badWeights = update.optimizer.stepIfFinite();
    if (badWeights.length > 0) {
      return {
        loss,
        tokens,
        gradNorm,
        clipped,
        problem: `the update would make the weights of ${badWeights.map((n) => `'${n}'`).join(', ')} non-finite (not applied; lower the learning rate or clip)`,
        next: undefined,
      };
    }
    return { loss, tokens, gradNorm, clipped, problem: undefined, next: detachState(out.state) };
  });
}

/** Names (quoted) of parameters whose tensor `pick(p)` holds NaN or ±Inf. */
function nonFiniteNames(params: Record<string, Variable>, pick: (p: Variable) => Tensor): string[] {
  const holders: Record<string, { grad: Tensor }> = {};
  for (const [name, p] of Object.entries(params)) holders[name] = { grad: pick(p) };
  return gradientNorms(holders, { normType: Number.POSITIVE_INFINITY })
    .parameters.filter((p) => !Number.isFinite(p.norm))
    .map((p) => `'${p.name}'`);
}

/** What {@link trainStep} needs. */
export interface TrainStepOptions<Batch, State = unknown> {
  model: TrainableModel<Batch, State>;
  optimizer: Optimizer;
  /** The batch (or chunk) to learn from; its tensors are the caller's to free. */
  batch: Batch;
  /** The detached state to start from (undefined: the model's zero state). */
  state?: State;
  /** Gradient clipping: by global norm (`norm`, with `normType`) or element-wise (`value`). */
  clip?: { norm?: number; normType?: number; value?: number };
  /** Telemetry of the gradient norms. */
  monitor?: GradientMonitor;
  /** Tokens of the batch, when the model's loss does not report them. */
  tokens?: (batch: Batch) => number;
  /**
   * The generator for the model's randomness (dropout…) and the updates taken so far, as the
   * {@link Trainer} passes them; default a generator seeded 0 and step 0.
   */
  context?: Partial<TrainingContext>;
}

/** What {@link trainStep} did. */
export interface TrainStepResult<State = unknown> {
  loss: number;
  tokens: number;
  /** The norm of all gradients before clipping (NaN when the loss was not finite). */
  gradNorm: number;
  clipped: boolean;
  /** True when the update was not applied (see `problem`): the weights are as before. */
  skipped: boolean;
  problem?: string;
  /** The model's final state, detached (undefined when skipped): free it with `disposeState`. */
  state: State | undefined;
}

/**
 * One optimizer update, for loops that are not the {@link Trainer}'s (a web worker that trains
 * a step per animation frame, say): the update the trainer takes — the batch's loss, backward,
 * clipping or the gradient norms, a check that the loss, every gradient and every new weight are
 * finite (if not, nothing changes and `problem` says what was wrong), the optimizer step — all
 * inside `tidy`, and the gradients zeroed afterwards. Live tensors stay flat across calls.
 *
 * @example
 * ```ts
 * const optimizer = createOptimizer('adam', model.parameters(), { lr: 2e-3 });
 * const { loss, gradNorm } = trainStep({ model, optimizer, batch, clip: { norm: 5 } });
 * ```
 */
export function trainStep<Batch, State = unknown>(
  options: TrainStepOptions<Batch, State>,
): TrainStepResult<State> {
  const { model, optimizer, batch } = options;
  const context: TrainingContext = {
    training: true,
    rng: options.context?.rng ?? new Rng(0),
    step: options.context?.step ?? 0,
  };
  let outcome: UpdateOutcome<State>;
  try {
    outcome = computeUpdate(
      {
        model,
        optimizer,
        params: model.parameters(),
        clip: options.clip,
        monitor: options.monitor,
        tokens: options.tokens,
        step: context.step,
      },
      () => batch,
      options.state,
      context,
    );
  } finally {
    optimizer.zeroGrad();
  }
  const result: TrainStepResult<State> = {
    loss: outcome.loss,
    tokens: outcome.tokens,
    gradNorm: outcome.gradNorm,
    clipped: outcome.clipped,
    skipped: outcome.problem !== undefined,
    state: outcome.next,
  };
  if (outcome.problem !== undefined) result.problem = outcome.problem;
  return result;
}
