/**
 * A model and its data, behind the five things the training loop needs: parameters, the loss of
 * the next batch, ‖∂L/∂a⟨t⟩‖ on a fixed batch, and a sample or evaluation.
 */

import { LanguageModel, SequenceClassifier } from '@recur/architectures';
import { mse, noGrad, softmaxCrossEntropy, type Variable } from '@recur/autograd';
import type { GradientFlowReport } from '@recur/clipping';
import { SeededRng } from '@recur/datasets';
import { oneHot, RecurError, type Tensor, tensor, tidy } from '@recur/tensor';
import type { RunConfig } from '../protocol.js';
import { CaptionExperiment } from './caption-experiment.js';
import {
  addingSet,
  type Baseline,
  type CharCorpus,
  mobyDickCorpus,
  randomRows,
  randomWindows,
  reberCorpus,
  type SequenceBatch,
  type SequenceSet,
  TEMPORAL_ORDER_CLASSES,
  type TokenWindows,
  temporalOrderSet,
} from './data.js';
import { FLOW_BATCH, firstCell, scaleRecurrentWeights } from './experiment-support.js';
import { stepwiseGradientFlow } from './stepwise-flow.js';
import { TranslationExperiment } from './translation-experiment.js';

/** What the training loop drives. */
export interface Experiment {
  /** One line for the page. */
  readonly description: string;
  /** Reference losses (same unit as the training loss). */
  readonly baselines: Baseline[];
  /** Every trainable parameter by name. */
  parameters(): Record<string, Variable>;
  /** The loss of the next training batch (call inside `tidy`). */
  trainingLoss(): Variable;
  /** ‖∂L/∂a⟨t⟩‖ for t = 1..T on a fixed held-out batch, loss at t = T (call inside `tidy`). */
  gradientFlow(): GradientFlowReport;
  /** Generated text or predictions on held-out data, with a held-out metric. */
  sample(step: number): { text: string; metric?: { name: string; value: number } };
}

/** Where the data comes from: the page passes the embedded Moby Dick excerpt in. */
export interface ExperimentSources {
  mobyDick?: () => string;
}

/** Builds the experiment a {@link RunConfig} describes. */
export function createExperiment(config: RunConfig, sources: ExperimentSources = {}): Experiment {
  if (config.architecture === 'lm') {
    if (config.dataset === 'moby-dick') {
      const text = sources.mobyDick?.();
      if (!text)
        throw new RecurError('ARGUMENT', 'createExperiment: the moby-dick dataset needs its text');
      return new LanguageModelExperiment(config, mobyDickCorpus(text));
    }
    if (config.dataset === 'reber')
      return new LanguageModelExperiment(config, reberCorpus(config.seed));
  } else if (config.architecture === 'classify') {
    if (config.dataset === 'temporal-order' || config.dataset === 'adding') {
      return new ClassifierExperiment(config);
    }
  } else if (config.architecture === 'seq2seq') {
    if (config.dataset === 'dates') return new TranslationExperiment(config);
  } else if (config.architecture === 'caption') {
    if (config.dataset === 'digit-images') return new CaptionExperiment(config);
  }
  throw new RecurError(
    'ARGUMENT',
    `createExperiment: architecture '${config.architecture}' cannot train on dataset '${config.dataset}' (lm: moby-dick, reber; classify: temporal-order, adding; seq2seq: dates; caption: digit-images)`,
  );
}

/** Next-character prediction with a {@link LanguageModel} (one-hot input, one layer). */
class LanguageModelExperiment implements Experiment {
  readonly description: string;
  readonly baselines: Baseline[];
  readonly #config: RunConfig;
  readonly #corpus: CharCorpus;
  readonly #model: LanguageModel;
  readonly #rng: SeededRng;
  readonly #flowBatch: TokenWindows;
  readonly #validationBatch: TokenWindows;

  constructor(config: RunConfig, corpus: CharCorpus) {
    this.#config = config;
    this.#corpus = corpus;
    this.description = corpus.description;
    this.baselines = corpus.baselines;
    this.#model = new LanguageModel({
      vocabularySize: corpus.tokenizer.vocabulary.size,
      hiddenSize: config.hiddenSize,
      cell: config.cell,
      input: { kind: 'onehot' },
      seed: config.seed,
    });
    scaleRecurrentWeights(this.#model.parameters(), config.cell, config.recurrentGain);
    this.#rng = new SeededRng(config.seed + 1);
    const heldOut = new SeededRng(config.seed + 2);
    this.#flowBatch = randomWindows(corpus.validation, FLOW_BATCH, config.sequenceLength, heldOut);
    this.#validationBatch = randomWindows(corpus.validation, 32, config.sequenceLength, heldOut);
  }

  parameters(): Record<string, Variable> {
    return this.#model.parameters();
  }

  trainingLoss(): Variable {
    const { batchSize, sequenceLength } = this.#config;
    const w = randomWindows(this.#corpus.train, batchSize, sequenceLength, this.#rng);
    return this.#model.loss({
      inputs: tensor(w.inputs, w.shape, 'int32'),
      targets: tensor(w.targets, w.shape, 'int32'),
    }).loss;
  }

  gradientFlow(): GradientFlowReport {
    const { inputs, targets, shape } = this.#flowBatch;
    const [B, T] = shape;
    const decoder = this.#model.decoder;
    const x = decoder.embed(tensor(inputs, shape, 'int32'));
    const lastTargets = Int32Array.from({ length: B }, (_, b) => targets[b * T + T - 1]!);
    return stepwiseGradientFlow(firstCell(decoder.rnn), x, undefined, (last) =>
      softmaxCrossEntropy(decoder.output.apply(last), tensor(lastTargets, [B], 'int32')),
    );
  }

  sample(step: number): { text: string; metric: { name: string; value: number } } {
    const { tokenizer, prompt } = this.#corpus;
    const ids = this.#model.generate({
      prompt: Array.from(tokenizer.encode(prompt)),
      maxTokens: 120,
      strategy: { kind: 'sample', temperature: 0.8 },
      seed: step,
    });
    const { inputs, targets, shape } = this.#validationBatch;
    const validation = noGrad(() =>
      tidy(() =>
        this.#model
          .loss(
            { inputs: tensor(inputs, shape, 'int32'), targets: tensor(targets, shape, 'int32') },
            undefined,
            { training: false },
          )
          .loss.item(),
      ),
    );
    return {
      text: prompt + tokenizer.decode(ids),
      metric: { name: 'validation loss', value: validation },
    };
  }
}

/** Many-to-one: a {@link SequenceClassifier} reading the final state. */
class ClassifierExperiment implements Experiment {
  readonly description: string;
  readonly baselines: Baseline[];
  readonly #config: RunConfig;
  readonly #model: SequenceClassifier;
  readonly #train: SequenceSet;
  readonly #test: SequenceSet;
  readonly #rng: SeededRng;
  readonly #adding: boolean;

  constructor(config: RunConfig) {
    this.#config = config;
    this.#adding = config.dataset === 'adding';
    const T = config.sequenceLength;
    if (this.#adding) {
      this.#train = addingSet(4096, T, config.seed + 10);
      this.#test = addingSet(256, T, config.seed + 11);
      this.description = `The adding problem (Le et al. 2015), T = ${T}: output the sum of the two marked values; loss = mean squared error.`;
      this.baselines = [{ name: 'predict 1 (MSE 1/6)', value: 1 / 6 }];
      this.#model = new SequenceClassifier({
        input: { kind: 'features', size: 2 },
        cell: config.cell,
        hiddenSize: config.hiddenSize,
        outputSize: 1,
        head: 'linear',
        seed: config.seed,
      });
    } else {
      this.#train = temporalOrderSet(4096, Math.max(10, T), config.seed + 10);
      this.#test = temporalOrderSet(256, Math.max(10, T), config.seed + 11);
      this.description = `Temporal order (Hochreiter & Schmidhuber 1997, exp. 6a), length ${Math.max(10, T)}–${Math.floor(Math.max(10, T) * 1.1)}: the order of X and Y among noise; 4 classes.`;
      this.baselines = [{ name: 'chance (ln 4)', value: Math.log(4) }];
      this.#model = new SequenceClassifier({
        input: { kind: 'onehot', vocabularySize: 8 },
        cell: config.cell,
        hiddenSize: config.hiddenSize,
        outputSize: 4,
        head: 'softmax',
        seed: config.seed,
      });
    }
    scaleRecurrentWeights(this.#model.parameters(), config.cell, config.recurrentGain);
    this.#rng = new SeededRng(config.seed + 1);
  }

  parameters(): Record<string, Variable> {
    return this.#model.parameters();
  }

  #tensors(batch: SequenceBatch): { inputs: Tensor; mask?: Tensor; labels: Tensor } {
    const ids = batch.inputs instanceof Int32Array;
    return {
      inputs: tensor(batch.inputs, batch.inputShape, ids ? 'int32' : 'float32'),
      ...(batch.mask ? { mask: tensor(batch.mask, batch.inputShape.slice(0, 2)) } : {}),
      labels: tensor(
        batch.labels,
        batch.labelShape,
        batch.labels instanceof Int32Array ? 'int32' : 'float32',
      ),
    };
  }

  trainingLoss(): Variable {
    const rows = randomRows(this.#train.count, this.#config.batchSize, this.#rng);
    return this.#model.loss(this.#tensors(this.#train.batch(rows))).loss;
  }

  gradientFlow(): GradientFlowReport {
    const rows = Array.from({ length: FLOW_BATCH }, (_, i) => i);
    const { inputs, mask, labels } = this.#tensors(this.#test.batch(rows));
    const x = this.#adding ? inputs : oneHot(inputs, 8);
    return stepwiseGradientFlow(firstCell(this.#model.rnn), x, mask, (last) => {
      const out = this.#model.output.apply(last);
      return this.#adding ? mse(out, labels) : softmaxCrossEntropy(out, labels);
    });
  }

  sample(): { text: string; metric: { name: string; value: number } } {
    const count = 128;
    const shown = 4;
    const batch = this.#test.batch(Array.from({ length: count }, (_, i) => i));
    return tidy(() => {
      const { inputs, mask } = this.#tensors(batch);
      const lines: string[] = [];
      if (this.#adding) {
        const predicted = this.#model.predict(inputs);
        let squared = 0;
        predicted.forEach((p, i) => {
          squared += (p - batch.labels[i]!) ** 2;
        });
        for (let i = 0; i < shown; i++) {
          lines.push(`${this.#test.describe(i)}; predicted ${predicted[i]!.toFixed(2)}`);
        }
        return { text: lines.join('\n'), metric: { name: 'test MSE', value: squared / count } };
      }
      const classes = this.#model.classify(inputs, mask);
      let correct = 0;
      classes.forEach((c, i) => {
        if (c === batch.labels[i]) correct++;
      });
      for (let i = 0; i < shown; i++) {
        lines.push(`${this.#test.describe(i)}; predicted ${TEMPORAL_ORDER_CLASSES[classes[i]!]}`);
      }
      return { text: lines.join('\n'), metric: { name: 'test accuracy', value: correct / count } };
    });
  }
}
