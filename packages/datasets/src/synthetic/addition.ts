import { checkInteger, DatasetError } from '../errors.js';
import { type RandomOptions, randomInt, resolveRng } from '../random.js';

/** The characters of addition questions and answers (the Keras example's `chars`). */
export const ADDITION_CHARS = '0123456789+ ';

/** Options of {@link additionProblems}. */
export interface AdditionOptions extends RandomOptions {
  count: number;
  /** Most digits per operand. Default 3. */
  digits?: number;
  /** Reverse the (padded) question, as Keras `REVERSE = True`. Default true. */
  reverse?: boolean;
  /** Pad questions to 2·digits + 1 and answers to digits + 1 with spaces. Default true. */
  pad?: boolean;
  /** No two questions with the same operands in either order (as Keras). Default true. */
  unique?: boolean;
}

/** One addition example; `question` and `answer` are what a seq2seq model reads and writes. */
export interface AdditionExample {
  question: string;
  answer: string;
  a: number;
  b: number;
}

/**
 * Addition as seq2seq, generated as in the Keras `addition_rnn` example: each operand has a
 * uniform number of digits in 1..digits, each digit uniform (so "007" → 7); the question is
 * `"a+b"` padded with spaces to 2·digits + 1 and reversed, the answer `a + b` padded to
 * digits + 1. E.g. 12 + 345 with 3 digits → question `" 543+21"`, answer `"357 "`. Reference:
 * an LSTM-128 encoder–decoder reaches ~99 % per-character accuracy (2 digits, 5k examples, ~55
 * epochs; 3 digits, 50k, 30–100). Baseline: {@link positionalMajority} over the answers.
 */
export function additionProblems(options: AdditionOptions): AdditionExample[] {
  const { count, digits = 3, reverse = true, pad = true, unique = true } = options;
  checkInteger('additionProblems', 'count', count, 1);
  checkInteger('additionProblems', 'digits', digits, 1);
  const rng = resolveRng(options);
  const limit = 10 ** digits;
  if (unique && count > (limit * (limit + 1)) / 2) {
    throw new DatasetError(
      'RANGE',
      `additionProblems: only ${(limit * (limit + 1)) / 2} distinct pairs of ${digits}-digit operands exist; asked for ${count}`,
    );
  }
  const operand = () => {
    const n = 1 + randomInt(rng, digits);
    let value = 0;
    for (let i = 0; i < n; i++) value = value * 10 + randomInt(rng, 10);
    return value;
  };
  const seen = new Set<number>();
  const out: AdditionExample[] = [];
  let attempts = 0;
  while (out.length < count) {
    if (++attempts > 1000 * count + 100_000) {
      throw new DatasetError(
        'RANGE',
        `additionProblems: found only ${out.length} distinct pairs after ${attempts - 1} draws; ask for fewer than ${count} or more digits`,
      );
    }
    const a = operand();
    const b = operand();
    if (unique) {
      const key = Math.min(a, b) * limit + Math.max(a, b);
      if (seen.has(key)) continue;
      seen.add(key);
    }
    let question = `${a}+${b}`;
    let answer = String(a + b);
    if (pad) {
      question = question.padEnd(2 * digits + 1, ' ');
      answer = answer.padEnd(digits + 1, ' ');
    }
    if (reverse) question = Array.from(question).reverse().join('');
    out.push({ question, answer, a, b });
  }
  return out;
}
