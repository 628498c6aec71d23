import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import {
  disposeModel,
  LanguageModel,
  loadModelWithExtras,
  type Model,
  modelFromPyTorch,
  readSafetensors,
  SequenceClassifier,
} from '@recur/architectures';
import { tokenizerFromJSON } from '@recur/datasets';
import { loadTfjsModel } from '@recur/tfjs/node';
import { saveCheckpoint } from '@recur/train/node';
import type { RecurMetadata } from '../checkpoint.js';
import { UsageError } from '../errors.js';
import { type FlagSpecs, helpText, parseFlags } from '../flags.js';
import { type Command, println } from '../io.js';
import type { Arch } from '../tasks/task.js';
import { savedOptions } from '../training/saved-options.js';
import { savedVocabulary } from '../training/saved-vocabulary.js';

const summary =
  'turn a TF.js model folder, a safetensors file (recur or PyTorch names) or a .recur file into a checkpoint';
const usage = 'recur import <file|dir> [--vocabulary <json>] [--arch lm|classify] [--out <path>]';
const notes = `Sources: a TF.js Layers model (its folder or model.json; a vocabulary.json beside it is
read, as recur export --to tfjs writes it), a .safetensors file (recur export's, or a PyTorch
state dict: give --arch), or a legacy .recur file. The checkpoint works with recur sample (lm) and
recur classify (text classifiers); the vocabulary (recur export writes it: vocabulary.json, or the
safetensors metadata) maps characters or words to the model's token ids.`;

const specs: FlagSpecs = {
  vocabulary: {
    type: 'string',
    kind: 'file',
    value: '<json>',
    help: "the tokenizer and labels as recur export writes them (default: the source's own)",
  },
  arch: {
    type: 'string',
    choices: ['lm', 'classify'],
    value: '<arch>',
    help: 'for a PyTorch state dict without recur metadata: which model its tensors are',
  },
  out: {
    type: 'string',
    kind: 'path',
    value: '<path>',
    help: 'the checkpoint to write (default: the source path with .ckpt)',
  },
  json: { type: 'boolean', help: 'print one JSON object' },
};

const ARCH_OF: Record<string, Arch> = {
  LanguageModel: 'lm',
  SequenceClassifier: 'classify',
  Seq2Seq: 'seq2seq',
  Captioner: 'caption',
};

/** The model in `source` and the vocabulary it carries, if any. */
function readModel(
  source: string,
  arch: string | undefined,
): { model: Model; vocabulary: unknown } {
  if (statSync(source).isDirectory() || extname(source) === '.json') {
    const folder = statSync(source).isDirectory() ? source : dirname(source);
    const beside = join(folder, 'vocabulary.json');
    const model = loadTfjsModel(source);
    return {
      model,
      vocabulary: existsSync(beside) ? readJson(beside, 'vocabulary.json') : undefined,
    };
  }
  const bytes = new Uint8Array(readFileSync(source));
  const legacy = bytes.length >= 8 && new TextDecoder().decode(bytes.subarray(0, 8)) === 'RECURMDL';
  if (!legacy && arch !== undefined) {
    const recorded = readSafetensors(bytes, `recur import (${source})`).metadata['recur.config'];
    if (recorded === undefined) {
      const architecture = arch === 'lm' ? 'LanguageModel' : 'SequenceClassifier';
      return {
        model: modelFromPyTorch(bytes, { architecture }, { name: source }),
        vocabulary: undefined,
      };
    }
  }
  const { model, vocabulary } = loadModelWithExtras(bytes, { name: source });
  return { model, vocabulary };
}

function readJson(path: string, what: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`recur import: ${what} ${path} is not JSON (${(error as Error).message})`);
  }
}

/** A language model's tokenizer must have one token per row of its output layer. */
function checkVocabularySize(model: Model, vocabulary: unknown, where: string): void {
  if (!(model instanceof LanguageModel)) return;
  const tokens = tokenizerFromJSON((vocabulary as { tokenizer: unknown }).tokenizer).vocabulary
    .size;
  if (tokens !== model.config.vocabularySize) {
    throw new UsageError(
      `recur import: the vocabulary of ${where} has ${tokens} tokens; the model predicts ${model.config.vocabularySize}`,
    );
  }
}

/** The run options `recur train` would have used for this model (checked as on a resume). */
function runOptions(model: Model, arch: Arch, out: string, vocabulary: unknown) {
  const c = model.config as unknown as Record<string, unknown>;
  const input = c.input as { kind: string; size?: number };
  const digits = (vocabulary as { input?: unknown }).input === 'digits';
  const raw = {
    arch,
    dataset: arch === 'classify' && digits ? 'mnist-rows' : arch === 'lm' ? 'moby-dick' : 'spam',
    file: null,
    cell: c.cell,
    hidden: c.hiddenSize,
    layers: c.numLayers,
    embedding: input.kind === 'embedding' ? input.size : arch === 'lm' ? 0 : 32,
    dropout: c.dropout,
    optimizer: 'adam',
    lr: arch === 'lm' ? 0.02 : 0.005,
    clipNorm: 5,
    clipValue: null,
    batch: arch === 'lm' ? 16 : 32,
    seqLen: arch === 'lm' ? 32 : 100,
    examples: 0,
    attention: 'none',
    seed: 1,
  };
  return savedOptions('import', out, raw);
}

/** `recur import`: a model from another format as a checkpoint `sample` / `classify` read. */
export const importCommand: Command = {
  summary,
  run: async (argv, io) => {
    const flags = parseFlags('import', argv, specs, { positionals: '<file|dir>' });
    if (flags.bool('help')) {
      io.stdout.write(helpText('import', summary, usage, specs, notes));
      return;
    }
    if (flags.positionals.length !== 1) {
      throw flags.error(`give one file or folder to import; got ${flags.positionals.length}`);
    }
    const source = flags.positionals[0]!;
    if (!existsSync(source)) throw flags.error(`${source} does not exist`);
    const out =
      flags.string('out') ??
      join(dirname(source), `${basename(source, extname(source)) || 'model'}.ckpt`);
    const { model, vocabulary: carried } = readModel(source, flags.string('arch'));
    try {
      const arch = ARCH_OF[model.config.architecture]!;
      if (!(model instanceof LanguageModel || model instanceof SequenceClassifier)) {
        throw new UsageError(
          `recur import: ${source} holds a ${model.config.architecture}; recur sample and classify read language models and classifiers`,
        );
      }
      const given = flags.string('vocabulary');
      const raw = given !== undefined ? readJson(given, '--vocabulary') : carried;
      if (raw === undefined) {
        throw flags.error(
          `${source} carries no vocabulary; give --vocabulary <json> (the tokenizer${arch === 'classify' ? ' and labels' : ''} recur export writes)`,
        );
      }
      const vocabulary = savedVocabulary('import', given ?? source, arch, raw);
      checkVocabularySize(model, vocabulary, given ?? source);
      const metadata: RecurMetadata = {
        version: 1,
        options: runOptions(model, arch, out, vocabulary),
        description: `imported from ${source}`,
      };
      const parameters = Object.fromEntries(
        Object.entries(model.parameters()).map(([name, p]) => [name, p.value]),
      );
      saveCheckpoint(out, {
        step: 0,
        config: model.config,
        vocabulary,
        parameters,
        metadata: { recur: metadata },
      });
      if (flags.bool('json')) {
        println(
          io.stdout,
          JSON.stringify({ command: 'import', source, checkpoint: out, architecture: arch }),
        );
      } else {
        println(
          io.stdout,
          `recur import: wrote ${out} (${model.config.architecture}) from ${source}`,
        );
      }
    } finally {
      disposeModel(model);
    }
  },
};
