import { checkInteger } from '../errors.js';
import { type RandomOptions, resolveRng } from '../random.js';

/** Options of {@link copyTask}. */
export interface CopyTaskOptions extends RandomOptions {
  /** Number of sequences (N). */
  count: number;
  /** Delay T: blank steps between the last symbol shown and the delimiter's step, plus one. */
  delay: number;
  /** Symbols to remember (S). Default 10. */
  symbols?: number;
  /** Alphabet size K (symbols are ids 1..K). Default 8. */
  alphabet?: number;
}

/**
 * Copy-memory / delayed-recall sequences, batch-first `[N, L]` with L = T + 2S. Ids: 0 is blank,
 * 1..K are symbols, K + 1 is the delimiter (vocabulary size K + 2).
 */
export interface CopyTaskData {
  inputs: Int32Array;
  targets: Int32Array;
  /** 1 on the last S steps (the recall), 0 elsewhere: score the recall alone with it. */
  recallMask: Float32Array;
  shape: [number, number];
  vocabSize: number;
  /** Cross-entropy (nats/step) of the memoryless best guess; see {@link copyTaskBaseline}. */
  baseline: number;
}

/**
 * Cross-entropy per step of the best model without memory on the copy task: blank with certainty
 * for the first T + S steps, uniform over K symbols for the last S: S·ln K / (T + 2S)
 * (Arjovsky, Shah & Bengio 2016).
 */
export function copyTaskBaseline(delay: number, symbols = 10, alphabet = 8): number {
  return (symbols * Math.log(alphabet)) / (delay + 2 * symbols);
}

/**
 * The copy-memory task (Hochreiter & Schmidhuber 1997; Arjovsky et al. 2016): the input shows S
 * random symbols from 1..K, then T − 1 blanks, the delimiter, and S blanks; the target is blank
 * for T + S steps and then the S symbols in order. Many-to-many, length T + 2S.
 */
export function copyTask(options: CopyTaskOptions): CopyTaskData {
  const { count, delay, symbols = 10, alphabet = 8 } = options;
  checkInteger('copyTask', 'count', count, 1);
  checkInteger('copyTask', 'delay', delay, 1);
  checkInteger('copyTask', 'symbols', symbols, 1);
  checkInteger('copyTask', 'alphabet', alphabet, 1);
  const rng = resolveRng(options);
  const length = delay + 2 * symbols;
  const inputs = new Int32Array(count * length);
  const targets = new Int32Array(count * length);
  const recallMask = new Float32Array(count * length);
  for (let n = 0; n < count; n++) {
    const base = n * length;
    for (let s = 0; s < symbols; s++) {
      const symbol = 1 + Math.floor(rng.next() * alphabet);
      inputs[base + s] = symbol;
      targets[base + delay + symbols + s] = symbol;
    }
    inputs[base + symbols + delay - 1] = alphabet + 1;
    recallMask.fill(1, base + delay + symbols, base + length);
  }
  return {
    inputs,
    targets,
    recallMask,
    shape: [count, length],
    vocabSize: alphabet + 2,
    baseline: copyTaskBaseline(delay, symbols, alphabet),
  };
}
