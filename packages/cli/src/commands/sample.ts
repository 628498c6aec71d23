import type { LanguageModel } from '@recur/architectures';
import { type CharTokenizer, tokenizerFromJSON } from '@recur/datasets';
import { defaultCheckpointPath } from '../checkpoint.js';
import type { FlagSpecs } from '../flags.js';
import { type Command, println } from '../io.js';
import {
  generateText,
  type LanguageModelVocabulary,
  strategyFor,
} from '../tasks/language-model.js';
import { inferenceCommand, inferenceFlags } from './common.js';

const specs: FlagSpecs = {
  ...inferenceFlags(defaultCheckpointPath('lm')),
  prompt: {
    type: 'string',
    short: 'p',
    value: '<text>',
    help: 'text to start from (default: the one recur train used)',
  },
  length: {
    type: 'string',
    short: 'n',
    kind: 'int',
    max: 100_000,
    min: 0,
    default: '300',
    value: '<n>',
    help: 'characters to generate',
  },
  temperature: {
    type: 'string',
    short: 't',
    kind: 'number',
    max: 100,
    min: 0,
    default: '0.8',
    value: '<t>',
    help: 'divides the logits; lower is safer, 0 = greedy',
  },
  'top-k': {
    type: 'string',
    kind: 'int',
    max: 100_000,
    min: 1,
    value: '<k>',
    help: 'sample among the k most likely characters only',
  },
  'top-p': {
    type: 'string',
    kind: 'number',
    min: 0,
    exclusiveMin: true,
    max: 1,
    value: '<p>',
    help: 'sample from the smallest set of characters with probability >= p',
  },
  seed: {
    type: 'string',
    kind: 'int',
    max: 2 ** 31 - 1,
    min: 0,
    default: '1',
    value: '<n>',
    help: 'seed of the sampling',
  },
};

/** `recur sample`. */
export const sampleCommand: Command = inferenceCommand({
  name: 'sample',
  arch: 'lm',
  summary: 'generate text from a language-model checkpoint, optionally from a prompt',
  usage: 'recur sample [--prompt <text>] [--length 300] [--temperature 0.8] [options]',
  notes:
    "The checkpoint comes from recur train --arch lm (the default run writes checkpoints/lm.ckpt).\nEvery character of the prompt must be in the model's vocabulary.",
  specs,
  body: async ({ flags, path, trained, io }) => {
    const model = trained.model as LanguageModel;
    const vocabulary = trained.vocabulary as LanguageModelVocabulary;
    const tokenizer = tokenizerFromJSON(vocabulary.tokenizer) as CharTokenizer;
    const prompt = flags.string('prompt') ?? vocabulary.prompt;
    if (prompt === '') throw flags.error('--prompt is empty; give at least one character');
    const unknown = [...new Set(prompt)].filter((ch) => !tokenizer.vocabulary.has(ch));
    if (unknown.length > 0) {
      throw flags.error(
        `--prompt has characters the model never saw: ${unknown.map((ch) => JSON.stringify(ch)).join(', ')} (its vocabulary has ${tokenizer.vocabulary.size} characters)`,
      );
    }
    const temperature = flags.numberOr('temperature', 0.8);
    const topK = flags.number('top-k');
    const topP = flags.number('top-p');
    const seed = flags.numberOr('seed', 1);
    const length = flags.numberOr('length', 300);
    const text = generateText(
      model,
      tokenizer,
      prompt,
      length,
      strategyFor(temperature, topK, topP),
      seed,
    );
    if (flags.bool('json')) {
      println(
        io.stdout,
        JSON.stringify({
          command: 'sample',
          checkpoint: path,
          step: trained.step,
          prompt,
          length,
          temperature,
          topK: topK ?? null,
          topP: topP ?? null,
          seed,
          text,
        }),
      );
    } else {
      println(io.stdout, text);
    }
  },
});
