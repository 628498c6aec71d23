import { memory, sizeOf, tidy } from '@recur/tensor';
import { createOptimizer, type Optimizer, type TrainableModel, trainStep } from '@recur/train';
import type { FlowReport, RunConfig, SampleReport, StepReport } from '../protocol.js';
import { createExperiment, type Experiment, type ExperimentSources } from './experiment.js';

/**
 * One training run, a step at a time, on whatever backend is active: the worker calls
 * {@link TrainingSession.step} in a loop and {@link TrainingSession.diagnose} /
 * {@link TrainingSession.sample} every few steps. Every step runs inside `tidy`, so the live
 * tensor count stays flat (parameters, their gradients and the optimizer's state only).
 */
export class TrainingSession {
  readonly config: RunConfig;
  readonly experiment: Experiment;
  readonly #optimizer: Optimizer;
  /** The experiment as the library's update sees it: its next batch's loss. */
  readonly #model: TrainableModel<undefined>;
  #steps = 0;

  constructor(config: RunConfig, sources: ExperimentSources = {}) {
    this.config = config;
    this.experiment = createExperiment(config, sources);
    this.#optimizer = createOptimizer(config.optimizer, this.experiment.parameters(), {
      lr: config.learningRate,
    });
    const experiment = this.experiment;
    this.#model = {
      parameters: () => experiment.parameters(),
      loss: () => ({ loss: experiment.trainingLoss() }),
    };
  }

  /** Updates taken so far. */
  get steps(): number {
    return this.#steps;
  }

  /** Trainable numbers in the model. */
  get parameterCount(): number {
    return Object.values(this.experiment.parameters()).reduce((n, p) => n + sizeOf(p.shape), 0);
  }

  /**
   * One optimizer update — `trainStep` of `@recur/train`, the update its Trainer takes: the loss
   * of the next batch, backward (BPTT), global-norm clipping when `clipNorm > 0`, the update. A
   * non-finite loss or gradient (or an update that would make a weight non-finite) skips the
   * update (the loss reports NaN or Infinity, and the page says the run diverged).
   */
  step(): StepReport {
    const start = performance.now();
    const { loss, gradNorm, clipped } = trainStep({
      model: this.#model,
      optimizer: this.#optimizer,
      batch: undefined,
      ...(this.config.clipNorm > 0 ? { clip: { norm: this.config.clipNorm } } : {}),
      context: { step: this.#steps },
    });
    this.#steps++;
    return {
      type: 'step',
      step: this.#steps,
      loss,
      gradientNorm: gradNorm,
      clipped,
      milliseconds: performance.now() - start,
      tensors: memory().numTensors,
    };
  }

  /** ‖∂L/∂a⟨t⟩‖ over the time steps of a fixed held-out batch: one heatmap row. */
  diagnose(): FlowReport {
    const report = tidy(() => this.experiment.gradientFlow());
    return {
      type: 'flow',
      step: this.#steps,
      norms: report.norms,
      ...(report.cell ? { cellNorms: report.cell.norms } : {}),
      verdict: report.verdict,
      ratePerStep: report.ratePerStep,
    };
  }

  /** Generated text or held-out predictions. */
  sample(): SampleReport {
    const { text, metric, plot } = this.experiment.sample(this.#steps);
    return {
      type: 'sample',
      step: this.#steps,
      text,
      ...(metric ? { metric } : {}),
      ...(plot ? { plot } : {}),
    };
  }

  /** Live tensors on every backend (flat across steps when nothing leaks). */
  static liveTensors(): number {
    return memory().numTensors;
  }
}
