import { type DecodingStrategy, LanguageModel } from '@recur/architectures';
import {
  CharTokenizer,
  ngramCrossEntropy,
  splitSizes,
  type TbpttBatch,
  TbpttStream,
  type TokenizerJSON,
  type TokenSource,
  tokenSourceOf,
} from '@recur/datasets';
import { mobyDickSplit, stateOfTheUnionSplit, TextFileCorpus } from '@recur/datasets/node';
import { type Rng, tensor } from '@recur/tensor';
import { count, indentLines, round, table } from '../format.js';
import { println } from '../io.js';
import { tensorBatches } from './examples.js';
import type { Report, ReportContext, RunOptions, SetupSettings, Task, TaskSetup } from './task.js';
import { NO_SPECIALS, plainCharTokenizer } from './tokenizers.js';

/** What a language-model checkpoint keeps as its vocabulary. */
export interface LanguageModelVocabulary {
  tokenizer: TokenizerJSON;
  /** The prompt `recur sample` starts from by default. */
  prompt: string;
}

/** A batch of the character language model: `[B, T]` ids and next ids. */
interface LmBatch {
  inputs: ReturnType<typeof tensor>;
  targets: ReturnType<typeof tensor>;
  /** First batch of an epoch: start from a zero state. */
  reset: boolean;
}

function toBatch(batch: TbpttBatch): LmBatch {
  return {
    inputs: tensor(batch.inputs, batch.shape, 'int32'),
    targets: tensor(batch.targets, batch.shape, 'int32'),
    reset: batch.resetState,
  };
}

const LN2 = Math.log(2);

/** The n-gram baselines are fitted on at most this many training characters (16 MB of ids). */
const BASELINE_CHARS = 1 << 22;

/** The data of a character language model: train and validation ids, read lazily from a file. */
interface Corpus {
  train: TokenSource;
  validation: TokenSource;
  tokenizer: CharTokenizer;
  name: string;
  prompt: string;
  /** Closes the file (nothing for data in memory). */
  close(): void;
}

/** The built-in corpora of `--dataset`: their 90/10 split, name and default prompt. */
const BUILT_IN: Record<
  string,
  { split: () => { train: string; validation: string }; name: string; prompt: string }
> = {
  'moby-dick': { split: mobyDickSplit, name: 'Moby Dick (Melville, 1851)', prompt: 'The whale' },
  sotu: {
    split: stateOfTheUnionSplit,
    name: 'State of the Union addresses (1790–2021)',
    prompt: 'The Congress',
  },
};

/**
 * The corpus of a character language model, split 90/10 into train and validation. A `--file`
 * is never held whole: one streaming pass builds the vocabulary and an index, and the batches
 * are read from the file as training goes (memory does not grow with the file).
 */
async function loadCorpus(options: RunOptions): Promise<Corpus> {
  const known = BUILT_IN[options.dataset];
  if (known) {
    const { train, validation } = known.split();
    const tokenizer = plainCharTokenizer([train, validation]);
    return {
      train: tokenSourceOf(tokenizer.encode(train)),
      validation: tokenSourceOf(tokenizer.encode(validation)),
      tokenizer,
      name: known.name,
      prompt: known.prompt,
      close: () => {},
    };
  }
  const corpus = await TextFileCorpus.open(options.file!);
  try {
    const tokenizer = new CharTokenizer(corpus.vocabulary({ specials: NO_SPECIALS }));
    const sizes = splitSizes(corpus.characters, { train: 0.9, validation: 0.1 });
    // The first words of the training text (up to 16 characters) prompt the sample.
    const head = [...corpus.text(0, Math.min(sizes.train, 256)).trimStart()].slice(0, 16).join('');
    const prompt =
      (head.includes(' ') ? head.slice(0, head.lastIndexOf(' ')) : head) || corpus.text(0, 1);
    return {
      train: corpus.tokens(tokenizer, 0, sizes.train),
      validation: corpus.tokens(tokenizer, sizes.train, sizes.train + sizes.validation),
      tokenizer,
      name: options.file!,
      prompt,
      close: () => corpus.close(),
    };
  } catch (error) {
    corpus.close();
    throw error;
  }
}

/** The validation characters scored by default (`--val-chars`). */
export const VALIDATION_CHARS = 20_000;

/** The held-out slice: the first `characters` of the validation split (at least 4). */
function validationSlice(corpus: Corpus, characters: number): Int32Array {
  const { validation } = corpus;
  const slice = validation.read(0, Math.min(characters, validation.length)).slice();
  if (slice.length < 4) {
    throw new Error(`the validation split has ${slice.length} characters; need at least 4`);
  }
  return slice as Int32Array;
}

/**
 * B parallel streams over the slice (B ≤ 8, 64 steps a chunk), state carried along each, every
 * remaining step scored: the same batches every time (a fixed held-out slice).
 */
function validationStream(slice: Int32Array): TbpttStream {
  const batchSize = Math.max(1, Math.min(8, Math.floor((slice.length - 1) / 64)));
  return new TbpttStream(slice, { batchSize, steps: 64, remainder: 'keep' });
}

/** Picks the generation strategy for a temperature (0 = greedy). */
export function strategyFor(temperature: number, topK?: number, topP?: number): DecodingStrategy {
  if (temperature === 0) return { kind: 'greedy' };
  return {
    kind: 'sample',
    temperature,
    ...(topK !== undefined ? { topK } : {}),
    ...(topP !== undefined ? { topP } : {}),
  };
}

/** Generates `length` characters after `prompt` and returns the prompt followed by them. */
export function generateText(
  model: LanguageModel,
  tokenizer: CharTokenizer,
  prompt: string,
  length: number,
  strategy: DecodingStrategy,
  seed: number,
): string {
  const ids = Array.from(tokenizer.encode(prompt));
  const out = model.generate({ prompt: ids, maxTokens: length, strategy, seed });
  return prompt + tokenizer.decode(out);
}

/**
 * `recur train --arch lm`: a character-level language model (many-to-many) on Moby Dick or a
 * text file, trained with truncated BPTT over B parallel streams whose state carries from one
 * chunk to the next; reported as validation nats/char beside n-gram baselines, and a sample.
 */
export const languageModelTask: Task = {
  arch: 'lm',

  async setup(options: RunOptions, _io, settings: SetupSettings = {}): Promise<TaskSetup> {
    const corpus = await loadCorpus(options);
    const { tokenizer, train } = corpus;
    const V = tokenizer.vocabulary.size;
    const streamOptions = { batchSize: options.batch, steps: options.seqLen };
    // Fails early when the text is too short for the batch shape with any offset; offset 0 gives
    // the most batches an epoch can have (for the progress bar of --epochs).
    let probe: TbpttStream;
    let slice: Int32Array;
    let stream: TbpttStream;
    try {
      new TbpttStream(train, { ...streamOptions, randomOffset: true });
      probe = new TbpttStream(train, streamOptions);
      slice = validationSlice(corpus, settings.valChars ?? VALIDATION_CHARS);
      stream = validationStream(slice);
    } catch (error) {
      corpus.close();
      throw error;
    }
    const model = new LanguageModel({
      vocabularySize: V,
      hiddenSize: options.hidden,
      numLayers: options.layers,
      cell: options.cell,
      ...(options.cellOptions ? { cellOptions: options.cellOptions } : {}),
      input:
        options.embedding > 0 ? { kind: 'embedding', size: options.embedding } : { kind: 'onehot' },
      dropout: options.dropout,
      seed: options.seed,
    });
    const vocabulary: LanguageModelVocabulary = {
      tokenizer: tokenizer.toJSON(),
      prompt: corpus.prompt,
    };
    return {
      model,
      // A new random offset every epoch (seeded by the trainer), so chunk borders move.
      data: (_epoch: number, rng: Rng) => {
        const stream = new TbpttStream(train, {
          ...streamOptions,
          randomOffset: true,
          seed: rng.int(2 ** 31),
        });
        return tensorBatches(stream.epochIterator(), toBatch);
      },
      batchesPerEpoch: probe.batchesPerEpoch,
      validation: () => tensorBatches(stream.epochIterator(), toBatch),
      validationDescription: `the first ${count(slice.length)} characters of the validation split`,
      unit: 'characters',
      carryState: (batch) => (batch as LmBatch).reset,
      vocabulary,
      description: `${corpus.name}, train split: ${count(train.length)} characters, ${V} symbols`,
      report: (context) => report(context, model, corpus, options, stream),
      close: () => corpus.close(),
    };
  },
};

async function report(
  context: ReportContext,
  model: LanguageModel,
  corpus: Corpus,
  options: RunOptions,
  stream: TbpttStream,
): Promise<Report> {
  const { io, human, flags } = context;
  const { tokenizer, train } = corpus;
  const V = tokenizer.vocabulary.size;
  const slice = validationSlice(corpus, flags.valChars);
  const scored = stream.streamLength * stream.batchSize;
  const nats =
    context.validationLoss ??
    (await context.evaluate(() => tensorBatches(stream.epochIterator(), toBatch)));
  // Fitted on (at most) the first BASELINE_CHARS training characters: bounded memory.
  const fitted = train.read(0, Math.min(train.length, BASELINE_CHARS)).slice();
  const ngram = (order: number) => ngramCrossEntropy(fitted, slice, { order, vocabSize: V });
  const baselines = {
    uniform: Math.log(V),
    unigram: ngram(1),
    bigram: ngram(2),
    trigram: ngram(3),
  };
  const prompt = flags.prompt ?? corpus.prompt;
  const strategy = strategyFor(flags.temperature);
  const text = generateText(model, tokenizer, prompt, flags.length, strategy, options.seed);
  if (human) {
    const row = (name: string, x: number) => [
      name,
      `${x.toFixed(3)} nats/char`,
      `${(x / LN2).toFixed(3)} bits/char`,
    ];
    println(
      io.stdout,
      `\nValidation loss on the first ${count(slice.length)} characters of the validation split (${count(scored)} scored):`,
    );
    if (fitted.length < train.length) {
      println(
        io.stdout,
        `(n-gram baselines fitted on the first ${count(fitted.length)} training characters)`,
      );
    }
    println(
      io.stdout,
      table([
        row(`${options.cell.toUpperCase()} (this model)`, nats),
        row('unigram baseline', baselines.unigram),
        row('bigram baseline', baselines.bigram),
        row('trigram baseline', baselines.trigram),
        row(`uniform (ln ${V})`, baselines.uniform),
      ]),
    );
    const how = flags.temperature === 0 ? 'greedy' : `temperature ${flags.temperature}`;
    println(io.stdout, `\nGenerated text (${how}, prompt ${JSON.stringify(prompt)}):\n`);
    println(io.stdout, indentLines(text));
  }
  return {
    validation: {
      natsPerChar: round(nats),
      bitsPerChar: round(nats / LN2),
      characters: slice.length,
      scored,
    },
    baselines: Object.fromEntries(Object.entries(baselines).map(([k, v]) => [k, round(v)])),
    baselineCharacters: fitted.length,
    sample: { prompt, temperature: flags.temperature, text },
  };
}
