import { dateTranslation } from '@recur/datasets';
import { Adam } from '@recur/train';
import { describe, expect, it } from 'vitest';
import { Seq2Seq } from './seq2seq.js';
import { trainStep, yieldToEventLoop } from './testing/fit.js';
import { CharPairs, sequenceAccuracy } from './testing/text-pairs.js';

describe('Seq2Seq convergence', () => {
  it('date-format translation with attention: ≥ 98 % per character and ≥ 90 % whole dates on 300 held-out dates', async () => {
    // Eight source formats ("25 November 2026", "Nov 25, 2026", "25.11.2026", …) → "2026-11-25";
    // no published threshold. LSTM-64 with Luong dot attention, Adam 0.01, 4 epochs of 3,000.
    // Learning jumps once the month mapping clicks; with dot attention that happened in epoch 2–3
    // for every batch order tried (100 % / 100 % after 4 epochs, 3 shuffled orders and this one).
    const all = dateTranslation({ count: 3300, seed: 1 });
    const train = all.slice(0, 3000);
    const test = all.slice(3000);
    const pairs = new CharPairs(all.flatMap((p) => [p.source, p.target]));
    const model = new Seq2Seq({
      sourceVocabularySize: pairs.vocabularySize,
      targetVocabularySize: pairs.vocabularySize,
      sourceInput: { kind: 'embedding', size: 16 },
      targetInput: { kind: 'embedding', size: 16 },
      hiddenSize: 64,
      attention: 'dot',
      startToken: pairs.startToken,
      stopToken: pairs.stopToken,
      seed: 1,
    });
    const opt = new Adam(model.parameters(), { lr: 0.01 });
    for (let epoch = 0; epoch < 4; epoch++) {
      for (let s = 0; s < train.length; s += 32)
        trainStep(model, opt, () => pairs.batch(train.slice(s, s + 32)));
      await yieldToEventLoop();
    }
    const dates = model
      .translate(
        test.map((p) => pairs.encode(p.source)),
        { maxLength: 11 },
      )
      .map((ids) => pairs.decode(ids));
    const { perChar, whole } = sequenceAccuracy(
      dates,
      test.map((p) => p.target),
    );
    expect(perChar).toBeGreaterThanOrEqual(0.98);
    expect(whole).toBeGreaterThanOrEqual(0.9);
    const beams = test
      .slice(0, 20)
      .map((p) =>
        pairs.decode(
          model.beamSearch(pairs.encode(p.source), { maxLength: 11, beamWidth: 3 })[0]!.tokens,
        ),
      );
    expect(
      sequenceAccuracy(
        beams,
        test.slice(0, 20).map((p) => p.target),
      ).perChar,
    ).toBeGreaterThanOrEqual(0.95);
  }, 180_000);
});
