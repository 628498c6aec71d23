import {
  concat,
  constant,
  div,
  max,
  mse,
  mul,
  noGrad,
  sigmoidCrossEntropy,
  softmaxCrossEntropy,
  sum,
  type Variable,
  where,
} from '@recur/autograd';
import { type CellKind, RecurrentLayer } from '@recur/cells';
import {
  checkOptions,
  formatShape,
  oneHot,
  RecurError,
  Rng,
  shapesEqual,
  sigmoid,
  softmax,
  sum as sumTensor,
  type Tensor,
  tidy,
} from '@recur/tensor';
import type { TrainingContext } from '@recur/train';
import {
  CELL_KINDS,
  CONFIG_LIMITS,
  cellOptionsField,
  checkBoolean,
  checkCellOptions,
  checkChoice,
  checkModelOptions,
  checkRate,
  checkSeed,
  checkSize,
  type ModelCellOptions,
  orDefault,
} from './config.js';
import { recurrentInit } from './initialization.js';
import { Dense, Embedding } from './layers.js';
import {
  buildParameters,
  checkParameterBudget,
  denseSpecs,
  embeddingSpecs,
  type ModelPlan,
  prefixed,
  recurrentLayerSpecs,
} from './parameter-specs.js';
import { countParameters, summarize } from './summary.js';
import { dropoutDraws, trainingRng } from './training-rng.js';

/** What a classifier reads at each step: feature vectors, or token ids (one-hot or embedded). */
export type ClassifierInput =
  | { kind: 'features'; size: number }
  | { kind: 'onehot'; vocabularySize: number }
  | { kind: 'embedding'; vocabularySize: number; size: number };

/**
 * How the sequence becomes one vector: the final state (`last`: the state after the last real
 * step; both directions' when bidirectional), or the `mean` / `max` of the outputs over the real
 * steps.
 */
export type Readout = 'last' | 'mean' | 'max';

/**
 * The output layer: `softmax` (one class of `outputSize`; cross-entropy), `sigmoid`
 * (`outputSize` independent yes/no labels, e.g. 1 for spam; binary cross-entropy) or `linear`
 * (`outputSize` real values; mean squared error).
 */
export type Head = 'softmax' | 'sigmoid' | 'linear';

/** The configuration of a {@link SequenceClassifier}: plain JSON, saved with the weights. */
export interface SequenceClassifierConfig {
  architecture: 'SequenceClassifier';
  input: ClassifierInput;
  cell: CellKind;
  /** Cell variant (GRU reset-after, hardSigmoid gates): see {@link ModelCellOptions}; absent = defaults. */
  cellOptions?: ModelCellOptions;
  hiddenSize: number;
  numLayers: number;
  bidirectional: boolean;
  dropout: number;
  readout: Readout;
  head: Head;
  /** Classes (softmax), labels (sigmoid) or values (linear). */
  outputSize: number;
  seed: number;
}

/** Options of the {@link SequenceClassifier} constructor: the config with defaults. */
export type SequenceClassifierOptions = Partial<Omit<SequenceClassifierConfig, 'architecture'>> &
  Pick<SequenceClassifierConfig, 'input' | 'hiddenSize' | 'outputSize'>;

/** A batch for {@link SequenceClassifier.loss}. */
export interface ClassifierBatch {
  /** `[B, T]` int32 token ids, or `[B, T, F]` float32 features. */
  inputs: Tensor;
  /** `[B, T]`, 0 at padded steps (sequences of different lengths). */
  mask?: Tensor;
  /** softmax: int32 `[B]` class ids; sigmoid: float32 `[B, K]` 0/1 labels; linear: float32 `[B, K]` targets. */
  labels: Tensor;
}

/**
 * Many-to-one — the article's sentiment classifier: a (stacked, optionally bidirectional)
 * recurrent layer reads the whole sequence, a readout turns it into one vector, and one dense
 * layer predicts a class (softmax), labels (sigmoid) or values (linear, e.g. the adding problem).
 * Variable lengths are padded and masked: padded steps change neither the state nor the pooling.
 *
 * ```ts
 * const clf = new SequenceClassifier({ input: { kind: 'embedding', vocabularySize: 5000, size: 64 },
 *   hiddenSize: 64, outputSize: 2, readout: 'mean' });
 * const { loss } = clf.loss({ inputs: ids, mask, labels });
 * const classes = clf.classify(ids, mask);
 * ```
 */
export class SequenceClassifier {
  readonly config: SequenceClassifierConfig;
  readonly embedding: Embedding | null;
  readonly rnn: RecurrentLayer;
  readonly output: Dense;

  constructor(options: SequenceClassifierOptions) {
    const { config: c, parameters } = SequenceClassifier.describe(options);
    this.config = c;
    const parts = buildParameters(
      'SequenceClassifier',
      parameters,
      (own) => {
        const rng = new Rng(c.seed);
        const embedding =
          c.input.kind === 'embedding'
            ? own(
                new Embedding({
                  vocabularySize: c.input.vocabularySize,
                  embeddingSize: c.input.size,
                  rng,
                }),
              )
            : null;
        const rnn = own(
          new RecurrentLayer({
            cell: c.cell,
            inputSize: classifierInputSize(c.input),
            hiddenSize: c.hiddenSize,
            numLayers: c.numLayers,
            bidirectional: c.bidirectional,
            dropout: c.dropout,
            cellOptions: recurrentInit(c.cell, c.cellOptions),
            rng,
          }),
        );
        const output = own(
          new Dense({
            inputSize: rnn.outputSize,
            outputSize: c.outputSize,
            rng,
            names: ['W_ao', 'b_o'],
          }),
        );
        return { embedding, rnn, output };
      },
      classifierParameters,
    );
    this.embedding = parts.embedding;
    this.rnn = parts.rnn;
    this.output = parts.output;
  }

  /**
   * Checks `options` (unknown names, types, sizes within {@link CONFIG_LIMITS}) and returns the
   * config with defaults and the parameters it implies, allocating nothing.
   */
  static describe(options: SequenceClassifierOptions): ModelPlan<SequenceClassifierConfig> {
    const owner = 'SequenceClassifier';
    checkModelOptions(owner, options, [
      'input',
      'cell',
      'cellOptions',
      'hiddenSize',
      'numLayers',
      'bidirectional',
      'dropout',
      'readout',
      'head',
      'outputSize',
      'seed',
    ]);
    const o = options;
    const cell = checkChoice(owner, 'cell', orDefault(o.cell, 'lstm'), CELL_KINDS);
    const config: SequenceClassifierConfig = {
      architecture: 'SequenceClassifier',
      input: checkClassifierInput(owner, o.input),
      cell,
      ...cellOptionsField(checkCellOptions(owner, cell, o.cellOptions)),
      hiddenSize: checkSize(owner, 'hiddenSize', o.hiddenSize),
      numLayers: checkSize(owner, 'numLayers', orDefault(o.numLayers, 1), CONFIG_LIMITS.numLayers),
      bidirectional: checkBoolean(owner, 'bidirectional', orDefault(o.bidirectional, false)),
      dropout: checkRate(owner, 'dropout', orDefault(o.dropout, 0)),
      readout: checkChoice(owner, 'readout', orDefault(o.readout, 'last'), ['last', 'mean', 'max']),
      head: checkChoice(owner, 'head', orDefault(o.head, 'softmax'), [
        'softmax',
        'sigmoid',
        'linear',
      ]),
      outputSize: checkSize(owner, 'outputSize', o.outputSize),
      seed: checkSeed(owner, 'seed', orDefault(o.seed, 0)),
    };
    const { input, hiddenSize, numLayers, bidirectional, outputSize } = config;
    const parameters = [
      ...(input.kind === 'embedding'
        ? embeddingSpecs('embedding', input.vocabularySize, input.size)
        : []),
      ...prefixed(
        'rnn.',
        recurrentLayerSpecs({
          cell,
          cellOptions: config.cellOptions,
          inputSize: classifierInputSize(input),
          hiddenSize,
          numLayers,
          bidirectional,
        }),
      ),
      ...denseSpecs(bidirectional ? 2 * hiddenSize : hiddenSize, outputSize, ['W_ao', 'b_o']),
    ];
    checkParameterBudget(owner, parameters);
    return { config, parameters };
  }

  /** Every parameter: `embedding`, `rnn.layer0.forward.W_x`, …, `W_ao`, `b_o`. */
  parameters(): Record<string, Variable> {
    return classifierParameters(this);
  }

  /** Layers, output shapes and parameter counts as a table, like Keras's `model.summary()`. */
  summary(): string {
    return summarize(this);
  }

  /** How many numbers the parameters hold, all together. */
  get parameterCount(): number {
    return countParameters(this.parameters());
  }

  /**
   * The head's inputs: logits (softmax, sigmoid) or values (linear), `[B, outputSize]`. With
   * `training` and dropout (2+ layers), the masks are drawn from `rng`, which is then required.
   *
   * Every sequence needs at least one real step: a mask row of only padding is refused
   * (`ARGUMENT`, naming the row) whatever the readout. There is nothing in such a row to
   * classify — `mean` would divide by a length of 0 (NaN), `max` would read the padding's
   * −1e9, `last` the initial state — and a defined-but-meaningless value would hide the data
   * bug (an empty sequence, a mask built from the wrong lengths) that produced the row.
   */
  forward(inputs: Tensor, mask?: Tensor, training = false, rng?: Rng): Variable {
    const maskRng = training
      ? trainingRng('SequenceClassifier', rng, dropoutDraws(this.config))
      : undefined;
    const x = this.#embed(inputs);
    if (mask) checkRowsHaveSteps(mask);
    const { outputs, states } = this.rnn.forward(x, {
      ...(mask ? { mask } : {}),
      training,
      ...(maskRng ? { rng: maskRng } : {}),
    });
    return this.output.apply(this.#readout(outputs, states[states.length - 1]!, mask));
  }

  /**
   * Cross-entropy (softmax, sigmoid) or mean squared error (linear) over the batch — the
   * `@recur/train` model interface. Training (the default) with dropout draws its masks from
   * `context.rng`, which is then required.
   */
  loss(
    batch: ClassifierBatch,
    _state?: unknown,
    context?: Partial<Pick<TrainingContext, 'training' | 'rng'>>,
  ): { loss: Variable } {
    const out = this.forward(batch.inputs, batch.mask, context?.training ?? true, context?.rng);
    const { head, outputSize } = this.config;
    const labels = batch.labels;
    if (head === 'softmax') {
      if (labels.dtype !== 'int32' || labels.rank !== 1 || labels.shape[0] !== out.shape[0]) {
        throw new RecurError(
          'SHAPE',
          `SequenceClassifier.loss: a softmax head needs int32 labels [batch] for the outputs ${formatShape(out.shape)}, got ${labels.dtype} ${formatShape(labels.shape)}`,
        );
      }
      return { loss: softmaxCrossEntropy(out, labels) };
    }
    // One value per sequence may come as [B] when outputSize is 1; anything else must match
    // the outputs [B, outputSize] exactly (the loss ops would broadcast [B, 1] against
    // [B, 1, 1] to [B, B, 1] without a word).
    const target =
      labels.rank === 1 && outputSize === 1 ? labels.reshape([labels.shape[0]!, 1]) : labels;
    if (target.dtype !== 'float32' || !shapesEqual(target.shape, out.shape)) {
      throw new RecurError(
        'SHAPE',
        `SequenceClassifier.loss: a ${head} head needs float32 labels [batch, ${outputSize}] matching the outputs ${formatShape(out.shape)}${outputSize === 1 ? ` (or [batch])` : ''}, got ${labels.dtype} ${formatShape(labels.shape)}`,
      );
    }
    return { loss: head === 'sigmoid' ? sigmoidCrossEntropy(out, target) : mse(out, target) };
  }

  /** Probabilities (softmax, sigmoid) or values (linear), row-major `[B, outputSize]`. */
  predict(inputs: Tensor, mask?: Tensor): Float32Array {
    return noGrad(() =>
      tidy(() => {
        const out = this.forward(inputs, mask).value;
        const head = this.config.head;
        const y = head === 'softmax' ? softmax(out, -1) : head === 'sigmoid' ? sigmoid(out) : out;
        return y.data() as Float32Array;
      }),
    );
  }

  /** The predicted class per sequence: argmax (softmax), or probability > 0.5 of a single sigmoid output. */
  classify(inputs: Tensor, mask?: Tensor): Int32Array {
    const { head, outputSize: K } = this.config;
    if (head === 'linear')
      throw new RecurError(
        'ARGUMENT',
        'SequenceClassifier.classify: a linear head predicts values; use predict',
      );
    if (head === 'sigmoid' && K !== 1) {
      throw new RecurError(
        'ARGUMENT',
        `SequenceClassifier.classify: a sigmoid head with ${K} labels is multi-label; use predict`,
      );
    }
    const p = this.predict(inputs, mask);
    const B = p.length / K;
    const out = new Int32Array(B);
    for (let b = 0; b < B; b++) {
      if (head === 'sigmoid') {
        out[b] = p[b]! > 0.5 ? 1 : 0;
        continue;
      }
      let best = 0;
      for (let k = 1; k < K; k++) if (p[b * K + k]! > p[b * K + best]!) best = k;
      out[b] = best;
    }
    return out;
  }

  #embed(inputs: Tensor): Variable | Tensor {
    const input = this.config.input;
    if (input.kind === 'features') {
      if (inputs.dtype !== 'float32' || inputs.rank !== 3 || inputs.shape[2] !== input.size) {
        throw new RecurError(
          'SHAPE',
          `SequenceClassifier: inputs must be float32 [batch, steps, ${input.size}], got ${inputs.dtype} ${formatShape(inputs.shape)}`,
        );
      }
      return inputs;
    }
    if (inputs.dtype !== 'int32' || inputs.rank !== 2) {
      throw new RecurError(
        'SHAPE',
        `SequenceClassifier: inputs must be int32 token ids [batch, steps], got ${inputs.dtype} ${formatShape(inputs.shape)}`,
      );
    }
    return this.embedding
      ? this.embedding.apply(inputs)
      : constant(oneHot(inputs, input.vocabularySize));
  }

  #readout(
    outputs: Variable,
    last: { forward: { a: Variable }; backward?: { a: Variable } },
    mask?: Tensor,
  ): Variable {
    const readout = this.config.readout;
    if (readout === 'last') {
      // The fused kernels copy the state through padded steps, so the final state is the state
      // after each sequence's last real step (and, backwards, after its first).
      return last.backward ? concat([last.forward.a, last.backward.a], 1) : last.forward.a;
    }
    const [B, T] = outputs.shape as [number, number];
    if (readout === 'mean') {
      if (!mask) return div(sum(outputs, { axis: 1 }), T);
      const m = mask.reshape([B, T, 1]);
      const lengths = sumTensor(m, { axis: 1 }); // [B, 1]
      return div(sum(mul(outputs, m), { axis: 1 }), lengths);
    }
    return max(mask ? where(mask.reshape([B, T, 1]), outputs, -1e9) : outputs, { axis: 1 });
  }
}

/** Refuses a mask row without a single real step (see {@link SequenceClassifier.forward}). */
function checkRowsHaveSteps(mask: Tensor): void {
  if (mask.rank !== 2) return; // the recurrent layer names a mask of the wrong shape
  const [B, T] = mask.shape as [number, number];
  const m = mask.data();
  for (let b = 0; b < B; b++) {
    let real = false;
    for (let t = 0; t < T && !real; t++) real = m[b * T + t] !== 0;
    if (!real) {
      throw new RecurError(
        'ARGUMENT',
        `SequenceClassifier.forward: mask row ${b} has no real step (all ${T} steps are padding); every sequence needs at least one step to classify`,
      );
    }
  }
}

/** Width of each step's input: the feature size, or the vocabulary (one-hot), or the embedding. */
function classifierInputSize(input: ClassifierInput): number {
  return input.kind === 'onehot' ? input.vocabularySize : input.size;
}

function classifierParameters(parts: {
  embedding: Embedding | null;
  rnn: RecurrentLayer;
  output: Dense;
}): Record<string, Variable> {
  const out: Record<string, Variable> = {};
  if (parts.embedding) out.embedding = parts.embedding.table;
  for (const [name, p] of Object.entries(parts.rnn.parameters())) out[`rnn.${name}`] = p;
  return Object.assign(out, parts.output.parameters());
}

function checkClassifierInput(owner: string, value: unknown): ClassifierInput {
  const where = `${owner}.input`;
  checkOptions(where, value, ['kind', 'size', 'vocabularySize']);
  const { kind, size, vocabularySize } = value as Record<string, unknown>;
  switch (checkChoice(where, 'kind', kind, ['features', 'onehot', 'embedding'])) {
    case 'features':
      checkOptions(where, value, ['kind', 'size']);
      return { kind: 'features', size: checkSize(where, 'size', size) };
    case 'onehot':
      checkOptions(where, value, ['kind', 'vocabularySize']);
      return { kind: 'onehot', vocabularySize: checkSize(where, 'vocabularySize', vocabularySize) };
    default:
      return {
        kind: 'embedding',
        vocabularySize: checkSize(where, 'vocabularySize', vocabularySize),
        size: checkSize(where, 'size', size),
      };
  }
}

/** The fraction of `predicted` equal to `labels` (class ids). */
export function accuracy(predicted: ArrayLike<number>, labels: ArrayLike<number>): number {
  if (predicted.length !== labels.length || predicted.length === 0) {
    throw new RecurError(
      'SHAPE',
      `accuracy: predicted has ${predicted.length} entries and labels ${labels.length}; expected the same non-zero count`,
    );
  }
  let right = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) right++;
  return right / labels.length;
}

/**
 * Counts `matrix[true][predicted]` over `numClasses` classes: row = the true class, column = the
 * prediction, so the diagonal holds the correct ones.
 */
export function confusionMatrix(
  predicted: ArrayLike<number>,
  labels: ArrayLike<number>,
  numClasses: number,
): number[][] {
  if (predicted.length !== labels.length) {
    throw new RecurError(
      'SHAPE',
      `confusionMatrix: predicted has ${predicted.length} entries and labels ${labels.length}`,
    );
  }
  const matrix = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < labels.length; i++) {
    const t = labels[i]!;
    const p = predicted[i]!;
    if (
      !Number.isInteger(t) ||
      !Number.isInteger(p) ||
      t < 0 ||
      p < 0 ||
      t >= numClasses ||
      p >= numClasses
    ) {
      throw new RecurError(
        'RANGE',
        `confusionMatrix: entry ${i} has label ${t} and prediction ${p}; expected classes in [0, ${numClasses})`,
      );
    }
    matrix[t]![p]! += 1;
  }
  return matrix;
}
