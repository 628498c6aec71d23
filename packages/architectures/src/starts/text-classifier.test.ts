import { TEMPORAL_ORDER_SYMBOLS, temporalOrder } from '@recur/datasets';
import { memory, RecurError } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { saveModel } from '../model-io.js';
import { TextClassifier } from './text-classifier.js';

const ORDERS = ['XX', 'XY', 'YX', 'YY'];

/** Temporal-order sequences as strings ("EacbXdd…YbB") labelled with the order of X and Y. */
function temporalOrderTexts(count: number, seed: number): { texts: string[]; labels: string[] } {
  const data = temporalOrder({ count, length: 50, seed });
  const [, T] = data.shape;
  const texts = Array.from({ length: count }, (_, n) =>
    Array.from(
      data.inputs.subarray(n * T, n * T + data.lengths[n]!),
      (id) => TEMPORAL_ORDER_SYMBOLS[id]!,
    ).join(''),
  );
  return { texts, labels: Array.from(data.labels, (k) => ORDERS[k]!) };
}

const words = ['good', 'bad', 'fine', 'awful', 'great', 'poor'];
const small = {
  texts: Array.from({ length: 24 }, (_, i) => `this was ${words[i % 6]} ${i}`),
  labels: Array.from({ length: 24 }, (_, i) => (i % 2 === 0 ? 'pos' : 'neg')),
};

function bits(c: TextClassifier): number[] {
  return Object.values(c.model.parameters()).flatMap((p) =>
    Array.from(new Uint32Array(Float32Array.from(p.value.data()).buffer)),
  );
}

describe('TextClassifier', () => {
  it('three lines: temporal order as text (Hochreiter & Schmidhuber 1997), ≥ 99 % of 1,000 fresh strings', async () => {
    // 4 classes, chance 25 %; Pascanu et al. count a run as solved below 1 % errors.
    const train = temporalOrderTexts(2016, 1);
    const test = temporalOrderTexts(1000, 2);
    const clf = new TextClassifier({ seed: 1 }); // the defaults: characters, LSTM-64
    const report = await clf.fit(train.texts, train.labels, { epochs: 3 });
    const predicted = clf.predict(test.texts);
    const accuracy = predicted.filter((p, i) => p === test.labels[i]).length / predicted.length;
    console.log(
      `TextClassifier: temporal order accuracy ${(100 * accuracy).toFixed(1)} % on 1,000 fresh strings (chance 25 %); ${report.steps} updates, ${report.seconds.toFixed(1)} s`,
    );
    expect(accuracy).toBeGreaterThanOrEqual(0.99);
    expect(clf.labels).toEqual(expect.arrayContaining(ORDERS));
    clf.dispose();
  }, 240_000);

  it('is deterministic for a seed; save → load gives the same probabilities, labels and tokenizer', async () => {
    const run = async () => {
      const c = new TextClassifier({
        hiddenSize: 8,
        embeddingSize: 4,
        bidirectional: true,
        readout: 'mean',
        seed: 3,
      });
      await c.fit(small.texts, small.labels, { epochs: 2, batchSize: 8, validation: 0.25 });
      return c;
    };
    const [a, b] = [await run(), await run()];
    expect(bits(a)).toEqual(bits(b));
    const loaded = TextClassifier.load(a.save());
    expect(loaded.labels).toEqual(['pos', 'neg']);
    expect(loaded.probabilities(['this was good', 'so bad'])).toEqual(
      a.probabilities(['this was good', 'so bad']),
    );
    expect(loaded.predict('a')).toBe(a.predict('a'));
    expect(loaded.summary()).toBe(a.summary());
    for (const c of [a, b, loaded]) c.dispose();
  });

  it('words instead of characters, numeric labels', async () => {
    const c = new TextClassifier<number>({ tokens: 'words', hiddenSize: 8, seed: 1 });
    await c.fit(
      small.texts,
      small.labels.map((l) => (l === 'pos' ? 1 : 0)),
      { epochs: 1 },
    );
    expect(c.tokenizer.vocabulary.idOf('good')).toBeDefined();
    const loaded = TextClassifier.load(c.save());
    expect(loaded.labels).toEqual([1, 0]);
    expect(loaded.predict(['this was great'])).toEqual(c.predict(['this was great']));
    c.dispose();
    loaded.dispose();
  });

  it('refuses hostile files with FORMAT; live tensors flat after fit, predict and dispose', async () => {
    const before = memory().numTensors;
    const c = new TextClassifier({ hiddenSize: 4, embeddingSize: 4 });
    await c.fit(small.texts, small.labels, { steps: 2, validation: 0.25 });
    c.predict(small.texts);
    const tokenizer = c.tokenizer.toJSON();
    const start = {
      kind: 'TextClassifier',
      version: 1,
      settings: c.settings,
      labels: ['pos', 'neg'],
    };
    const cases: [unknown, unknown, RegExp][] = [
      [tokenizer, { ...start, labels: ['pos', 'pos'] }, /labels must be distinct/],
      [tokenizer, { ...start, labels: ['pos', 'neg', 'meh'] }, /outputSize is 2/],
      [tokenizer, { ...start, labels: ['pos', null] }, /labels must be/],
      [tokenizer, { ...start, settings: { ...c.settings, tokens: 'words' } }, /not one of words/],
      [tokenizer, { ...start, settings: { ...c.settings, readout: 'max' } }, /readout is "last"/],
      [undefined, start, /tokenizerFromJSON: expected an object/],
    ];
    for (const [tok, st, message] of cases) {
      const bytes = saveModel(c.model, { ...(tok ? { tokenizer: tok } : {}), start: st });
      let error: unknown;
      try {
        TextClassifier.load(bytes);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(RecurError);
      expect([(error as RecurError).code, (error as RecurError).message]).toEqual([
        'FORMAT',
        expect.stringMatching(message),
      ]);
    }
    TextClassifier.load(c.save()).dispose();
    await expect(c.fit(['a', 'b'], ['pos', 'other'])).rejects.toThrow(
      /not one of the model's classes/,
    );
    await expect(new TextClassifier().fit(['a', 'b'], ['x', 'x'])).rejects.toThrow(/at least 2/);
    expect(() => c.predict('')).toThrow(/texts\[0\] is empty/);
    c.dispose();
    expect(memory().numTensors).toBe(before);
  });
});
