import { parameter } from '@recur/autograd';
import { memory, RecurError, Rng, zeros } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { Captioner, type CaptionerOptions } from './captioner.js';
import { TokenDecoder } from './decoder.js';
import { LanguageModel, type LanguageModelOptions } from './language-model.js';
import { buildParameters } from './parameter-specs.js';
import { Seq2Seq, type Seq2SeqOptions } from './seq2seq.js';
import { SequenceClassifier, type SequenceClassifierOptions } from './sequence-classifier.js';

const lm: LanguageModelOptions = { vocabularySize: 6, hiddenSize: 4, numLayers: 2 };
const s2s: Seq2SeqOptions = {
  sourceVocabularySize: 6,
  targetVocabularySize: 5,
  hiddenSize: 4,
  numLayers: 2,
  startToken: 1,
  stopToken: 2,
  attention: 'additive',
};
const clf: SequenceClassifierOptions = {
  input: { kind: 'embedding', vocabularySize: 6, size: 3 },
  hiddenSize: 4,
  numLayers: 2,
  bidirectional: true,
  outputSize: 2,
};
const cap: CaptionerOptions = {
  featureSize: 5,
  encoderSizes: [4, 4],
  vocabularySize: 6,
  hiddenSize: 4,
  numLayers: 2,
  startToken: 1,
  stopToken: 2,
};

// Each: [what, build, error pattern]. Several failed part-way through construction on main and
// left 1–8 tensors behind (a later layer refused after earlier ones had drawn their weights).
const bad: [string, () => unknown, RegExp][] = [
  [
    'LM misspelt option',
    () => new LanguageModel({ ...lm, hiddenSzie: 4 } as never),
    /did you mean 'hiddenSize'/,
  ],
  ['LM bad cell', () => new LanguageModel({ ...lm, cell: 'xl' as never }), /cell is "xl"/],
  [
    'LM fractional size',
    () => new LanguageModel({ ...lm, hiddenSize: 1.5 }),
    /hiddenSize must be an integer/,
  ],
  [
    'LM input size 0',
    () => new LanguageModel({ ...lm, input: { kind: 'embedding', size: 0 } }),
    /input: size/,
  ],
  [
    'LM wrong architecture',
    () => new LanguageModel({ ...lm, architecture: 'Seq2Seq' } as never),
    /builds LanguageModel/,
  ],
  [
    'LM too many parameters',
    () => new LanguageModel({ ...lm, vocabularySize: 2 ** 24, hiddenSize: 2 ** 10 }),
    /parameter elements/,
  ],
  [
    'Seq2Seq bad targetInput',
    () => new Seq2Seq({ ...s2s, targetInput: { kind: 'wide' } as never }),
    /targetInput: kind/,
  ],
  [
    'Seq2Seq bad attention',
    () => new Seq2Seq({ ...s2s, attention: 'luong' as never }),
    /attention is "luong"/,
  ],
  ['Seq2Seq stop token', () => new Seq2Seq({ ...s2s, stopToken: 5 }), /stopToken is 5/],
  ['Seq2Seq dropout', () => new Seq2Seq({ ...s2s, dropout: 1 }), /dropout must be in/],
  [
    'Seq2Seq nested unknown',
    () => new Seq2Seq({ ...s2s, sourceInput: { kind: 'onehot', size: 3 } as never }),
    /unknown option 'size'/,
  ],
  [
    'classifier bad cell',
    () => new SequenceClassifier({ ...clf, cell: 'nope' as never }),
    /cell is "nope"/,
  ],
  [
    'classifier bad readout',
    () => new SequenceClassifier({ ...clf, readout: 'first' as never }),
    /readout is "first"/,
  ],
  [
    'classifier input kind',
    () => new SequenceClassifier({ ...clf, input: { kind: 'pixels', size: 3 } as never }),
    /input: kind/,
  ],
  [
    'classifier bidirectional',
    () => new SequenceClassifier({ ...clf, bidirectional: 'yes' as never }),
    /bidirectional must be true or false/,
  ],
  [
    'classifier outputSize',
    () => new SequenceClassifier({ ...clf, outputSize: -1 }),
    /outputSize must be an integer/,
  ],
  [
    'captioner encoderSizes[1]',
    () => new Captioner({ ...cap, encoderSizes: [4, -1] }),
    /encoderSizes\[1\]/,
  ],
  [
    'captioner encoderSizes type',
    () => new Captioner({ ...cap, encoderSizes: 4 as never }),
    /encoderSizes must be an array/,
  ],
  [
    'captioner injection',
    () => new Captioner({ ...cap, injection: 'side' as never }),
    /injection is "side"/,
  ],
  [
    'captioner input',
    () => new Captioner({ ...cap, input: { kind: 'embedding', size: 2.5 } }),
    /input: size/,
  ],
  [
    'decoder hiddenSize 0 (after its embedding)',
    () =>
      new TokenDecoder({
        vocabularySize: 5,
        input: { kind: 'embedding', size: 3 },
        cell: 'gru',
        hiddenSize: 0,
        rng: new Rng(1),
      }),
    /hiddenSize must be a positive integer/,
  ],
  [
    'decoder attention score',
    () =>
      new TokenDecoder({
        vocabularySize: 5,
        input: { kind: 'onehot' },
        cell: 'gru',
        hiddenSize: 3,
        attention: { score: 'bogus' as never, valueSize: 3 },
        rng: new Rng(1),
      }),
    /attention.score is "bogus"/,
  ],
  [
    'decoder dot widths',
    () =>
      new TokenDecoder({
        vocabularySize: 5,
        input: { kind: 'onehot' },
        cell: 'lstm',
        hiddenSize: 3,
        attention: { score: 'dot', valueSize: 4 },
        rng: new Rng(1),
      }),
    /dot attention needs valueSize 4/,
  ],
  ['captioner seed', () => new Captioner({ ...cap, seed: Number.NaN }), /seed must be an integer/],
];

describe('model constructors refuse bad options before allocating anything', () => {
  for (const [what, build, pattern] of bad) {
    it(`${what}: a RecurError naming the option, no tensor left behind`, () => {
      const before = memory().numTensors;
      expect(build).toThrow(RecurError);
      expect(build).toThrow(pattern);
      expect(memory().numTensors).toBe(before);
    });
  }

  it('good options still build (the saved config is accepted back, architecture included)', () => {
    for (const model of [
      new LanguageModel(lm),
      new Seq2Seq(s2s),
      new SequenceClassifier(clf),
      new Captioner(cap),
    ]) {
      const again = new (model.constructor as new (c: unknown) => typeof model)(model.config);
      expect(again.config).toEqual(model.config);
      for (const p of [...Object.values(model.parameters()), ...Object.values(again.parameters())])
        p.dispose();
    }
  });

  it('buildParameters frees everything made when construction throws part-way', () => {
    const before = memory().numTensors;
    expect(() =>
      buildParameters(
        'Test',
        [],
        (own) => {
          const a = parameter(zeros([3]), 'a');
          own({ parameters: () => ({ a }) });
          const b = parameter(zeros([2, 2]), 'b');
          own({ parameters: () => ({ b }) });
          throw new RecurError('ARGUMENT', 'Test: late failure');
        },
        () => ({}),
      ),
    ).toThrow(/late failure/);
    expect(memory().numTensors).toBe(before);
  });

  it('buildParameters refuses parameters that differ from the description (and frees them)', () => {
    const before = memory().numTensors;
    expect(() =>
      buildParameters(
        'Test',
        [{ name: 'a', shape: [3], dtype: 'float32' }],
        (own) => {
          const a = parameter(zeros([4]), 'a');
          return own({ parameters: () => ({ a }) });
        },
        (built) => built.parameters(),
      ),
    ).toThrow(/differ from those its configuration describes/);
    expect(memory().numTensors).toBe(before);
  });
});
