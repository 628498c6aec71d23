import { Captioner } from '@recur/architectures';
import {
  DIGIT_WORDS,
  type DigitImages,
  type DigitStrips,
  digitStrips,
  MNIST_SIZE,
  seq2seqBatch,
  type TokenizerJSON,
  tokenizerFromJSON,
  WordTokenizer,
} from '@recur/datasets';
import { type Rng, type Tensor, tensor } from '@recur/tensor';
import { count, round } from '../format.js';
import { println } from '../io.js';
import { asciiImage, mnistSplit } from './digits.js';
import { batchCount, orderedBatches, shuffledBatches } from './examples.js';
import type { Report, ReportContext, RunOptions, Task, TaskSetup } from './task.js';

/** Digits per strip: 2 or 3 side by side (a strip is 28 × 84 pixels). */
export const MIN_DIGITS = 2;
/** The most digits per strip. */
export const MAX_DIGITS = 3;

/** What a captioning checkpoint keeps as its vocabulary. */
export interface CaptionVocabulary {
  tokenizer: TokenizerJSON;
  maxDigits: number;
}

/** The words of captions: the ten digit words, with PAD, BOS and EOS. */
function captionTokenizer(): WordTokenizer {
  return WordTokenizer.fromTexts([DIGIT_WORDS.join(' ')], {
    vocabulary: { specials: { unk: false }, order: 'sorted' },
  });
}

/** Held-out strips of a run (the same ones `recur train` reported on), from held-out images. */
export function heldOutStrips(
  options: RunOptions,
  n: number,
): { strips: DigitStrips; images: DigitImages } {
  const { heldOut } = mnistSplit(options.seed);
  return {
    strips: digitStrips(heldOut, {
      count: n,
      minDigits: MIN_DIGITS,
      maxDigits: MAX_DIGITS,
      seed: options.seed + 1,
    }),
    images: heldOut,
  };
}

/**
 * A strip of the given digits (each a held-out image of that digit, the `which`-th one found),
 * laid out like {@link digitStrips}: `[28, 28 · maxDigits]`, zero-padded on the right.
 */
export function composeStrip(
  images: DigitImages,
  digits: readonly number[],
  maxDigits: number,
  which = 0,
): Float32Array {
  const S = MNIST_SIZE;
  const width = S * maxDigits;
  const strip = new Float32Array(S * width);
  digits.forEach((digit, j) => {
    const matches: number[] = [];
    for (let i = 0; i < images.labels.length; i++) if (images.labels[i] === digit) matches.push(i);
    const i = matches[which % matches.length]!;
    for (let r = 0; r < S; r++) {
      for (let c = 0; c < S; c++)
        strip[r * width + j * S + c] = images.images[i * S * S + r * S + c]!;
    }
  });
  return strip;
}

/** Captions of strips `[N, 28 · 28 · maxDigits]` (greedy, or beam search when `beam` > 1). */
export function captionStrips(
  model: Captioner,
  vocabulary: CaptionVocabulary,
  images: Float32Array,
  n: number,
  beam: number,
): string[] {
  const tokenizer = tokenizerFromJSON(vocabulary.tokenizer);
  const F = model.config.featureSize;
  const out: string[] = [];
  for (let i = 0; i < n; i += 256) {
    const m = Math.min(256, n - i);
    const batch: Tensor = tensor(images.subarray(i * F, (i + m) * F), [m, F]);
    const ids = model.caption(batch, { maxLength: vocabulary.maxDigits + 1, beamWidth: beam });
    batch.dispose();
    for (const row of ids) out.push(tokenizer.decode(row));
  }
  return out;
}

/** A strip drawn as text (14 lines). */
export function drawStrip(pixels: Float32Array, maxDigits: number): string {
  return asciiImage(pixels, MNIST_SIZE, MNIST_SIZE * maxDigits);
}

/** Held-out strips in the validation slice (those the report captions). */
const VALIDATION_STRIPS = 500;

/**
 * `recur train --arch caption`: a one-to-many captioner — strips of 2–3 MNIST digits in, their
 * spelled-out words out ("three one four"): an MLP encodes the image into the decoder's initial
 * state; reported as the share of held-out strips captioned exactly.
 */
export const captioningTask: Task = {
  arch: 'caption',

  async setup(options: RunOptions): Promise<TaskSetup> {
    const { train } = mnistSplit(options.seed);
    const tokenizer = captionTokenizer();
    const vocab = tokenizer.vocabulary;
    const F = MNIST_SIZE * MNIST_SIZE * MAX_DIGITS;
    // Fresh strips every epoch (seeded by the trainer, so a resumed run sees the same ones):
    // new combinations of the 9,000 training images, so the captioner cannot memorise strips.
    const epochStrips = (seed: number) => {
      const strips = digitStrips(train, {
        count: options.examples,
        minDigits: MIN_DIGITS,
        maxDigits: MAX_DIGITS,
        seed,
      });
      return strips.captions.map((caption, i) => ({
        pixels: strips.images.subarray(i * F, (i + 1) * F),
        words: tokenizer.encode(caption),
      }));
    };
    const model = new Captioner({
      featureSize: F,
      encoderSizes: [64],
      vocabularySize: vocab.size,
      input:
        options.embedding > 0 ? { kind: 'embedding', size: options.embedding } : { kind: 'onehot' },
      cell: options.cell,
      ...(options.cellOptions ? { cellOptions: options.cellOptions } : {}),
      hiddenSize: options.hidden,
      numLayers: options.layers,
      dropout: options.dropout,
      startToken: vocab.bosId,
      stopToken: vocab.eosId,
      seed: options.seed,
    });
    const vocabulary: CaptionVocabulary = {
      tokenizer: tokenizer.toJSON(),
      maxDigits: MAX_DIGITS,
    };
    const toBatch = (batch: { pixels: Float32Array; words: Int32Array }[]) => {
      const images = new Float32Array(batch.length * F);
      batch.forEach((e, b) => {
        images.set(e.pixels, b * F);
      });
      const words = seq2seqBatch(
        batch.map((e) => ({ source: [0], target: e.words })),
        { padId: vocab.padId, bosId: vocab.bosId, eosId: vocab.eosId },
      );
      return {
        images: tensor(images, [batch.length, F]),
        decoderInput: tensor(words.decoderInput.ids, words.decoderInput.shape, 'int32'),
        decoderTarget: tensor(words.decoderTarget.ids, words.decoderTarget.shape, 'int32'),
        targetMask: tensor(words.decoderTarget.mask, words.decoderTarget.shape),
      };
    };
    // The validation slice: the held-out strips the report captions (from held-out images).
    const { strips } = heldOutStrips(options, VALIDATION_STRIPS);
    const held = strips.captions.map((caption, i) => ({
      pixels: strips.images.subarray(i * F, (i + 1) * F),
      words: tokenizer.encode(caption),
    }));
    return {
      model,
      data: (epoch: number, rng: Rng) =>
        shuffledBatches(epochStrips(rng.int(2 ** 31)), options.batch, toBatch)(epoch, rng),
      batchesPerEpoch: batchCount(options.examples, options.batch),
      validation: orderedBatches(held, options.batch, toBatch),
      validationDescription: `teacher-forced loss on ${count(held.length)} held-out strips`,
      unit: 'words',
      vocabulary,
      description: `MNIST digit strips (${MIN_DIGITS}–${MAX_DIGITS} digits, 28 × ${MNIST_SIZE * MAX_DIGITS} pixels) → words: ${count(options.examples)} new strips per epoch from 9,000 training images`,
      report: (context) => report(context, model, vocabulary, options),
    };
  },
};

async function report(
  context: ReportContext,
  model: Captioner,
  vocabulary: CaptionVocabulary,
  options: RunOptions,
): Promise<Report> {
  const { io, human, flags } = context;
  const { strips } = heldOutStrips(options, 500);
  const n = strips.captions.length;
  const predicted = captionStrips(model, vocabulary, strips.images, n, 1);
  const exact = predicted.filter((p, i) => p === strips.captions[i]).length / n;
  let right = 0;
  let total = 0;
  predicted.forEach((p, i) => {
    const want = strips.captions[i]!.split(' ');
    const got = p.split(' ');
    want.forEach((w, j) => {
      if (got[j] === w) right++;
    });
    total += Math.max(want.length, got.length);
  });
  const F = strips.shape[1] * strips.shape[2];
  const shown = Array.from({ length: Math.min(flags.show, n) }, (_, i) => ({
    caption: strips.captions[i]!,
    predicted: predicted[i]!,
  }));
  if (human) {
    println(
      io.stdout,
      `\nHeld-out strips (${n}, greedy decoding): ${(100 * exact).toFixed(1)} % captioned exactly, ${((100 * right) / total).toFixed(1)} % of words right`,
    );
    shown.slice(0, 3).forEach((s, i) => {
      println(
        io.stdout,
        `\n${drawStrip(strips.images.subarray(i * F, (i + 1) * F), vocabulary.maxDigits)}`,
      );
      println(io.stdout, `  true: ${s.caption} · model: ${s.predicted}`);
    });
    for (const s of shown.slice(3))
      println(io.stdout, `  true: ${s.caption} · model: ${s.predicted}`);
  }
  return {
    heldOut: { strips: n, exactMatch: round(exact), wordAccuracy: round(right / total) },
    examples: shown,
  };
}
