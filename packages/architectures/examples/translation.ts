/**
 * Many-to-many, different lengths — an encoder–decoder. By default the Keras `addition_rnn`
 * task ("12+345" reversed → "357"; 2 digits, 5,000 examples, the encoder's final state starts
 * the decoder); with `TASK=dates`, date-format translation ("25 November 2026" → "2026-11-25")
 * with Luong (dot) attention. Prints per-character and whole-sequence accuracy on held-out pairs, and
 * greedy vs beam-search decodes.
 *
 *   node --import tsx examples/translation.ts
 *   TASK=dates node --import tsx examples/translation.ts
 *   SCHEDULED=1 node --import tsx examples/translation.ts   # scheduled sampling (slower)
 *
 * When written: addition, 16 epochs: 99.8 % per character, 99.4 % whole answers (500 held-out;
 * beam 100 % on 100); dates, 6 epochs: 99.5 % / 97.3 % (300 held-out).
 */

import {
  Seq2Seq,
  type Seq2SeqBatch,
  scheduledSamplingRatio,
  seq2seqTensors,
} from '@recur/architectures';
import {
  ADDITION_CHARS,
  additionProblems,
  CharTokenizer,
  dateTranslation,
  seq2seqBatch,
} from '@recur/datasets';
import type { Rng } from '@recur/tensor';
import { Adam, stepDecay, Trainer } from '@recur/train';

const dates = process.env.TASK === 'dates';
const pairs = dates
  ? dateTranslation({ count: 3300, seed: 1 }).map((p) => ({ source: p.source, target: p.target }))
  : additionProblems({ count: 5000, digits: 2, seed: 1 }).map((e) => ({
      source: e.question,
      target: e.answer,
    }));
const held = dates ? 300 : 500;
const train = pairs.slice(0, pairs.length - held);
const test = pairs.slice(pairs.length - held);

const tokenizer = CharTokenizer.fromText(
  dates ? pairs.flatMap((p) => [p.source, p.target]) : [ADDITION_CHARS],
  {
    vocabulary: { specials: { unk: false } },
  },
);
const vocabulary = tokenizer.vocabulary;
const encode = (text: string) => Array.from(tokenizer.encode(text));

function toBatch(rows: typeof train): Seq2SeqBatch {
  const b = seq2seqBatch(
    rows.map((p) => ({ source: tokenizer.encode(p.source), target: tokenizer.encode(p.target) })),
    { padId: vocabulary.padId, bosId: vocabulary.bosId, eosId: vocabulary.eosId },
  );
  return seq2seqTensors(b);
}

const model = new Seq2Seq({
  sourceVocabularySize: vocabulary.size,
  targetVocabularySize: vocabulary.size,
  sourceInput: dates ? { kind: 'embedding', size: 16 } : { kind: 'onehot' },
  targetInput: dates ? { kind: 'embedding', size: 16 } : { kind: 'onehot' },
  cell: 'lstm',
  hiddenSize: 64,
  attention: dates ? 'dot' : null,
  startToken: vocabulary.bosId,
  stopToken: vocabulary.eosId,
  seed: 1,
});
if (process.env.SCHEDULED) {
  // A schedule of the step: evaluated at every update's step, so a resumed run matches too.
  model.teacherForcing = (step) => scheduledSamplingRatio(step, { kind: 'inverseSigmoid', k: 300 });
}

const B = 32;
const epochs = Number(process.env.EPOCHS ?? (dates ? 6 : 16));
const batchesPerEpoch = Math.ceil(train.length / B);
const trainer = new Trainer({
  model,
  optimizer: new Adam(model.parameters(), { lr: dates ? 0.01 : 0.015 }),
  schedule: stepDecay({ stepSize: batchesPerEpoch, gamma: dates ? 1 : 0.88 }), // ×gamma per epoch
  // A fresh shuffle every epoch, seeded by the trainer.
  data: (_epoch: number, rng: Rng) => {
    const order = rng.shuffle(train.map((_, i) => i));
    return Array.from({ length: batchesPerEpoch }, (_, k) =>
      toBatch(order.slice(k * B, (k + 1) * B).map((i) => train[i]!)),
    );
  },
  disposeBatches: true,
  epochs,
  callbacks: {
    onEpoch: ({ epoch, loss }) => {
      const { perChar, whole } = accuracy(translate(test.slice(0, 200)), test.slice(0, 200));
      console.log(
        `epoch ${epoch}: loss ${loss.toFixed(4)}, held-out ${pct(perChar)} per char, ${pct(whole)} whole`,
      );
    },
  },
});

function translate(rows: typeof test, beamWidth = 1): string[] {
  const maxLength = Math.max(...rows.map((p) => p.target.length)) + 1;
  return model
    .translate(
      rows.map((p) => encode(p.source)),
      { maxLength, beamWidth },
    )
    .map((ids) => tokenizer.decode(ids));
}
function accuracy(predicted: string[], rows: typeof test): { perChar: number; whole: number } {
  let chars = 0;
  let right = 0;
  let whole = 0;
  rows.forEach((p, i) => {
    const guess = predicted[i] ?? '';
    for (let k = 0; k < p.target.length; k++) {
      chars++;
      if (guess[k] === p.target[k]) right++;
    }
    if (guess === p.target) whole++;
  });
  return { perChar: right / chars, whole: whole / rows.length };
}
const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

await trainer.fit();
trainer.dispose();

const greedy = accuracy(translate(test), test);
const beam = accuracy(translate(test.slice(0, 100), 4), test.slice(0, 100));
console.log(
  `\nheld-out (${test.length}): greedy ${pct(greedy.perChar)} per char, ${pct(greedy.whole)} whole`,
);
console.log(
  `beam search (width 4, first 100): ${pct(beam.perChar)} per char, ${pct(beam.whole)} whole`,
);
for (const p of test.slice(0, 5)) {
  const [best, second] = model.beamSearch(encode(p.source), {
    maxLength: p.target.length + 2,
    beamWidth: 4,
    numResults: 2,
  });
  const show = (h: typeof best) =>
    h ? `${JSON.stringify(tokenizer.decode(h.tokens))} (score ${h.score.toFixed(3)})` : '-';
  const question = dates ? p.source : [...p.source].reverse().join('').trim(); // Keras feeds it reversed
  console.log(
    `${JSON.stringify(question)} → ${show(best)}; runner-up ${show(second)}; truth ${JSON.stringify(p.target)}`,
  );
}
