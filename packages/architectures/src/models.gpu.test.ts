import { dispose, tensor, tidy, withBackend } from '@recur/tensor';
import { gpuBackendForTests } from '@recur/tensor/testing/gpu';
import { describe, expect, it } from 'vitest';
import { Captioner } from './captioner.js';
import { LanguageModel } from './language-model.js';
import { loadModel, type Model, saveModel } from './model-io.js';
import { Seq2Seq } from './seq2seq.js';
import { SequenceClassifier } from './sequence-classifier.js';
import { yieldToEventLoop } from './testing/fit.js';

const gpu = gpuBackendForTests();

/** Every output and gradient of one loss step, read back as numbers. */
function step(
  model: Model,
  makeBatch: () => unknown,
): { loss: number; grads: Record<string, number[]> } {
  return tidy(() => {
    const { loss } = (model.loss as (b: unknown) => { loss: { item(): number; backward(): void } })(
      makeBatch(),
    );
    loss.backward();
    const grads: Record<string, number[]> = {};
    for (const [name, p] of Object.entries(model.parameters())) {
      grads[name] = Array.from(p.grad!.data());
      p.zeroGrad();
    }
    return { loss: loss.item(), grads };
  });
}

function expectClose(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  tolerance: number,
  what: string,
): void {
  expect(a.length, what).toBe(b.length);
  for (let i = 0; i < a.length; i++)
    expect(Math.abs(a[i]! - b[i]!), `${what}[${i}]`).toBeLessThan(
      tolerance * (1 + Math.abs(b[i]!)),
    );
}

const ids = [3, 1, 4, 1, 5, 2];
const cases: [string, () => Model, () => unknown][] = [
  [
    'LanguageModel',
    () => new LanguageModel({ vocabularySize: 7, hiddenSize: 8, numLayers: 2, seed: 1 }),
    () => ({
      inputs: tensor(ids, [2, 3], 'int32'),
      targets: tensor([1, 4, 1, 5, 2, 6], [2, 3], 'int32'),
    }),
  ],
  [
    'Seq2Seq',
    () =>
      new Seq2Seq({
        sourceVocabularySize: 7,
        targetVocabularySize: 7,
        hiddenSize: 8,
        startToken: 0,
        stopToken: 6,
        attention: 'additive',
        seed: 2,
      }),
    () => ({
      source: tensor(ids, [2, 3], 'int32'),
      sourceMask: tensor([1, 1, 1, 1, 1, 0], [2, 3]),
      decoderInput: tensor([0, 2, 3, 0, 4, 5], [2, 3], 'int32'),
      decoderTarget: tensor([2, 3, 6, 4, 5, 6], [2, 3], 'int32'),
    }),
  ],
  [
    'SequenceClassifier',
    () =>
      new SequenceClassifier({
        input: { kind: 'onehot', vocabularySize: 7 },
        hiddenSize: 8,
        outputSize: 3,
        bidirectional: true,
        readout: 'mean',
        seed: 3,
      }),
    () => ({
      inputs: tensor(ids, [2, 3], 'int32'),
      mask: tensor([1, 1, 0, 1, 1, 1], [2, 3]),
      labels: tensor([2, 0], [2], 'int32'),
    }),
  ],
  [
    'Captioner',
    () =>
      new Captioner({
        featureSize: 5,
        encoderSizes: [6],
        vocabularySize: 7,
        hiddenSize: 8,
        startToken: 0,
        stopToken: 6,
        seed: 4,
      }),
    () => ({
      images: tensor([0.1, 0.2, 0.3, 0.4, 0.5, 1, 0, 1, 0, 1], [2, 5]),
      decoderInput: tensor([0, 2, 3, 0, 4, 5], [2, 3], 'int32'),
      decoderTarget: tensor([2, 3, 6, 4, 5, 6], [2, 3], 'int32'),
    }),
  ],
];

describe.skipIf(gpu === null)('the four designs on the gpu.js backend', () => {
  for (const [name, make, makeBatch] of cases) {
    it(`${name}: loss and every gradient match the CPU; a saved CPU model loads onto the GPU`, async () => {
      await yieldToEventLoop();
      const cpuModel = make();
      const cpu = step(cpuModel, makeBatch);
      const onGpu = withBackend(gpu!, () => {
        const model = make();
        expect(Object.values(model.parameters())[0]!.value.backend).toBe(gpu);
        const result = step(model, makeBatch);
        const loaded = loadModel(saveModel(cpuModel));
        const again = step(loaded, makeBatch);
        dispose(Object.values(model.parameters()).map((p) => p.value));
        return { result, again };
      });
      expect(onGpu.result.loss).toBeCloseTo(cpu.loss, 4);
      expect(onGpu.again.loss).toBeCloseTo(cpu.loss, 4);
      for (const [param, grad] of Object.entries(cpu.grads))
        expectClose(onGpu.result.grads[param]!, grad, 1e-3, param);
    });
  }

  it('stateful generation runs on the GPU and matches the CPU', async () => {
    await yieldToEventLoop();
    const options = { prompt: [1, 2], maxTokens: 5, strategy: { kind: 'greedy' } as const };
    const cpu = new LanguageModel({ vocabularySize: 7, hiddenSize: 8, seed: 1 }).generate(options);
    const onGpu = withBackend(gpu!, () =>
      new LanguageModel({ vocabularySize: 7, hiddenSize: 8, seed: 1 }).generate(options),
    );
    expect(onGpu).toEqual(cpu);
  });

  it('beam search (seq2seq with attention) and captioning run on the GPU', async () => {
    await yieldToEventLoop();
    withBackend(gpu!, () => {
      const s2s = new Seq2Seq({
        sourceVocabularySize: 7,
        targetVocabularySize: 7,
        hiddenSize: 8,
        startToken: 0,
        stopToken: 6,
        attention: 'dot',
        seed: 2,
      });
      expect(s2s.beamSearch([3, 4], { maxLength: 4, beamWidth: 2 }).length).toBe(2);
    });
    await yieldToEventLoop();
    withBackend(gpu!, () => {
      const captioner = new Captioner({
        featureSize: 5,
        vocabularySize: 7,
        hiddenSize: 8,
        startToken: 0,
        stopToken: 6,
        seed: 4,
      });
      expect(
        captioner.caption(tensor([0, 1, 0, 1, 0], [1, 5]), { maxLength: 3, beamWidth: 2 }).length,
      ).toBe(1);
    });
  });
});
