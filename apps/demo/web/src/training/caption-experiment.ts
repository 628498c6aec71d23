import { Captioner } from '@recur/architectures';
import { noGrad, softmaxCrossEntropy, type Variable } from '@recur/autograd';
import type { CellState } from '@recur/cells';
import type { GradientFlowReport } from '@recur/clipping';
import { CharTokenizer, padSequences, SeededRng } from '@recur/datasets';
import { tensor, tidy } from '@recur/tensor';
import type { RunConfig } from '../protocol.js';
import { type Baseline, randomRows } from './data.js';
import type { Experiment } from './experiment.js';
import { FLOW_BATCH, firstCell, scaleRecurrentWeights } from './experiment-support.js';
import { stepwiseGradientFlow } from './stepwise-flow.js';

/** Digits per caption, and the size of each digit's slot in an "image". */
const SLOTS = 3;
const SLOT_SIZE = 16;
const TRAIN = 4096;
const HELD_OUT = 256;

/**
 * Synthetic "images" with a known caption: a number of 1–3 digits; slot k of the feature
 * vector holds digit k's fixed random pattern plus noise (an empty slot holds noise only), so
 * the caption — the digits, in order — is in the image but not readable without learning it.
 */
export class DigitImages {
  readonly featureSize = SLOTS * SLOT_SIZE;
  readonly images: Float32Array;
  readonly captions: string[];
  readonly #patterns: Float32Array[];

  constructor(count: number, seed: number) {
    const rng = new SeededRng(seed);
    const normal = () => {
      // Box–Muller from the seeded uniform generator.
      const u = Math.max(rng.next(), 1e-12);
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
    };
    this.#patterns = Array.from({ length: 10 }, () =>
      Float32Array.from({ length: SLOT_SIZE }, normal),
    );
    this.images = new Float32Array(count * this.featureSize);
    this.captions = [];
    for (let i = 0; i < count; i++) {
      const length = 1 + Math.floor(rng.next() * SLOTS);
      let caption = '';
      for (let k = 0; k < SLOTS; k++) {
        const at = i * this.featureSize + k * SLOT_SIZE;
        const digit = k < length ? Math.floor(rng.next() * 10) : -1;
        if (digit >= 0) caption += String(digit);
        for (let j = 0; j < SLOT_SIZE; j++) {
          this.images[at + j] = (digit >= 0 ? this.#patterns[digit]![j]! : 0) + 0.3 * normal();
        }
      }
      this.captions.push(caption);
    }
  }

  /** Images `rows` as `[rows.length, featureSize]` values. */
  imagesOf(rows: readonly number[]): Float32Array {
    const out = new Float32Array(rows.length * this.featureSize);
    rows.forEach((r, i) => {
      out.set(
        this.images.subarray(r * this.featureSize, (r + 1) * this.featureSize),
        i * this.featureSize,
      );
    });
    return out;
  }
}

/**
 * One-to-many — the article's captioner: one vector in (an "image" through a small MLP encoder,
 * its code the decoder's initial state), a sequence of digits out, each prediction fed back as
 * the next input until the stop token. The sample is greedy captions of held-out images, the
 * metric their exact-match accuracy; the heatmap is ‖∂L/∂a⟨t⟩‖ over the decoder's steps for the
 * loss of its last step.
 */
export class CaptionExperiment implements Experiment {
  readonly description: string;
  readonly baselines: Baseline[];
  readonly #config: RunConfig;
  readonly #model: Captioner;
  readonly #tokenizer: CharTokenizer;
  /** Rows [0, TRAIN) train, the rest are held out. */
  readonly #images: DigitImages;
  readonly #rng: SeededRng;

  constructor(config: RunConfig) {
    this.#config = config;
    this.#images = new DigitImages(TRAIN + HELD_OUT, config.seed + 10);
    this.#tokenizer = CharTokenizer.fromText('0123456789', {
      vocabulary: { specials: { unk: false } },
    });
    const vocabulary = this.#tokenizer.vocabulary;
    this.#model = new Captioner({
      featureSize: this.#images.featureSize,
      encoderSizes: [64],
      vocabularySize: vocabulary.size,
      input: { kind: 'onehot' },
      hiddenSize: config.hiddenSize,
      cell: config.cell,
      injection: 'state',
      startToken: vocabulary.bosId,
      stopToken: vocabulary.eosId,
      seed: config.seed,
    });
    scaleRecurrentWeights(this.#model.parameters(), config.cell, config.recurrentGain);
    this.#rng = new SeededRng(config.seed + 1);
    this.description = `Captions for synthetic “images”: a number of 1–${SLOTS} digits, each digit a fixed random pattern in its slot plus noise; the image's code starts the decoder, which writes the digits and stops. Loss in nats per caption symbol (digits and stop).`;
    this.baselines = [
      { name: `uniform (ln ${vocabulary.size})`, value: Math.log(vocabulary.size) },
    ];
  }

  parameters(): Record<string, Variable> {
    return this.#model.parameters();
  }

  #batch(rows: readonly number[]) {
    const set = this.#images;
    const { bosId, eosId } = this.#tokenizer.vocabulary;
    const captions = rows.map((r) => Array.from(this.#tokenizer.encode(set.captions[r]!)));
    const inputs = padSequences(
      captions.map((c) => [bosId, ...c]),
      { padId: 0 },
    );
    const targets = padSequences(
      captions.map((c) => [...c, eosId]),
      { padId: 0 },
    );
    return {
      images: tensor(set.imagesOf(rows), [rows.length, set.featureSize]),
      decoderInput: tensor(inputs.ids, inputs.shape, 'int32'),
      decoderTarget: tensor(targets.ids, targets.shape, 'int32'),
      targetMask: tensor(targets.mask, targets.shape),
    };
  }

  trainingLoss(): Variable {
    const rows = randomRows(TRAIN, this.#config.batchSize, this.#rng);
    return this.#model.loss(this.#batch(rows)).loss;
  }

  #heldOutRows(count: number): number[] {
    return Array.from({ length: count }, (_, i) => TRAIN + i);
  }

  gradientFlow(): GradientFlowReport {
    const rows = this.#heldOutRows(FLOW_BATCH);
    const batch = this.#batch(rows);
    const decoder = this.#model.decoder;
    const x = decoder.embed(batch.decoderInput);
    const [B, T] = batch.decoderTarget.shape as [number, number];
    const start = this.#model.encode(batch.images).state!;
    const targets = batch.decoderTarget.data();
    const mask = batch.targetMask.data();
    // The loss of each caption's last real step (its stop token).
    const lastTargets = Int32Array.from({ length: B }, (_, b) => {
      let t = T - 1;
      while (t > 0 && mask[b * T + t] === 0) t--;
      return targets[b * T + t]!;
    });
    return stepwiseGradientFlow(
      firstCell(decoder.rnn),
      x,
      batch.targetMask,
      (last) => softmaxCrossEntropy(decoder.output.apply(last), tensor(lastTargets, [B], 'int32')),
      start[0]!.forward as CellState,
    );
  }

  sample(): { text: string; metric: { name: string; value: number } } {
    const rows = this.#heldOutRows(HELD_OUT);
    const captions = noGrad(() =>
      tidy(() => {
        const images = tensor(this.#images.imagesOf(rows), [rows.length, this.#images.featureSize]);
        return this.#model.caption(images, { maxLength: SLOTS + 1 });
      }),
    ).map((ids) => this.#tokenizer.decode(ids));
    let exact = 0;
    captions.forEach((c, i) => {
      if (c === this.#images.captions[rows[i]!]) exact++;
    });
    const lines = rows.slice(0, 4).map((r, i) => {
      const expected = this.#images.captions[r]!;
      return `image of “${expected}” → “${captions[i]}” ${captions[i] === expected ? '✓' : '✗'}`;
    });
    return {
      text: lines.join('\n'),
      metric: { name: 'held-out exact match', value: exact / captions.length },
    };
  }
}
