import { DIGIT_WORDS, spellDigits, WordTokenizer } from '@recur/datasets';
import { Rng, tensor } from '@recur/tensor';
import type { CaptionBatch } from '../captioner.js';

/**
 * Test support (not exported): synthetic "images" for captioning. Each digit 0–9 has a fixed
 * ±1 pattern of `slotSize` pixels (a power of two ≥ 16); an image is `slots` slots side by side, each holding a
 * digit's pattern plus Gaussian noise (or noise alone after the last digit, where the pixels are 0); its caption is the
 * digits' words, e.g. "three one four".
 */
export class DigitVectors {
  readonly slots: number;
  readonly slotSize: number;
  readonly noise: number;
  readonly tokenizer: WordTokenizer;
  readonly #patterns: Float32Array[];

  constructor(options: { slots: number; slotSize: number; noise: number; seed: number }) {
    this.slots = options.slots;
    this.slotSize = options.slotSize;
    this.noise = options.noise;
    // Rows 1–10 of a Sylvester–Hadamard matrix, H[i][j] = (−1)^popcount(i & j), columns shuffled:
    // ±1 patterns at equal distances (they differ in half their pixels), so no two digits look alike.
    const rng = new Rng(options.seed);
    const columns = rng.shuffle(Array.from({ length: options.slotSize }, (_, j) => j));
    const bits = (n: number): number => n.toString(2).replaceAll('0', '').length;
    this.#patterns = DIGIT_WORDS.map((_, d) =>
      Float32Array.from(columns, (j) => (bits((d + 1) & j) % 2 === 0 ? 1 : -1)),
    );
    this.tokenizer = WordTokenizer.fromTexts([DIGIT_WORDS.join(' ')], {
      vocabulary: { specials: { unk: false } },
    });
  }

  get featureSize(): number {
    return this.slots * this.slotSize;
  }

  /** `count` images of 2…slots digits with their captions. */
  sample(count: number, seed: number): { images: Float32Array; captions: string[] } {
    const rng = new Rng(seed);
    const images = new Float32Array(count * this.featureSize);
    const captions: string[] = [];
    for (let n = 0; n < count; n++) {
      const k = 2 + rng.int(this.slots - 1);
      const digits = Array.from({ length: k }, () => rng.int(10));
      for (let s = 0; s < this.slots; s++) {
        for (let i = 0; i < this.slotSize; i++) {
          const clean = s < k ? this.#patterns[digits[s]!]![i]! : 0;
          images[n * this.featureSize + s * this.slotSize + i] = clean + rng.normal(0, this.noise);
        }
      }
      captions.push(spellDigits(digits));
    }
    return { images, captions };
  }

  /** Images and captions as a teacher-forcing batch (rows `from` … `from + size`). */
  batch(
    data: { images: Float32Array; captions: string[] },
    from: number,
    size: number,
  ): CaptionBatch {
    const v = this.tokenizer.vocabulary;
    const captions = data.captions
      .slice(from, from + size)
      .map((c) => Array.from(this.tokenizer.encode(c)));
    const T = Math.max(...captions.map((c) => c.length)) + 1;
    const input = new Int32Array(size * T).fill(v.padId);
    const target = new Int32Array(size * T).fill(v.padId);
    const mask = new Float32Array(size * T);
    captions.forEach((c, b) => {
      [v.bosId, ...c].forEach((t, i) => {
        input[b * T + i] = t;
      });
      [...c, v.eosId].forEach((t, i) => {
        target[b * T + i] = t;
        mask[b * T + i] = 1;
      });
    });
    return {
      images: tensor(
        data.images.subarray(from * this.featureSize, (from + size) * this.featureSize),
        [size, this.featureSize],
      ),
      decoderInput: tensor(input, [size, T], 'int32'),
      decoderTarget: tensor(target, [size, T], 'int32'),
      targetMask: tensor(mask, [size, T]),
    };
  }
}
