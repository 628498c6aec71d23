import { logSoftmax, noGrad } from '@recur/autograd';
import { memory, Rng, tidy } from '@recur/tensor';
import { Adam } from '@recur/train';
import { describe, expect, it } from 'vitest';
import { Seq2Seq, scheduledSamplingRatio } from './seq2seq.js';
import { trainStep } from './testing/fit.js';
import { CharPairs } from './testing/text-pairs.js';

const toy = new CharPairs(['abcdef', '0123456789']);
const toyPairs = [
  { source: 'abc', target: '12' },
  { source: 'fed', target: '987' },
  { source: 'b', target: '5' },
];

function toyModel(attention: 'dot' | 'general' | 'additive' | null, seed = 1): Seq2Seq {
  return new Seq2Seq({
    sourceVocabularySize: toy.vocabularySize,
    targetVocabularySize: toy.vocabularySize,
    hiddenSize: 8,
    numLayers: 2,
    attention,
    startToken: toy.startToken,
    stopToken: toy.stopToken,
    seed,
  });
}

describe('Seq2Seq', () => {
  it('the step-by-step decoder (scheduled sampling) equals the fused teacher-forced pass when it always reads the truth', () => {
    for (const attention of [null, 'additive'] as const) {
      const model = toyModel(attention);
      const batch = toy.batch(toyPairs);
      const fused = tidy(() => Array.from(model.forward(batch).value.data()));
      model.teacherForcing = 1 - 1e-12; // below 1: the step loop; the truth is read at every step
      const stepped = tidy(() => Array.from(model.forward(batch, true, new Rng(1)).value.data()));
      stepped.forEach((v, i) => {
        expect(v).toBeCloseTo(fused[i]!, 5);
      });
    }
  });

  it('beam hypotheses carry the log-probability the model gives them, and width 1 is greedy', () => {
    for (const attention of [null, 'general'] as const) {
      const model = toyModel(attention, 4);
      const opt = new Adam(model.parameters(), { lr: 0.02 });
      for (let i = 0; i < 20; i++) trainStep(model, opt, () => toy.batch(toyPairs));
      const source = toy.encode('abc');
      const greedy = model.translate([source], { maxLength: 5 })[0]!;
      expect(model.translate([source], { maxLength: 5, beamWidth: 1 })[0]).toEqual(greedy);
      const hypotheses = model.beamSearch(source, {
        maxLength: 5,
        beamWidth: 3,
        lengthPenalty: 0.7,
      });
      expect(hypotheses.length).toBe(3);
      for (const h of hypotheses.filter((x) => x.finished)) {
        // Re-score the hypothesis with one teacher-forced pass.
        const batch = toy.batch([{ source: 'abc', target: toy.decode(h.tokens) }]);
        const logProb = noGrad(() =>
          tidy(() => {
            const lp = logSoftmax(model.forward(batch), -1).value.data();
            const targets = batch.decoderTarget.data();
            let total = 0;
            targets.forEach((t, step) => {
              total += lp[step * toy.vocabularySize + t]!;
            });
            return total;
          }),
        );
        expect(h.logProb).toBeCloseTo(logProb, 4);
        expect(h.score).toBeCloseTo(h.logProb / (h.tokens.length + 1) ** 0.7, 5);
      }
    }
  });

  it('trains every parameter with scheduled sampling, with flat tensor counts', () => {
    const model = toyModel('dot');
    model.teacherForcing = 0.5;
    const opt = new Adam(model.parameters(), { lr: 0.01 });
    const batch = () => toy.batch(toyPairs);
    const rng = new Rng(2);
    tidy(() => {
      model.loss(batch(), undefined, { rng }).loss.backward();
      for (const [name, p] of Object.entries(model.parameters())) {
        expect(p.grad, name).not.toBeNull();
      }
      for (const p of Object.values(model.parameters())) p.zeroGrad();
    });
    trainStep(model, opt, batch, rng);
    const before = memory().numTensors;
    for (let i = 0; i < 3; i++) trainStep(model, opt, batch, rng);
    model.translate([toy.encode('fed')], { maxLength: 4 });
    model.beamSearch(toy.encode('fed'), { maxLength: 4, beamWidth: 2 });
    expect(memory().numTensors).toBe(before);
  });

  it('scheduledSamplingRatio decays from 1', () => {
    expect(scheduledSamplingRatio(0, { kind: 'linear', k: 100 })).toBe(1);
    expect(scheduledSamplingRatio(50, { kind: 'linear', k: 100 })).toBe(0.5);
    expect(scheduledSamplingRatio(500, { kind: 'linear', k: 100, minimum: 0.2 })).toBe(0.2);
    expect(scheduledSamplingRatio(2, { kind: 'exponential', k: 0.9 })).toBeCloseTo(0.81, 12);
    expect(scheduledSamplingRatio(0, { kind: 'inverseSigmoid', k: 10 })).toBeCloseTo(10 / 11, 12);
  });

  it('checks its configuration', () => {
    expect(
      () =>
        new Seq2Seq({
          sourceVocabularySize: 5,
          targetVocabularySize: 5,
          hiddenSize: 4,
          startToken: 7,
          stopToken: 1,
        }),
    ).toThrow(/startToken/);
    expect(
      () =>
        new Seq2Seq({
          sourceVocabularySize: 0,
          targetVocabularySize: 5,
          hiddenSize: 4,
          startToken: 0,
          stopToken: 1,
        }),
    ).toThrow(/sourceVocabularySize/);
  });
});
