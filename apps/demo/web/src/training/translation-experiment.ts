import { Seq2Seq, seq2seqTensors } from '@recur/architectures';
import { noGrad, softmaxCrossEntropy, type Variable } from '@recur/autograd';
import type { CellState } from '@recur/cells';
import type { GradientFlowReport } from '@recur/clipping';
import { CharTokenizer, dateTranslation, SeededRng, seq2seqBatch } from '@recur/datasets';
import { oneHot, tidy } from '@recur/tensor';
import type { RunConfig } from '../protocol.js';
import type { Baseline } from './data.js';
import { randomRows } from './data.js';
import type { Experiment } from './experiment.js';
import { FLOW_BATCH, firstCell, scaleRecurrentWeights } from './experiment-support.js';
import { stepwiseGradientFlow } from './stepwise-flow.js';

/** A source → target character pair. */
interface TextPair {
  source: string;
  target: string;
}

/** Pairs the sample and the accuracy are measured on. */
const HELD_OUT = 256;

/**
 * Many-to-many of different lengths — the article's encoder–decoder: dates written eight ways
 * ("25 November 2026", "11/25/26", …) to ISO 8601 ("2026-11-25"). The encoder's final state
 * starts the decoder (no attention), trained with teacher forcing; the sample is greedy
 * translations of held-out dates, the metric their exact-match accuracy. The heatmap is
 * ‖∂L/∂a⟨t⟩‖ over the encoder's steps for the decoder's loss: how far back into the source the
 * gradient reaches.
 */
export class TranslationExperiment implements Experiment {
  readonly description: string;
  readonly baselines: Baseline[];
  readonly #config: RunConfig;
  readonly #model: Seq2Seq;
  readonly #source: CharTokenizer;
  readonly #target: CharTokenizer;
  readonly #train: TextPair[];
  readonly #heldOut: TextPair[];
  readonly #rng: SeededRng;

  constructor(config: RunConfig) {
    this.#config = config;
    const pairs = dateTranslation({ count: 4096 + HELD_OUT, seed: config.seed + 10 });
    this.#train = pairs.slice(HELD_OUT);
    this.#heldOut = pairs.slice(0, HELD_OUT);
    this.#source = CharTokenizer.fromText(
      pairs.map((p) => p.source),
      { vocabulary: { specials: { bos: false, eos: false } } },
    );
    this.#target = CharTokenizer.fromText(
      pairs.map((p) => p.target),
      { vocabulary: { specials: { unk: false } } },
    );
    const targetVocabulary = this.#target.vocabulary;
    this.#model = new Seq2Seq({
      sourceVocabularySize: this.#source.vocabulary.size,
      targetVocabularySize: targetVocabulary.size,
      sourceInput: { kind: 'onehot' },
      targetInput: { kind: 'onehot' },
      cell: config.cell,
      hiddenSize: config.hiddenSize,
      attention: null,
      startToken: targetVocabulary.bosId,
      stopToken: targetVocabulary.eosId,
      seed: config.seed,
    });
    scaleRecurrentWeights(this.#model.parameters(), config.cell, config.recurrentGain);
    this.#rng = new SeededRng(config.seed + 1);
    this.description = `Dates to ISO 8601 (“${pairs[0]!.source}” → “${pairs[0]!.target}”): an encoder–decoder whose encoder's final state starts the decoder; ${this.#train.length} training pairs, ${HELD_OUT} held out. Loss in nats per target character.`;
    this.baselines = [
      { name: `uniform (ln ${targetVocabulary.size})`, value: Math.log(targetVocabulary.size) },
    ];
  }

  parameters(): Record<string, Variable> {
    return this.#model.parameters();
  }

  #batch(pairs: readonly TextPair[]) {
    const vocabulary = this.#target.vocabulary;
    const b = seq2seqBatch(
      pairs.map((p) => ({
        source: this.#source.encode(p.source),
        target: this.#target.encode(p.target),
      })),
      { padId: 0, bosId: vocabulary.bosId, eosId: vocabulary.eosId },
    );
    return seq2seqTensors(b);
  }

  trainingLoss(): Variable {
    const rows = randomRows(this.#train.length, this.#config.batchSize, this.#rng);
    return this.#model.loss(this.#batch(rows.map((r) => this.#train[r]!))).loss;
  }

  gradientFlow(): GradientFlowReport {
    const batch = this.#batch(this.#heldOut.slice(0, FLOW_BATCH));
    const x = oneHot(batch.source, this.#source.vocabulary.size);
    const decoder = this.#model.decoder;
    return stepwiseGradientFlow(
      firstCell(this.#model.encoder),
      x,
      batch.sourceMask,
      (_last, state: CellState) => {
        const logits = decoder.run(decoder.embed(batch.decoderInput), {
          initialState: [{ forward: state }],
        }).logits;
        return softmaxCrossEntropy(logits, batch.decoderTarget, { mask: batch.targetMask });
      },
    );
  }

  sample(): { text: string; metric: { name: string; value: number } } {
    const sources = this.#heldOut.map((p) => Array.from(this.#source.encode(p.source)));
    const maxLength = Math.max(...this.#heldOut.map((p) => p.target.length)) + 1;
    const predicted = noGrad(() =>
      tidy(() => this.#model.translate(sources, { maxLength })).map((ids) =>
        this.#target.decode(ids),
      ),
    );
    let exact = 0;
    predicted.forEach((p, i) => {
      if (p === this.#heldOut[i]!.target) exact++;
    });
    const lines = this.#heldOut.slice(0, 4).map((pair, i) => {
      const verdict = predicted[i] === pair.target ? '✓' : `✗ (${pair.target})`;
      return `${pair.source} → ${predicted[i]} ${verdict}`;
    });
    return {
      text: lines.join('\n'),
      metric: { name: 'held-out exact match', value: exact / predicted.length },
    };
  }
}
