import { CharTokenizer, seq2seqBatch } from '@recur/datasets';
import { type Seq2SeqBatch, seq2seqTensors } from '../seq2seq.js';

/**
 * Test and example support (not exported): character-level source → target pairs as tensors,
 * and the accuracies the Keras addition example reports.
 */
export class CharPairs {
  readonly tokenizer: CharTokenizer;

  constructor(texts: Iterable<string>) {
    this.tokenizer = CharTokenizer.fromText(texts, { vocabulary: { specials: { unk: false } } });
  }

  get vocabularySize(): number {
    return this.tokenizer.vocabulary.size;
  }
  get startToken(): number {
    return this.tokenizer.vocabulary.bosId;
  }
  get stopToken(): number {
    return this.tokenizer.vocabulary.eosId;
  }

  encode(text: string): number[] {
    return Array.from(this.tokenizer.encode(text));
  }

  decode(ids: readonly number[]): string {
    return this.tokenizer.decode(ids);
  }

  /** A teacher-forcing batch: `start y… → y… stop`, padded, with masks. */
  batch(pairs: readonly { source: string; target: string }[]): Seq2SeqBatch {
    const v = this.tokenizer.vocabulary;
    const b = seq2seqBatch(
      pairs.map((p) => ({
        source: this.tokenizer.encode(p.source),
        target: this.tokenizer.encode(p.target),
      })),
      { padId: v.padId, bosId: v.bosId, eosId: v.eosId },
    );
    return seq2seqTensors(b);
  }
}

/**
 * Per-character accuracy (position by position over each target; a missing character counts
 * as wrong, extra ones are ignored) and whole-sequence accuracy (exact match).
 */
export function sequenceAccuracy(
  predicted: readonly string[],
  targets: readonly string[],
): { perChar: number; whole: number } {
  let chars = 0;
  let right = 0;
  let whole = 0;
  targets.forEach((target, i) => {
    const guess = predicted[i] ?? '';
    for (let k = 0; k < target.length; k++) {
      chars++;
      if (guess[k] === target[k]) right++;
    }
    if (guess === target) whole++;
  });
  return { perChar: right / chars, whole: whole / targets.length };
}
