import type { Seq2Seq } from '@recur/architectures';
import { defaultCheckpointPath } from '../checkpoint.js';
import type { FlagSpecs } from '../flags.js';
import { round, table } from '../format.js';
import { type Command, println } from '../io.js';
import {
  loadPairs,
  scoreTranslations,
  type TranslationVocabulary,
  translateTexts,
} from '../tasks/translation.js';
import { dataFileAgain } from '../training/resume-data.js';
import { dataFileFlag, inferenceCommand, inferenceFlags } from './common.js';

const specs: FlagSpecs = {
  ...inferenceFlags(defaultCheckpointPath('seq2seq')),
  file: dataFileFlag,
  beam: {
    type: 'string',
    short: 'k',
    kind: 'int',
    max: 64,
    min: 1,
    default: '1',
    value: '<n>',
    help: 'beam width; 1 = greedy decoding',
  },
  examples: {
    type: 'string',
    kind: 'int',
    max: 100_000,
    min: 1,
    default: '10',
    value: '<n>',
    help: 'without texts: held-out pairs to translate and score',
  },
};

const NOTES = `Examples:
  recur translate "25 November 2026" "Sunday, May 3, 1987"     (after recur train --arch seq2seq)
  recur translate --beam 4                                     (held-out pairs of the training data)`;

/** `recur translate`. */
export const translateCommand: Command = inferenceCommand({
  name: 'translate',
  arch: 'seq2seq',
  summary: 'translate with an encoder-decoder checkpoint (greedy or beam search)',
  usage: 'recur translate [text…] [--beam <n>] [options]',
  notes: NOTES,
  specs,
  positionals: '[text…]',
  body: async ({ flags, path, trained, io }) => {
    const model = trained.model as Seq2Seq;
    const vocabulary = trained.vocabulary as TranslationVocabulary;
    const beam = flags.numberOr('beam', 1);
    const json = flags.bool('json');
    if (flags.positionals.length > 0) {
      const out = translateTexts(model, vocabulary, flags.positionals, beam);
      const results = flags.positionals.map((source, i) => ({ source, translation: out[i]! }));
      if (json)
        println(
          io.stdout,
          JSON.stringify({ command: 'translate', checkpoint: path, beam, results }),
        );
      else for (const r of results) println(io.stdout, `${r.source} → ${r.translation}`);
      return;
    }
    const { options } = await dataFileAgain(
      flags,
      path,
      trained.metadata,
      io,
      'to score held-out pairs (or give texts to translate)',
    );
    const { heldOut } = await loadPairs(options);
    const pairs = heldOut.slice(0, flags.numberOr('examples', 10));
    const out = translateTexts(
      model,
      vocabulary,
      pairs.map((p) => p.source),
      beam,
    );
    const score = scoreTranslations(
      out,
      pairs.map((p) => p.target),
    );
    const results = pairs.map((p, i) => ({
      source: p.source,
      expected: p.target,
      translation: out[i]!,
    }));
    if (json) {
      println(
        io.stdout,
        JSON.stringify({
          command: 'translate',
          checkpoint: path,
          beam,
          exactMatch: round(score.exact),
          characterAccuracy: round(score.perCharacter),
          results,
        }),
      );
      return;
    }
    println(
      io.stdout,
      table(
        [
          ['source', 'expected', 'model', ''],
          ...results.map((r) => [
            r.source,
            r.expected,
            r.translation,
            r.translation === r.expected ? 'ok' : 'wrong',
          ]),
        ],
        '',
      ),
    );
    println(
      io.stdout,
      `\n${(100 * score.exact).toFixed(1)} % of ${results.length} held-out pairs exactly right (${beam === 1 ? 'greedy' : `beam ${beam}`}), ${(100 * score.perCharacter).toFixed(1)} % of characters`,
    );
  },
});
