import type { Captioner } from '@recur/architectures';
import { defaultCheckpointPath } from '../checkpoint.js';
import type { FlagSpecs } from '../flags.js';
import { round } from '../format.js';
import { type Command, println } from '../io.js';
import {
  type CaptionVocabulary,
  captionStrips,
  composeStrip,
  drawStrip,
  heldOutStrips,
} from '../tasks/captioning.js';
import { mnistSplit } from '../tasks/digits.js';
import { inferenceCommand, inferenceFlags } from './common.js';

const specs: FlagSpecs = {
  ...inferenceFlags(defaultCheckpointPath('caption')),
  digits: {
    type: 'string',
    value: '<digits>',
    help: 'caption a strip of these digits (e.g. 314), drawn from held-out images',
  },
  examples: {
    type: 'string',
    kind: 'int',
    max: 1000,
    min: 1,
    default: '3',
    value: '<n>',
    help: 'without --digits: held-out strips to caption',
  },
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
};

/** `recur caption`. */
export const captionCommand: Command = inferenceCommand({
  name: 'caption',
  arch: 'caption',
  summary: 'caption digit strips with a captioning checkpoint',
  usage: 'recur caption [--digits 314 | --examples 3] [--beam <n>] [options]',
  notes: 'The checkpoint comes from recur train --arch caption. Strips are drawn as text.',
  specs,
  body: async ({ flags, path, trained, io }) => {
    const model = trained.model as Captioner;
    const vocabulary = trained.vocabulary as CaptionVocabulary;
    const beam = flags.numberOr('beam', 1);
    const F = model.config.featureSize;
    let images: Float32Array;
    let truth: string[] | null = null;
    const digits = flags.string('digits');
    if (digits !== undefined) {
      if (!/^[0-9]+$/.test(digits) || digits.length > vocabulary.maxDigits) {
        throw flags.error(
          `--digits must be 1 to ${vocabulary.maxDigits} digits 0-9; got '${digits}'`,
        );
      }
      images = composeStrip(
        mnistSplit(trained.metadata.options.seed).heldOut,
        [...digits].map(Number),
        vocabulary.maxDigits,
      );
    } else {
      const { strips } = heldOutStrips(trained.metadata.options, flags.numberOr('examples', 3));
      images = strips.images;
      truth = strips.captions;
    }
    const n = images.length / F;
    const captions = captionStrips(model, vocabulary, images, n, beam);
    const results = captions.map((caption, i) => ({
      caption,
      ...(truth ? { expected: truth[i]! } : { digits }),
    }));
    if (flags.bool('json')) {
      const exact = truth
        ? round(results.filter((r, i) => r.caption === truth![i]).length / n)
        : null;
      println(
        io.stdout,
        JSON.stringify({ command: 'caption', checkpoint: path, beam, exactMatch: exact, results }),
      );
      return;
    }
    results.forEach((r, i) => {
      println(io.stdout, drawStrip(images.subarray(i * F, (i + 1) * F), vocabulary.maxDigits));
      println(io.stdout, `  model: ${r.caption}${truth ? ` · true: ${truth[i]}` : ''}\n`);
    });
  },
});
