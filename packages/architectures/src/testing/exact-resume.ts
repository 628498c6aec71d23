import type { Variable } from '@recur/autograd';
import { dispose } from '@recur/tensor';
import {
  Adam,
  deserializeCheckpoint,
  serializeCheckpoint,
  type TrainableModel,
  Trainer,
  type TrainerOptions,
} from '@recur/train';

/** What one run (straight, or stopped and resumed) produced. */
export interface RunRecord {
  /** The loss of every update, in order. */
  losses: number[];
  /** Every parameter's values after the last update. */
  weights: Record<string, Float32Array>;
}

/** Options of {@link straightAndResumed}. */
export interface ExactResumeOptions<Batch, State> {
  /** Builds the model afresh (as a new process would, from the saved config). */
  makeModel: () => TrainableModel<Batch, State>;
  /** Trainer options besides the model and optimizer (data, epochs, tbptt, carryState…). */
  trainer: Omit<TrainerOptions<Batch, State>, 'model' | 'optimizer'>;
  /** Updates before the interrupted run stops (it stops at the first batch boundary after). */
  stopAfter: number;
}

/**
 * Test support (not exported): trains one run straight through, and another that stops after
 * `stopAfter` updates, is serialized to checkpoint bytes, and continues in a freshly built model
 * and trainer restored from those bytes. Returns both runs (the resumed one's losses are the
 * first part's followed by the second's) and the checkpoint's step.
 */
export async function straightAndResumed<Batch, State>(
  options: ExactResumeOptions<Batch, State>,
): Promise<{ straight: RunRecord; resumed: RunRecord; checkpointStep: number }> {
  const { makeModel, stopAfter } = options;
  const start = (model: TrainableModel<Batch, State>, extra: { steps?: number } = {}) =>
    new Trainer<Batch, State>({
      model,
      optimizer: new Adam(model.parameters(), { lr: 0.02 }),
      progress: false,
      ...options.trainer,
      ...extra,
    });

  const straight = await runToEnd(makeModel(), start);

  const first = makeModel();
  const interrupted = start(first, { steps: stopAfter });
  const before = (await interrupted.fit()).history.map((r) => r.loss);
  const bytes = serializeCheckpoint(interrupted.checkpoint());
  interrupted.dispose();
  disposeModel(first);

  const checkpoint = deserializeCheckpoint(bytes, 'resume test');
  const after = await runToEnd(makeModel(), start, (trainer) => {
    trainer.restore(checkpoint);
    dispose(checkpoint);
  });
  return {
    straight,
    resumed: { losses: [...before, ...after.losses], weights: after.weights },
    checkpointStep: checkpoint.step,
  };
}

async function runToEnd<Batch, State>(
  model: TrainableModel<Batch, State>,
  start: (model: TrainableModel<Batch, State>) => Trainer<Batch, State>,
  prepare?: (trainer: Trainer<Batch, State>) => void,
): Promise<RunRecord> {
  const trainer = start(model);
  prepare?.(trainer);
  const losses = (await trainer.fit()).history.map((r) => r.loss);
  const weights: Record<string, Float32Array> = {};
  for (const [name, p] of Object.entries(model.parameters()))
    weights[name] = Float32Array.from(p.value.data());
  trainer.dispose();
  disposeModel(model);
  return { losses, weights };
}

function disposeModel(model: { parameters(): Record<string, Variable> }): void {
  for (const p of Object.values(model.parameters())) p.dispose();
}
