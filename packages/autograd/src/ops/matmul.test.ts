import { tensor } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { backward } from '../backward.js';
import { check, uniform } from '../test-helpers.js';
import { parameter } from '../variable.js';
import { add, tanh } from './elementwise.js';
import { matmul } from './matmul.js';
import { sum } from './reduce.js';

describe('matmul', () => {
  it.each([
    [false, false, [3, 4], [4, 2]],
    [true, false, [4, 3], [4, 2]],
    [false, true, [3, 4], [2, 4]],
    [true, true, [4, 3], [2, 4]],
  ] as const)('transposeA=%s transposeB=%s passes gradcheck', (transposeA, transposeB, sa, sb) => {
    check(
      (a, b) => matmul(a!, b!, { transposeA, transposeB }),
      [uniform([...sa], 1), uniform([...sb], 2)],
    );
  });

  it('broadcast batch dimensions are summed back', () => {
    check((a, b) => matmul(a!, b!), [uniform([2, 3, 4], 3), uniform([4, 5], 4)]);
    check((a, b) => matmul(a!, b!), [uniform([3, 4], 5), uniform([2, 4, 5], 6)]);
    check(
      (a, b) => matmul(a!, b!, { transposeB: true }),
      [uniform([2, 1, 3, 4], 7), uniform([3, 5, 4], 8)],
    );
  });

  it('a chain x·W1 → tanh → ·W2 + b passes gradcheck', () => {
    check(
      (x, w1, w2, b) => add(matmul(tanh(matmul(x!, w1!)), w2!), b!),
      [uniform([2, 3], 9), uniform([3, 4], 10), uniform([4, 2], 11), uniform([2], 12)],
    );
  });

  it('gives dA = G·Bᵀ and dB = Aᵀ·G for a known case', () => {
    const a = parameter(
      tensor([
        [1, 2],
        [3, 4],
      ]),
    );
    const b = parameter(
      tensor([
        [5, 6],
        [7, 8],
      ]),
    );
    backward(sum(matmul(a, b)));
    expect(a.grad!.toArray()).toEqual([
      [11, 15],
      [11, 15],
    ]);
    expect(b.grad!.toArray()).toEqual([
      [4, 4],
      [6, 6],
    ]);
    a.dispose();
    b.dispose();
  });
});
