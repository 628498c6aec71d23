import type { SequenceClassifier } from '@recur/architectures';
import { mnistRowSequences } from '@recur/datasets';
import { defaultCheckpointPath } from '../checkpoint.js';
import type { FlagSpecs } from '../flags.js';
import { round, table } from '../format.js';
import { type Command, println } from '../io.js';
import {
  type ClassifierVocabulary,
  classifyDigits,
  classifyTexts,
  loadLabeledTexts,
} from '../tasks/classification.js';
import { mnistSplit } from '../tasks/digits.js';
import { excerpt } from '../tasks/examples.js';
import { dataFileAgain } from '../training/resume-data.js';
import { dataFileFlag, inferenceCommand, inferenceFlags } from './common.js';

const specs: FlagSpecs = {
  ...inferenceFlags(defaultCheckpointPath('classify')),
  file: dataFileFlag,
  examples: {
    type: 'string',
    kind: 'int',
    max: 100_000,
    min: 1,
    default: '10',
    value: '<n>',
    help: 'without texts: held-out examples to show (accuracy uses all)',
  },
};

const NOTES = `Examples:
  recur classify "Win a FREE cruise, click here now!!!" "Are we still on for lunch?"
  recur classify --examples 5          (held-out e-mails, or digits for a mnist-rows model)`;

/** `recur classify`. */
export const classifyCommand: Command = inferenceCommand({
  name: 'classify',
  arch: 'classify',
  summary: 'classify texts or digits with a sequence-classifier checkpoint',
  usage: 'recur classify [text…] [options]',
  notes: NOTES,
  specs,
  positionals: '[text…]',
  body: async ({ flags, path, trained, io }) => {
    const model = trained.model as SequenceClassifier;
    const vocabulary = trained.vocabulary as ClassifierVocabulary;
    const json = flags.bool('json');
    const show = flags.numberOr('examples', 10);
    if (flags.positionals.length > 0) {
      if (vocabulary.input !== 'text') {
        throw flags.error(
          `${path} classifies MNIST digits, not texts; leave the texts out to classify held-out digits`,
        );
      }
      const out = classifyTexts(model, vocabulary, flags.positionals);
      const results = flags.positionals.map((text, i) => ({
        text,
        label: vocabulary.labels[out[i]!.label]!,
        probability: round(out[i]!.probabilities[out[i]!.label]!),
      }));
      if (json)
        println(io.stdout, JSON.stringify({ command: 'classify', checkpoint: path, results }));
      else
        for (const r of results)
          println(
            io.stdout,
            `${r.label} (${(100 * r.probability).toFixed(1)} %)  ${excerpt(r.text, 70)}`,
          );
      return;
    }
    let results: { example: string; label: string; predicted: string }[];
    if (vocabulary.input === 'text') {
      const { options } = await dataFileAgain(
        flags,
        path,
        trained.metadata,
        io,
        'to show held-out examples (or give texts to classify)',
      );
      const { heldOut } = await loadLabeledTexts(options);
      const out = classifyTexts(
        model,
        vocabulary,
        heldOut.map((e) => e.text),
      );
      results = heldOut.map((e, i) => ({
        example: excerpt(e.text, 50),
        label: vocabulary.labels[e.label]!,
        predicted: vocabulary.labels[out[i]!.label]!,
      }));
    } else {
      const held = mnistRowSequences(mnistSplit(trained.metadata.options.seed).heldOut);
      const out = classifyDigits(model, held.inputs, held.labels.length);
      results = Array.from(held.labels, (label, i) => ({
        example: `digit image ${i + 1}`,
        label: String(label),
        predicted: String(out[i]),
      }));
    }
    const accuracy = results.filter((r) => r.label === r.predicted).length / results.length;
    const shown = results.slice(0, show);
    if (json) {
      println(
        io.stdout,
        JSON.stringify({
          command: 'classify',
          checkpoint: path,
          heldOut: results.length,
          accuracy: round(accuracy),
          results: shown,
        }),
      );
      return;
    }
    println(
      io.stdout,
      table(
        [['example', 'label', 'model'], ...shown.map((r) => [r.example, r.label, r.predicted])],
        '',
      ),
    );
    println(
      io.stdout,
      `\nHeld-out accuracy: ${(100 * accuracy).toFixed(1)} % of ${results.length} examples`,
    );
  },
});
