import { ngramCrossEntropy } from '@recur/datasets';
import { loadMobyDick } from '@recur/datasets/node';
import { memory, RecurError } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { LanguageModel } from '../language-model.js';
import { disposeModel, saveModel } from '../model-io.js';
import { TextGenerator } from './text-generator.js';

const text = 'the quick brown fox jumps over the lazy dog. '.repeat(20);

/** Every parameter's bits, by name. */
function bits(gen: TextGenerator): Record<string, number[]> {
  return Object.fromEntries(
    Object.entries(gen.model.parameters()).map(([n, p]) => [
      n,
      Array.from(new Uint32Array(Float32Array.from(p.value.data()).buffer)),
    ]),
  );
}

function expectFormat(fn: () => unknown, pattern: RegExp): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(RecurError);
  expect((error as RecurError).code).toBe('FORMAT');
  expect((error as RecurError).message).toMatch(pattern);
}

describe('TextGenerator', () => {
  it('three lines: beats a trigram on held-out Moby Dick after 300 updates (~30 s here)', async () => {
    // 100k characters of the book; the last 10 % held out. references.md: a small LSTM trained
    // for a few minutes should beat the trigram (2.01 nats/char on the whole book).
    const book = loadMobyDick().slice(20_000, 120_000);
    const gen = new TextGenerator({ cell: 'lstm', seed: 1 }); // the defaults: LSTM-128, Adam 0.02
    const progress: number[] = [];
    const report = await gen.fit(book, {
      steps: 300,
      validation: 0.1,
      onProgress: (p) => {
        progress.push(p.fraction);
      },
    });
    const ids = gen.tokenizer.encode(book);
    const held = Math.floor(ids.length * 0.1);
    const [train, validation] = [
      ids.subarray(0, ids.length - held),
      ids.subarray(ids.length - held),
    ];
    const V = gen.tokenizer.vocabulary.size;
    const trigram = ngramCrossEntropy(train, validation, { order: 3, vocabSize: V });
    console.log(
      `TextGenerator: validation ${report.validationLoss!.toFixed(3)} nats/char vs trigram ${trigram.toFixed(3)} after ${report.steps} updates (${report.seconds.toFixed(1)} s)`,
    );
    expect(report.steps).toBe(300);
    expect(report.validationLoss!).toBeLessThan(trigram);
    expect(progress).toHaveLength(300);
    expect(progress.at(-1)).toBe(1);
    const sample = gen.generate('The ', { length: 80 });
    expect(typeof sample).toBe('string');
    expect(Array.from(sample)).toHaveLength(80);
    gen.dispose();
  }, 240_000);

  it('is deterministic for a seed: the same bits and the same text; another seed differs', async () => {
    const run = async (seed: number) => {
      const gen = new TextGenerator({
        hiddenSize: 16,
        numLayers: 2,
        dropout: 0.1,
        steps: 10,
        seed,
      });
      await gen.fit(text, { steps: 6, batchSize: 4 });
      return gen;
    };
    const [a, b, c] = [await run(5), await run(5), await run(6)];
    expect(bits(a)).toEqual(bits(b));
    expect(a.generate('the ', { seed: 2 })).toBe(b.generate('the ', { seed: 2 }));
    expect(bits(a)).not.toEqual(bits(c));
    for (const g of [a, b, c]) g.dispose();
  });

  it('saves the tokenizer and vocabulary inside the model file: load → same text, same summary', async () => {
    const gen = new TextGenerator({ cell: 'gru', hiddenSize: 12, numLayers: 1, steps: 8, seed: 2 });
    await gen.fit(text, { epochs: 2, batchSize: 4 });
    const bytes = gen.save();
    const loaded = TextGenerator.load(bytes);
    expect(loaded.settings).toEqual(gen.settings);
    expect(loaded.tokenizer.vocabulary.toJSON()).toEqual(gen.tokenizer.vocabulary.toJSON());
    expect(bits(loaded)).toEqual(bits(gen));
    expect(loaded.generate('lazy ', { seed: 4, length: 50 })).toBe(
      gen.generate('lazy ', { seed: 4, length: 50 }),
    );
    expect(loaded.summary()).toBe(gen.summary());
    expect(loaded.parameterCount).toBe(gen.model.parameterCount);
    gen.dispose();
    loaded.dispose();
  });

  it('refuses hostile or foreign files with FORMAT, leaving no tensor behind', async () => {
    const gen = new TextGenerator({ hiddenSize: 8, numLayers: 1, steps: 8 });
    await gen.fit(text, { steps: 1 });
    const before = memory().numTensors;
    const bytes = gen.save();
    const flipped = bytes.slice();
    flipped[bytes.length - 20]! ^= 1;
    expectFormat(() => TextGenerator.load(flipped), /TextGenerator\.load/);
    expectFormat(
      () => TextGenerator.load(bytes.subarray(0, bytes.length - 7)),
      /TextGenerator\.load/,
    );
    // A plain LanguageModel file (no recur.start): load it with loadModel instead.
    expectFormat(() => TextGenerator.load(saveModel(gen.model)), /no recur\.start/);
    // Checksummed files whose JSON lies: settings disagreeing with the weights, another
    // tokenizer, a wrong kind, an unknown field, settings that are not settings.
    const tokenizer = gen.tokenizer.toJSON();
    const start = { kind: 'TextGenerator', version: 1, settings: gen.settings };
    const other = { ...start, settings: { ...gen.settings, hiddenSize: 9 } };
    expectFormat(
      () => TextGenerator.load(saveModel(gen.model, { tokenizer, start: other })),
      /hiddenSize is 8/,
    );
    const shorter = {
      ...tokenizer,
      vocabulary: { ...tokenizer.vocabulary, tokens: tokenizer.vocabulary.tokens.slice(0, -1) },
    };
    expectFormat(
      () => TextGenerator.load(saveModel(gen.model, { tokenizer: shorter, start })),
      /vocabularySize/,
    );
    expectFormat(
      () =>
        TextGenerator.load(
          saveModel(gen.model, { tokenizer, start: { ...start, kind: 'Translator' } }),
        ),
      /expected TextGenerator/,
    );
    expectFormat(
      () => TextGenerator.load(saveModel(gen.model, { tokenizer, start: { ...start, code: 'x' } })),
      /unknown fields code/,
    );
    expectFormat(
      () =>
        TextGenerator.load(
          saveModel(gen.model, { tokenizer, start: { ...start, settings: 'big' } }),
        ),
      /TextGenerator\.load/,
    );
    expectFormat(
      () => TextGenerator.load(saveModel(gen.model, { tokenizer: { kind: 'regex' }, start })),
      /kind/,
    );
    const lm = new LanguageModel({ vocabularySize: 5, hiddenSize: 4 });
    expect(() => TextGenerator.load(lm.summary() as never)).toThrow(/Uint8Array/);
    disposeModel(lm);
    expect(memory().numTensors).toBe(before);
    gen.dispose();
  });

  it('stops on a time budget, and a loaded generator trains further', async () => {
    const gen = new TextGenerator({ hiddenSize: 8, numLayers: 1, steps: 8 });
    const report = await gen.fit(text.repeat(50), { minutes: 0.002 }); // 0.12 s
    expect(report.stopReason).toBe('time');
    expect(report.seconds).toBeLessThan(5);
    const loaded = TextGenerator.load(gen.save());
    const before = bits(loaded);
    const again = await loaded.fit(text, { steps: 2 });
    expect(again.steps).toBe(2);
    expect(bits(loaded)).not.toEqual(before);
    gen.dispose();
    loaded.dispose();
  });

  it('leaves the live tensor count flat after fit, generate and dispose', async () => {
    const before = memory().numTensors;
    const gen = new TextGenerator({ hiddenSize: 8, numLayers: 2, steps: 8 });
    await gen.fit(text, { steps: 3, validation: 0.2 });
    gen.generate('the ');
    TextGenerator.load(gen.save()).dispose();
    gen.dispose();
    expect(memory().numTensors).toBe(before);
  });

  it('names bad arguments and what to do', async () => {
    const gen = new TextGenerator({ hiddenSize: 8, numLayers: 1 });
    expect(() => gen.model).toThrow(/call fit\(text\)/);
    expect(() => new TextGenerator({ cel: 'lstm' } as never)).toThrow(/did you mean 'cell'/);
    await expect(gen.fit(text, { minute: 1 } as never)).rejects.toThrow(/did you mean 'minutes'/);
    await expect(gen.fit(text, { validation: 0.9 })).rejects.toThrow(
      /validation must be a fraction/,
    );
    await expect(gen.fit('a')).rejects.toThrow(/at least 2 characters/);
    let calls = 0;
    const report = await gen.fit(text, {
      steps: 50,
      onProgress: () => (++calls === 2 ? 'stop' : undefined),
    });
    expect([report.steps, report.stopReason]).toEqual([2, 'callback']);
    expect(() => gen.generate('')).toThrow(/non-empty string/);
    gen.dispose();
  });
});
