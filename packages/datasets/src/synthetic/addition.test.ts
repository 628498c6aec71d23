import { describe, expect, it } from 'vitest';
import { ADDITION_CHARS, additionProblems } from './addition.js';

describe('additionProblems (Keras addition_rnn)', () => {
  it('pads and reverses questions like the Keras example', () => {
    const examples = additionProblems({ count: 2000, digits: 3, seed: 1 });
    const bad = examples.filter(
      ({ question, answer, a, b }) =>
        question.length !== 7 ||
        answer.length !== 4 ||
        Array.from(question).reverse().join('').trimEnd() !== `${a}+${b}` ||
        Number(answer.trim()) !== a + b ||
        ![...question, ...answer].every((c) => ADDITION_CHARS.includes(c)) ||
        a >= 1000,
    );
    expect(bad).toEqual([]);
  });

  it('never repeats an operand pair in either order, and is seeded', () => {
    const examples = additionProblems({ count: 3000, digits: 2, seed: 2 });
    const keys = new Set(examples.map(({ a, b }) => `${Math.min(a, b)}+${Math.max(a, b)}`));
    expect(keys.size).toBe(3000);
    expect(additionProblems({ count: 10, digits: 2, seed: 2 })).toEqual(examples.slice(0, 10));
  });

  it('draws the digit count uniformly, as Keras does (so small operands are common)', () => {
    const examples = additionProblems({ count: 3000, digits: 3, seed: 3, unique: false });
    const small = examples.filter(({ a }) => a < 10).length / examples.length;
    // P(a < 10) = P(1 digit) + P(2 digits)·P(first 0) + P(3 digits)·P(first two 0) ≈ 1/3 + 1/30 + 1/300.
    expect(Math.abs(small - 0.37)).toBeLessThan(0.04);
  });

  it('without reverse/pad gives "12+345" → "357"; refuses impossible counts', () => {
    const [example] = additionProblems({
      count: 1,
      digits: 3,
      reverse: false,
      pad: false,
      seed: 4,
    });
    expect(example!.question).toBe(`${example!.a}+${example!.b}`);
    expect(example!.answer).toBe(String(example!.a + example!.b));
    expect(() => additionProblems({ count: 56, digits: 1 })).toThrow(/only 55 distinct pairs/);
  });
});
