import { checkInteger, DatasetError } from '../errors.js';
import { type RandomOptions, randomInt, randomIntBetween, resolveRng } from '../random.js';

/** Side of an MNIST image. */
export const MNIST_SIZE = 28;

/** The words for the digits 0–9. */
export const DIGIT_WORDS: readonly string[] = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
];

/** `[3, 1, 4]` → `"three one four"`. */
export function spellDigits(digits: ArrayLike<number>): string {
  return Array.from(digits, (d) => {
    const word = DIGIT_WORDS[d];
    if (word === undefined) throw new DatasetError('RANGE', `spellDigits: ${d} is not a digit 0–9`);
    return word;
  }).join(' ');
}

/** Grayscale images with labels: `images` holds N × 28 × 28 floats in [0, 1], row-major. */
export interface DigitImages {
  images: Float32Array;
  labels: Int32Array;
}

/** Row-by-row MNIST: every image is a sequence of 28 steps of 28 pixels. */
export interface RowSequences {
  /** `[N, 28, 28]`: step t of image n is its row t. */
  inputs: Float32Array;
  labels: Int32Array;
  shape: [number, number, number];
}

/**
 * Row-by-row MNIST, the CI-sized many-to-one task (pixel-by-pixel MNIST is 784 steps): the chosen
 * images (all by default) as `[N, 28 steps, 28 features]`. A row-major 28 × 28 image is already
 * that layout, so this only selects and copies.
 */
export function mnistRowSequences(data: DigitImages, indices?: ArrayLike<number>): RowSequences {
  const size = MNIST_SIZE * MNIST_SIZE;
  checkImages('mnistRowSequences', data);
  const pick = indices ?? Array.from({ length: data.labels.length }, (_, i) => i);
  const inputs = new Float32Array(pick.length * size);
  const labels = new Int32Array(pick.length);
  for (let n = 0; n < pick.length; n++) {
    const i = pick[n]!;
    if (!(i >= 0 && i < data.labels.length)) {
      throw new DatasetError(
        'RANGE',
        `mnistRowSequences: index ${i} is outside [0, ${data.labels.length})`,
      );
    }
    inputs.set(data.images.subarray(i * size, (i + 1) * size), n * size);
    labels[n] = data.labels[i]!;
  }
  return { inputs, labels, shape: [pick.length, MNIST_SIZE, MNIST_SIZE] };
}

function checkImages(fn: string, data: DigitImages): void {
  if (data.images.length !== data.labels.length * MNIST_SIZE * MNIST_SIZE) {
    throw new DatasetError(
      'ARGUMENT',
      `${fn}: images has ${data.images.length} values for ${data.labels.length} labels; expected ${data.labels.length} × 784`,
    );
  }
}

/** Options of {@link digitStrips}. */
export interface DigitStripOptions extends RandomOptions {
  count: number;
  /** Fewest digits per strip. Default 2. */
  minDigits?: number;
  /** Most digits per strip. Default 4. */
  maxDigits?: number;
  /**
   * `'rows'` (default): each strip `[28, W]`, row-major (an image). `'columns'`: `[W, 28]`, so a
   * sequence model reads the strip left to right, one pixel column per step.
   */
  layout?: 'rows' | 'columns';
}

/** Strips of digits side by side, captioned with their spelled-out words. */
export interface DigitStrips {
  /** `[N, 28, W]` (rows) or `[N, W, 28]` (columns), W = 28 · maxDigits, zero-padded on the right. */
  images: Float32Array;
  shape: [number, number, number];
  /** Width in pixels of each strip's real part (28 · digits). */
  widths: Int32Array;
  /** `[N, maxDigits]`, −1 after the last digit. */
  digits: Int32Array;
  /** Number of digits of each strip. */
  lengths: Int32Array;
  /** `"three one four"`. */
  captions: string[];
}

/**
 * Digit strips for captioning (one-to-many): 2–4 random images placed side by side, captioned
 * with their digits' words, e.g. images of 3, 1, 4 → `"three one four"`. Images are drawn with
 * replacement (seeded) from `data`; pass disjoint sources for train and test.
 */
export function digitStrips(data: DigitImages, options: DigitStripOptions): DigitStrips {
  const { count, minDigits = 2, maxDigits = 4, layout = 'rows' } = options;
  checkImages('digitStrips', data);
  checkInteger('digitStrips', 'count', count, 1);
  checkInteger('digitStrips', 'minDigits', minDigits, 1);
  checkInteger('digitStrips', 'maxDigits', maxDigits, minDigits);
  const available = data.labels.length;
  if (available === 0) throw new DatasetError('EMPTY', 'digitStrips: no images to draw from');
  const rng = resolveRng(options);
  const S = MNIST_SIZE;
  const width = S * maxDigits;
  const images = new Float32Array(count * S * width);
  const widths = new Int32Array(count);
  const digits = new Int32Array(count * maxDigits).fill(-1);
  const lengths = new Int32Array(count);
  const captions: string[] = [];
  for (let n = 0; n < count; n++) {
    const k = randomIntBetween(rng, minDigits, maxDigits);
    const chosen: number[] = [];
    for (let j = 0; j < k; j++) {
      const i = randomInt(rng, available);
      chosen.push(data.labels[i]!);
      digits[n * maxDigits + j] = data.labels[i]!;
      for (let r = 0; r < S; r++) {
        for (let c = 0; c < S; c++) {
          const value = data.images[i * S * S + r * S + c]!;
          const x = j * S + c;
          const at = layout === 'rows' ? r * width + x : x * S + r;
          images[n * S * width + at] = value;
        }
      }
    }
    widths[n] = k * S;
    lengths[n] = k;
    captions.push(spellDigits(chosen));
  }
  const shape: [number, number, number] = layout === 'rows' ? [count, S, width] : [count, width, S];
  return { images, shape, widths, digits, lengths, captions };
}
