import {
  Captioner,
  disposeModel,
  LanguageModel,
  type Model,
  Seq2Seq,
  SequenceClassifier,
} from '@recur/architectures';
import { parameter } from '@recur/autograd';
import { memory, RecurError, zeros } from '@recur/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { exportOnnx, ONNX_OPSET } from './index.js';
import { openSession } from './test-support/onnx-runtime.js';

const lm = new LanguageModel({ vocabularySize: 6, hiddenSize: 4, cell: 'gru', seed: 1 });
const translator = (attention: 'general' | null) =>
  new Seq2Seq({
    sourceVocabularySize: 5,
    targetVocabularySize: 6,
    hiddenSize: 4,
    startToken: 1,
    stopToken: 2,
    attention,
    seed: 1,
  });

afterAll(() => disposeModel(lm));

/** Calls `fn`, expecting a RecurError with `code` whose message matches `message`. */
function refused(fn: () => unknown, code: string, message: RegExp): void {
  const before = memory().numTensors;
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(RecurError);
  expect((error as RecurError).code).toBe(code);
  expect((error as RecurError).message).toMatch(/^exportOnnx: /);
  expect((error as RecurError).message).toMatch(message);
  expect(memory().numTensors).toBe(before);
}

describe('exportOnnx refusals', () => {
  it('needs part encoder or decoder for a Seq2Seq, and refuses part elsewhere', () => {
    const m = translator(null);
    refused(
      () => exportOnnx(m),
      'ARGUMENT',
      /two graphs; options.part must be 'encoder' or 'decoder', got none/,
    );
    refused(
      () => exportOnnx(m, { part: 'both' as never }),
      'ARGUMENT',
      /options.part must be 'encoder' or 'decoder', got 'both'/,
    );
    refused(
      () => exportOnnx(lm, { part: 'encoder' }),
      'ARGUMENT',
      /a LanguageModel exports as one graph/,
    );
    disposeModel(m);
  });

  it('refuses a Captioner by name', () => {
    const m = new Captioner({
      featureSize: 3,
      vocabularySize: 5,
      hiddenSize: 4,
      startToken: 1,
      stopToken: 2,
      seed: 1,
    });
    refused(() => exportOnnx(m), 'ARGUMENT', /a Captioner cannot be exported/);
    disposeModel(m);
  });

  it('refuses unknown options and things that are not models', () => {
    refused(
      () => exportOnnx(lm, { prat: 'encoder' } as never),
      'ARGUMENT',
      /unknown option 'prat'/,
    );
    refused(() => exportOnnx(null as never), 'ARGUMENT', /model must be a recur model.*got null/);
    refused(() => exportOnnx({} as never), 'ARGUMENT', /model must be a recur model/);
  });

  it('refuses an architecture or a cell it does not know, by name', () => {
    const other = { config: { architecture: 'Transformer' }, parameters: () => ({}) };
    const cell = { config: { ...lm.config, cell: 'mgu' }, parameters: () => lm.parameters() };
    refused(
      () => exportOnnx(other as unknown as Model),
      'ARGUMENT',
      /a Transformer cannot be exported/,
    );
    refused(
      () => exportOnnx(cell as unknown as Model),
      'ARGUMENT',
      /cell 'mgu' has no ONNX operator/,
    );
  });

  it('refuses a real model of a registered cell that has no ONNX operator (the MGU), by name', () => {
    const mgu = new LanguageModel({ vocabularySize: 6, hiddenSize: 4, cell: 'mgu', seed: 1 });
    refused(
      () => exportOnnx(mgu),
      'ARGUMENT',
      /exportOnnx: cell 'mgu' has no ONNX operator here; expected one of rnn, irnn, lstm, gru/,
    );
    disposeModel(mgu);
  });

  it('refuses a model whose parameters its config does not imply (FORMAT, naming the parameter)', () => {
    const wrong = parameter(zeros([4, 7]), 'W_ao');
    const { W_ao: _, ...withoutOutput } = lm.parameters();
    const reshaped = { config: lm.config, parameters: () => ({ ...lm.parameters(), W_ao: wrong }) };
    const missing = { config: lm.config, parameters: () => withoutOutput };
    refused(
      () => exportOnnx(reshaped as unknown as Model),
      'FORMAT',
      /'W_ao' is \[4,7\]; its config implies \[4,6\]/,
    );
    refused(() => exportOnnx(missing as unknown as Model), 'FORMAT', /no parameter 'W_ao' \[4,6\]/);
    wrong.dispose();
  });
});

describe('exportOnnx files', () => {
  it('bind to opset 17 and keep the config in their metadata', async () => {
    const session = await openSession(exportOnnx(lm));
    expect(session.inputNames).toEqual(['tokens', 'initial_h_0']);
    expect(session.outputNames).toEqual(['logits', 'Y_h_0']);
    await session.release();
    expect(ONNX_OPSET).toBe(17);
    const text = new TextDecoder().decode(exportOnnx(lm));
    expect(text).toContain(JSON.stringify(lm.config));
  });

  it('give a Seq2Seq with attention the encoder outputs as memory', async () => {
    const m = translator('general');
    const encoder = await openSession(exportOnnx(m, { part: 'encoder' }));
    const decoder = await openSession(exportOnnx(m, { part: 'decoder' }));
    expect(encoder.inputNames).toEqual(['source', 'source_lengths']);
    expect(encoder.outputNames).toEqual(['Y_h_0', 'Y_c_0', 'memory']);
    expect(decoder.inputNames).toEqual([
      'tokens',
      'initial_h_0',
      'initial_c_0',
      'memory',
      'source_lengths',
    ]);
    expect(decoder.outputNames).toEqual(['logits', 'Y_h_0', 'Y_c_0']);
    await encoder.release();
    await decoder.release();
    disposeModel(m);
  });

  it('name every input and output of a classifier', async () => {
    const clf = new SequenceClassifier({
      input: { kind: 'features', size: 3 },
      hiddenSize: 4,
      outputSize: 2,
      seed: 1,
    });
    const session = await openSession(exportOnnx(clf));
    expect(session.inputNames).toEqual(['inputs', 'lengths']);
    expect(session.outputNames).toEqual(['logits', 'predictions']);
    await session.release();
    disposeModel(clf);
  });
});
