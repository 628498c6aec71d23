import { clipGradNorm, gradientNorms } from '@recur/clipping';
import { memory, RecurError, sizeOf, tidy } from '@recur/tensor';
import { Adam, type Optimizer, RMSProp, SGD } from '@recur/train';
import type { FlowReport, RunConfig, SampleReport, StepReport } from '../protocol.js';
import { createExperiment, type Experiment, type ExperimentSources } from './experiment.js';

function makeOptimizer(config: RunConfig, experiment: Experiment): Optimizer {
  const params = experiment.parameters();
  const lr = config.learningRate;
  switch (config.optimizer) {
    case 'adam':
      return new Adam(params, { lr });
    case 'sgd':
      return new SGD(params, { lr });
    case 'rmsprop':
      return new RMSProp(params, { lr });
    default:
      throw new RecurError(
        'ARGUMENT',
        `TrainingSession: optimizer must be adam, sgd or rmsprop, got '${String(config.optimizer)}'`,
      );
  }
}

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
  #steps = 0;

  constructor(config: RunConfig, sources: ExperimentSources = {}) {
    this.config = config;
    this.experiment = createExperiment(config, sources);
    this.#optimizer = makeOptimizer(config, this.experiment);
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
   * One optimizer update: the loss of the next batch, backward (BPTT), global-norm clipping when
   * `clipNorm > 0`, the update. A non-finite gradient skips the update (the loss reports NaN or
   * Infinity, and the page says the run diverged).
   */
  step(): StepReport {
    const start = performance.now();
    const params = this.experiment.parameters();
    const { loss, gradientNorm, clipped } = tidy(() => {
      this.#optimizer.zeroGrad();
      const lossVariable = this.experiment.trainingLoss();
      lossVariable.backward();
      const value = lossVariable.item();
      let norm: number;
      let wasClipped = false;
      let finite: boolean;
      if (this.config.clipNorm > 0) {
        const result = clipGradNorm(params, this.config.clipNorm);
        norm = result.totalNorm;
        wasClipped = result.clipped;
        finite = result.finite;
      } else {
        norm = gradientNorms(params).totalNorm;
        finite = Number.isFinite(norm);
      }
      if (finite && Number.isFinite(value)) this.#optimizer.step();
      return { loss: value, gradientNorm: norm, clipped: wasClipped };
    });
    this.#steps++;
    return {
      type: 'step',
      step: this.#steps,
      loss,
      gradientNorm,
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
    const { text, metric } = this.experiment.sample(this.#steps);
    return { type: 'sample', step: this.#steps, text, ...(metric ? { metric } : {}) };
  }

  /** Live tensors on every backend (flat across steps when nothing leaks). */
  static liveTensors(): number {
    return memory().numTensors;
  }
}
