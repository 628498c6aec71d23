import { describe, expect, it } from 'vitest';
import { Captioner } from './captioner.js';
import { Forecaster } from './forecaster.js';
import { LanguageModel } from './language-model.js';
import { disposeModel, type Model } from './model-io.js';
import { Seq2Seq } from './seq2seq.js';
import { SequenceClassifier } from './sequence-classifier.js';

/** The table's rows as { layer, type, shape, parameters } (between the two `-`/`=` rules). */
function rows(table: string): { layer: string; shape: string; parameters: number }[] {
  const lines = table.split('\n');
  const start = lines.findIndex((l) => /^-+$/.test(l)) + 1;
  const end = lines.findIndex((l, i) => i > start && /^=+$/.test(l));
  return lines.slice(start, end).map((line) => {
    const cells = line.split(/\s{2,}/);
    return {
      layer: cells[0]!,
      shape: cells[2]!,
      parameters: Number(cells.at(-1)!.replaceAll(',', '')),
    };
  });
}

function totalOf(table: string): number {
  return Number(/Total parameters: ([\d,]+)/.exec(table)![1]!.replaceAll(',', ''));
}

/** Sum of the sizes of the parameters whose names pass `pick`. */
function sizes(model: Model, pick: (name: string) => boolean = () => true): number {
  return Object.entries(model.parameters())
    .filter(([n]) => pick(n))
    .reduce((a, [, p]) => a + p.value.size, 0);
}

describe('summary() and parameterCount', () => {
  it('LanguageModel: embedding, one row per layer, the softmax; counts as the formulas give', () => {
    const model = new LanguageModel({
      vocabularySize: 30,
      hiddenSize: 16,
      numLayers: 2,
      input: { kind: 'embedding', size: 8 },
    });
    const table = model.summary();
    const r = rows(table);
    expect(r.map((x) => x.layer)).toEqual(['embedding', 'rnn.layer0', 'rnn.layer1', 'output']);
    // LSTM layer: 4H(I + H + 1); embedding V·E; output H·V + V.
    expect(r.map((x) => x.parameters)).toEqual([
      30 * 8,
      4 * 16 * (8 + 16 + 1),
      4 * 16 * (16 + 16 + 1),
      16 * 30 + 30,
    ]);
    expect(r[3]!.shape).toBe('[batch, steps, 30]');
    expect(totalOf(table)).toBe(sizes(model));
    expect(model.parameterCount).toBe(sizes(model));
    expect(model.parameterCount).toBe(240 + 1600 + 2112 + 510);
    disposeModel(model);
  });

  it('SequenceClassifier (bidirectional GRU, one-hot): both directions in a row, readout, head', () => {
    const model = new SequenceClassifier({
      input: { kind: 'onehot', vocabularySize: 10 },
      cell: 'gru',
      hiddenSize: 6,
      bidirectional: true,
      readout: 'mean',
      outputSize: 3,
    });
    const r = rows(model.summary());
    expect(r.map((x) => [x.layer, x.shape, x.parameters])).toEqual([
      ['embedding', '[batch, steps, 10]', 0],
      ['rnn.layer0', '[batch, steps, 12]', 2 * 3 * 6 * (10 + 6 + 1)],
      ['readout', '[batch, 12]', 0],
      ['output', '[batch, 3]', 12 * 3 + 3],
    ]);
    expect(model.parameterCount).toBe(sizes(model));
    expect(totalOf(model.summary())).toBe(sizes(model));
    disposeModel(model);
  });

  it('Seq2Seq with attention: encoder, decoder, attention and combine rows add up', () => {
    const model = new Seq2Seq({
      sourceVocabularySize: 12,
      targetVocabularySize: 9,
      hiddenSize: 10,
      startToken: 1,
      stopToken: 2,
      attention: 'general',
    });
    const r = rows(model.summary());
    const byLayer = Object.fromEntries(r.map((x) => [x.layer, x.parameters]));
    expect(byLayer['encoder.layer0']).toBe(sizes(model, (n) => n.startsWith('encoder.layer0.')));
    expect(byLayer['decoder.attention']).toBe(10 * 10);
    expect(byLayer['decoder.combine']).toBe(20 * 10 + 10);
    expect(byLayer['decoder.output']).toBe(10 * 9 + 9);
    expect(r.reduce((a, x) => a + x.parameters, 0)).toBe(sizes(model));
    expect(totalOf(model.summary())).toBe(model.parameterCount);
    disposeModel(model);
  });

  it('Forecaster and Captioner: every parameter in exactly one row', () => {
    const forecaster = new Forecaster({ inputSize: 3, hiddenSize: 7, mode: 'last', horizon: 4 });
    const f = rows(forecaster.summary());
    expect(f.at(-1)).toEqual({ layer: 'output', shape: '[batch, 4, 3]', parameters: 7 * 12 + 12 });
    expect(f.reduce((a, x) => a + x.parameters, 0)).toBe(sizes(forecaster));
    const captioner = new Captioner({
      featureSize: 20,
      encoderSizes: [16],
      vocabularySize: 8,
      hiddenSize: 12,
      numLayers: 2,
      startToken: 1,
      stopToken: 2,
    });
    const c = rows(captioner.summary());
    expect(c.find((x) => x.layer === 'encoder0')!.parameters).toBe(20 * 16 + 16);
    // LSTM, 2 layers, state injection: a and c per layer, each 16 → 12.
    expect(c.find((x) => x.layer === 'bridge')!.parameters).toBe(4 * (16 * 12 + 12));
    expect(c.reduce((a, x) => a + x.parameters, 0)).toBe(sizes(captioner));
    expect(captioner.parameterCount).toBe(sizes(captioner));
    disposeModel(forecaster);
    disposeModel(captioner);
  });
});
