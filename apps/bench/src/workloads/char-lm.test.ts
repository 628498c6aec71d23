import { describe, expect, it } from 'vitest';
import {
  ALPHABET,
  batchStrings,
  characterIds,
  charBatch,
  forwardFlops,
  trainFlops,
} from './char-lm.js';

describe('char-LM workload', () => {
  it('uses the 65 distinct characters of Tiny Shakespeare', () => {
    expect(ALPHABET.length).toBe(65);
    expect(new Set(ALPHABET).size).toBe(65);
  });

  it('draws reproducible ids within the vocabulary', () => {
    const ids = characterIds(10_000, 3);
    expect(ids).toEqual(characterIds(10_000, 3));
    expect(ids).not.toEqual(characterIds(10_000, 4));
    expect(Math.min(...ids)).toBe(0);
    expect(Math.max(...ids)).toBe(64);
  });

  it('makes targets the inputs shifted by one step', () => {
    const batch = charBatch(3, 5, 1);
    for (let b = 0; b < 3; b++) {
      for (let t = 0; t < 4; t++)
        expect(batch.targets[b * 5 + t]).toBe(batch.inputs[b * 5 + t + 1]);
    }
    const strings = batchStrings(batch);
    expect(strings).toHaveLength(3);
    expect(strings[1]).toBe([...batch.inputs.slice(5, 10)].map((i) => ALPHABET[i]).join(''));
  });

  it('counts 2·m·k·n per product: input, recurrent and output layers', () => {
    const size = { H: 4, B: 2, T: 3, V: 5 };
    // LSTM: per token 2·5·16 + 2·4·16 + 2·4·5 = 160 + 128 + 40 = 328; 6 tokens.
    expect(forwardFlops('lstm', size)).toBe(6 * 328);
    expect(forwardFlops('rnn', size)).toBe(6 * (2 * 5 * 4 + 2 * 4 * 4 + 2 * 4 * 5));
    expect(trainFlops('gru', size)).toBe(3 * forwardFlops('gru', size));
  });
});
