import { type DigitImages, MNIST_SIZE, splitIndices } from '@recur/datasets';
import { loadMnist } from '@recur/datasets/node';

/** MNIST's 10,000 digits split 90/10 (seeded) into training and held-out images. */
export function mnistSplit(seed: number): { train: DigitImages; heldOut: DigitImages } {
  const mnist = loadMnist();
  const { train, validation } = splitIndices(
    mnist.count,
    { train: 0.9, validation: 0.1 },
    { seed },
  );
  return { train: pick(mnist, train), heldOut: pick(mnist, validation) };
}

/** The images at `indices`. */
export function pick(data: DigitImages, indices: readonly number[]): DigitImages {
  const size = MNIST_SIZE * MNIST_SIZE;
  const images = new Float32Array(indices.length * size);
  const labels = new Int32Array(indices.length);
  indices.forEach((i, n) => {
    images.set(data.images.subarray(i * size, (i + 1) * size), n * size);
    labels[n] = data.labels[i]!;
  });
  return { images, labels };
}

const SHADES = ' .:-=+*#%@';

/**
 * An image as text, two pixels per character horizontally and vertically averaged (so a 28×84
 * strip takes 14 lines of 42 characters).
 */
export function asciiImage(pixels: ArrayLike<number>, height: number, width: number): string {
  const lines: string[] = [];
  for (let r = 0; r < height; r += 2) {
    let line = '';
    for (let c = 0; c < width; c += 2) {
      let sum = 0;
      let n = 0;
      for (let dr = 0; dr < 2 && r + dr < height; dr++) {
        for (let dc = 0; dc < 2 && c + dc < width; dc++) {
          sum += pixels[(r + dr) * width + c + dc]!;
          n++;
        }
      }
      const v = Math.min(1, Math.max(0, sum / n));
      line += SHADES[Math.min(SHADES.length - 1, Math.floor(v * SHADES.length))];
    }
    lines.push(line.trimEnd());
  }
  return lines.join('\n');
}
