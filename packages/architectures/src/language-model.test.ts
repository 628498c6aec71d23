import { noGrad } from '@recur/autograd';
import { REBER_SYMBOLS, reberData, reberPredictionCorrect } from '@recur/datasets';
import { dispose, memory, tensor, tidy } from '@recur/tensor';
import { Adam, Trainer } from '@recur/train';
import { describe, expect, it, vi } from 'vitest';
import { LanguageModel } from './language-model.js';
import { disposeStates, keepStates, type RecurrentState } from './states.js';

describe('LanguageModel', () => {
  const model = new LanguageModel({
    vocabularySize: 6,
    hiddenSize: 8,
    numLayers: 2,
    input: { kind: 'embedding', size: 5 },
    seed: 1,
  });

  it('steps through the session give the same logits as one pass over the whole sequence', () => {
    const tokens = [1, 4, 2, 2, 5, 0];
    const full = noGrad(() =>
      tidy(() => model.forward(tensor(tokens, [1, 6], 'int32')).logits.value.data()),
    );
    const session = model.session(tokens.slice(0, 3));
    const stepped: number[] = [...session.logits];
    for (const t of tokens.slice(3)) {
      session.feed(t);
      stepped.push(...session.logits);
    }
    session.dispose();
    const tail = Array.from(full.subarray(2 * 6));
    stepped.forEach((v, i) => {
      expect(v).toBeCloseTo(tail[i]!, 5);
    });
  });

  it('feeds the prompt once and then one step per generated token', () => {
    const forward = vi.spyOn(model.decoder.rnn, 'forward');
    const before = memory().numTensors;
    const out = model.generate({
      prompt: [1, 2, 3, 4],
      maxTokens: 5,
      strategy: { kind: 'sample', temperature: 0.7, topK: 3 },
      seed: 9,
    });
    expect(out.length).toBe(5);
    expect(forward.mock.calls.map(([x]) => x.shape[1])).toEqual([4, 1, 1, 1, 1]);
    forward.mockRestore();
    expect(memory().numTensors).toBe(before);
    const again = model.generate({
      prompt: [1, 2, 3, 4],
      maxTokens: 5,
      strategy: { kind: 'sample', temperature: 0.7, topK: 3 },
      seed: 9,
    });
    expect(again).toEqual(out);
  });

  it('stops at the stop token and rejects tokens outside the vocabulary', () => {
    const greedyNext = model.generate({ prompt: [1], maxTokens: 1 })[0]!;
    expect(model.generate({ prompt: [1], maxTokens: 10, stopToken: greedyNext })).toEqual([
      greedyNext,
    ]);
    expect(() => model.generate({ prompt: [9], maxTokens: 1 })).toThrow(/outside the vocabulary/);
    expect(() => model.session([])).toThrow(/empty/);
  });

  it('carries the state across chunks (truncated BPTT) with flat tensor counts', () => {
    const opt = new Adam(model.parameters(), { lr: 0.01 });
    const batch = {
      inputs: tensor([1, 2, 3, 4, 2, 1], [2, 3], 'int32'),
      targets: tensor([2, 3, 4, 5, 1, 0], [2, 3], 'int32'),
    };
    let state: RecurrentState | undefined;
    const step = () => {
      const next = tidy(() => {
        const out = model.loss(batch, state);
        out.loss.backward();
        opt.step();
        opt.zeroGrad();
        return keepStates(out.state); // detached and kept for the next chunk
      });
      disposeStates(state);
      state = next;
    };
    step();
    const before = memory().numTensors;
    for (let i = 0; i < 3; i++) step();
    expect(memory().numTensors).toBe(before);
    disposeStates(state);
  });
});

describe('LanguageModel convergence: embedded Reber grammar (Hochreiter & Schmidhuber 1997)', () => {
  it('predicts the valid next symbols of every test string (one-hot input, LSTM 16, Adam, the Trainer)', async () => {
    // Success as in the paper: on each string every valid next symbol outscores every invalid
    // one. The paper's LSTM needed ~8.4k training strings; this budget is 16 × 256 = 4,096.
    // Without memory of the second symbol a predictor solves only ≈ 50 % of the strings.
    const train = reberData({ count: 256, seed: 1 });
    const test = reberData({ count: 256, seed: 2 });
    const lm = new LanguageModel({
      vocabularySize: REBER_SYMBOLS.length,
      input: { kind: 'onehot' },
      hiddenSize: 16,
      seed: 3,
    });
    const [N, T] = train.shape;
    const B = 16;
    const batches = Array.from({ length: N / B }, (_, i) => {
      const rows = (values: Int32Array | Float32Array) =>
        values.subarray(i * B * T, (i + 1) * B * T);
      return {
        inputs: tensor(rows(train.inputs) as Int32Array, [B, T], 'int32'),
        targets: tensor(rows(train.targets) as Int32Array, [B, T], 'int32'),
        mask: tensor(rows(train.mask) as Float32Array, [B, T]),
      };
    });
    const trainer = new Trainer({
      model: lm,
      optimizer: new Adam(lm.parameters(), { lr: 0.02 }),
      data: batches,
      epochs: 16,
      progress: false,
    });
    const result = await trainer.fit();
    trainer.dispose();
    dispose(batches);
    expect(result.epochs.at(-1)!.loss).toBeLessThan(result.epochs[0]!.loss);
    const [n, t] = test.shape;
    const scores = noGrad(() =>
      tidy(() => lm.forward(tensor(test.inputs, [n, t], 'int32')).logits.value.data()),
    );
    const solved = test.strings.filter((text, i) =>
      reberPredictionCorrect(scores.subarray(i * t * 7, (i + 1) * t * 7), text),
    ).length;
    expect(solved / n).toBeGreaterThanOrEqual(0.99);
  });
});
