import { describe, expect, it } from 'vitest';
import { SeededRng } from '../random.js';
import { digitStrips, mnistRowSequences, spellDigits } from './digits.js';
import { loadMnist } from './mnist.js';

describe('MNIST', () => {
  const data = loadMnist();

  it('loads 10,000 labelled 28 × 28 images in [0, 1]', () => {
    expect(data.count).toBe(10_000);
    expect(data.images.length).toBe(10_000 * 784);
    const counts = Array.from({ length: 10 }, (_, d) => data.labels.filter((l) => l === d).length);
    expect(counts).toEqual([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
    let lo = 1;
    let hi = 0;
    for (const v of data.images) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    expect([lo, hi]).toEqual([0, 1]);
    // Ink sits mostly in the middle: the border rows are nearly blank.
    let border = 0;
    for (let n = 0; n < 100; n++) for (let c = 0; c < 28; c++) border += data.images[n * 784 + c]!;
    expect(border / 100).toBeLessThan(0.5);
  });

  it('row-by-row: 28 steps of 28 pixels, step t = row t', () => {
    const rows = mnistRowSequences(data, [5, 2000]);
    expect(rows.shape).toEqual([2, 28, 28]);
    expect(Array.from(rows.labels)).toEqual([data.labels[5], data.labels[2000]]);
    expect(rows.inputs[28 * 28 + 10 * 28 + 3]).toBe(data.images[2000 * 784 + 10 * 28 + 3]);
    expect(() => mnistRowSequences(data, [10_000])).toThrow(/outside/);
  });

  it('digit strips: images side by side, captioned with their words', () => {
    const strips = digitStrips(data, { count: 200, seed: 4 });
    expect(strips.shape).toEqual([200, 28, 112]);
    const lengths = new Set(Array.from(strips.lengths));
    expect([...lengths].sort()).toEqual([2, 3, 4]);
    for (let n = 0; n < 200; n++) {
      const k = strips.lengths[n]!;
      const digits = Array.from(strips.digits.subarray(n * 4, n * 4 + k));
      expect(strips.captions[n]).toBe(spellDigits(digits));
      expect(strips.widths[n]).toBe(28 * k);
      let padding = 0;
      for (let r = 0; r < 28; r++)
        for (let x = 28 * k; x < 112; x++) padding += strips.images[n * 28 * 112 + r * 112 + x]!;
      expect(padding).toBe(0);
    }
  });

  it('places the exact source image, and the columns layout is its transpose', () => {
    // One labelled image per class, so each strip digit identifies its source image.
    const pick = Array.from({ length: 10 }, (_, d) => data.labels.indexOf(d));
    const source = {
      images: Float32Array.from(
        pick.flatMap((i) => Array.from(data.images.subarray(i * 784, (i + 1) * 784))),
      ),
      labels: Int32Array.from(pick, (i) => data.labels[i]!),
    };
    const rows = digitStrips(source, { count: 20, seed: 9 });
    const cols = digitStrips(source, { count: 20, seed: 9, layout: 'columns' });
    expect(cols.shape).toEqual([20, 112, 28]);
    expect(cols.captions).toEqual(rows.captions);
    const rng = new SeededRng(1);
    for (let check = 0; check < 200; check++) {
      const n = Math.floor(rng.next() * 20);
      const j = Math.floor(rng.next() * rows.lengths[n]!);
      const r = Math.floor(rng.next() * 28);
      const c = Math.floor(rng.next() * 28);
      const d = rows.digits[n * 4 + j]!;
      const expected = source.images[d * 784 + r * 28 + c];
      expect(rows.images[n * 28 * 112 + r * 112 + j * 28 + c]).toBe(expected);
      expect(cols.images[n * 112 * 28 + (j * 28 + c) * 28 + r]).toBe(expected);
    }
    expect(spellDigits([3, 1, 4])).toBe('three one four');
    expect(() => spellDigits([10])).toThrow(/not a digit/);
  });
});
