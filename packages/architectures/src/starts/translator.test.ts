import { dateTranslation } from '@recur/datasets';
import { memory, RecurError } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { saveModel } from '../model-io.js';
import { sequenceAccuracy } from '../testing/text-pairs.js';
import { type TextPair, Translator } from './translator.js';

const tiny: TextPair[] = [
  ['abc', 'cba'],
  ['ab', 'ba'],
  ['cab', 'bac'],
  ['bca', 'acb'],
  ['ca', 'ac'],
  ['bb', 'bb'],
];

function bits(t: Translator): number[] {
  return Object.values(t.model.parameters()).flatMap((p) =>
    Array.from(new Uint32Array(Float32Array.from(p.value.data()).buffer)),
  );
}

describe('Translator', () => {
  it('three lines: date formats → ISO dates, ≥ 98 % per character and ≥ 90 % whole on 300 held-out dates', async () => {
    // The bar of seq2seq.dates.test.ts (the model underneath, trained by hand): eight source
    // formats ("25 November 2026", "Nov 25, 2026", "25.11.2026", …) → "2026-11-25".
    const all = dateTranslation({ count: 3300, seed: 1 });
    const train = all.slice(0, 3000).map((p): TextPair => [p.source, p.target]);
    const test = all.slice(3000);
    const translator = new Translator({ hiddenSize: 64, embeddingSize: 16, seed: 1 });
    const report = await translator.fit(train, { epochs: 4 });
    const dates = translator.translate(test.map((p) => p.source));
    const { perChar, whole } = sequenceAccuracy(
      dates,
      test.map((p) => p.target),
    );
    console.log(
      `Translator: dates ${(100 * perChar).toFixed(1)} % per character, ${(100 * whole).toFixed(1)} % whole on 300 held-out; ${report.steps} updates, ${report.seconds.toFixed(1)} s`,
    );
    expect(perChar).toBeGreaterThanOrEqual(0.98);
    expect(whole).toBeGreaterThanOrEqual(0.9);
    expect(translator.translate(test[0]!.source, { beamWidth: 3 })).toBe(test[0]!.target);
    translator.dispose();
  }, 240_000);

  it('is deterministic for a seed; save → load translates the same, both tokenizers inside', async () => {
    const run = async () => {
      const t = new Translator({ hiddenSize: 8, embeddingSize: 4, attention: 'general', seed: 2 });
      await t.fit(tiny, { steps: 4, batchSize: 3, validation: 0.34 });
      return t;
    };
    const [a, b] = [await run(), await run()];
    expect(bits(a)).toEqual(bits(b));
    const loaded = Translator.load(a.save());
    expect(loaded.targetTokenizer.vocabulary.toJSON()).toEqual(
      a.targetTokenizer.vocabulary.toJSON(),
    );
    expect(loaded.translate(['abc', 'cc'])).toEqual(a.translate(['abc', 'cc']));
    expect(loaded.summary()).toBe(a.summary());
    for (const t of [a, b, loaded]) t.dispose();
  });

  it('refuses hostile files with FORMAT; live tensors flat after fit, translate and dispose', async () => {
    const before = memory().numTensors;
    const t = new Translator({ hiddenSize: 4, embeddingSize: 4, attention: 'none' });
    await t.fit(tiny, { steps: 2 });
    t.translate('abc', { beamWidth: 2 });
    const source = t.sourceTokenizer.toJSON();
    const start = {
      kind: 'Translator',
      version: 1,
      settings: t.settings,
      targetTokenizer: t.targetTokenizer.toJSON(),
      longestTarget: 3,
    };
    const cases: [unknown, RegExp][] = [
      [{ ...start, targetTokenizer: source }, /target vocabulary needs start and stop/],
      [{ ...start, longestTarget: 1e12 }, /longestTarget/],
      [{ ...start, settings: { ...t.settings, attention: 'dot' } }, /attention is null/],
      [{ ...start, targetTokenizer: { kind: 'word', vocabulary: source.vocabulary } }, /lowercase/],
    ];
    for (const [st, message] of cases) {
      let error: unknown;
      try {
        Translator.load(saveModel(t.model, { tokenizer: source, start: st }));
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(RecurError);
      expect([(error as RecurError).code, (error as RecurError).message]).toEqual([
        'FORMAT',
        expect.stringMatching(message),
      ]);
    }
    Translator.load(t.save()).dispose();
    await expect(t.fit([['', 'x']])).rejects.toThrow(/pairs\[0\] must be \[source, target\]/);
    expect(() => t.translate('ab', { beamWidth: 0 })).toThrow(/beamWidth/);
    t.dispose();
    expect(memory().numTensors).toBe(before);
  });
});
