import { Seq2Seq, seq2seqTensors } from '@recur/architectures';
import {
  additionProblems,
  CharTokenizer,
  DatasetError,
  dateTranslation,
  seq2seqBatch,
  splitArray,
  type TokenizerJSON,
  tokenizerFromJSON,
} from '@recur/datasets';
import { readTranslationPairs } from '@recur/datasets/node';
import { count, round, table } from '../format.js';
import { println } from '../io.js';
import { batchCount, excerpt, orderedBatches, shuffledBatches } from './examples.js';
import type { Report, ReportContext, RunOptions, Task, TaskSetup } from './task.js';

/** A source → target string pair. */
export interface TextPair {
  source: string;
  target: string;
}

/** What a seq2seq checkpoint keeps as its vocabulary. */
export interface TranslationVocabulary {
  source: TokenizerJSON;
  target: TokenizerJSON;
  /** The longest target seen in training (tokens), to bound decoding. */
  maxTargetLength: number;
}

/** The pairs of a dataset, split 90/10 (seeded) into train and held-out. */
export async function loadPairs(
  options: RunOptions,
): Promise<{ train: TextPair[]; heldOut: TextPair[]; name: string }> {
  let pairs: TextPair[];
  let name: string;
  if (options.dataset === 'dates') {
    pairs = dateTranslation({ count: options.examples, seed: options.seed }).map(
      ({ source, target }) => ({ source, target }),
    );
    name = 'dates ("25 November 2026" → "2026-11-25")';
  } else if (options.dataset === 'addition') {
    pairs = additionProblems({
      count: options.examples,
      digits: 3,
      reverse: false,
      pad: false,
      seed: options.seed,
    }).map(({ question, answer }) => ({ source: question, target: answer }));
    name = 'addition ("12+345" → "357")';
  } else {
    pairs = [];
    for await (const { source, target } of readTranslationPairs(options.file!))
      pairs.push({ source, target });
    name = options.file!;
  }
  if (pairs.length < 10) {
    throw new DatasetError(
      'EMPTY',
      `${name}: ${pairs.length} pairs; need at least 10 to train and hold some out`,
    );
  }
  const { train, validation } = splitArray(
    pairs,
    { train: 0.9, validation: 0.1 },
    { seed: options.seed },
  );
  return { train, heldOut: validation, name };
}

/** The tokenizers of a translation checkpoint. */
export function translationTokenizers(vocabulary: TranslationVocabulary): {
  source: CharTokenizer;
  target: CharTokenizer;
} {
  return {
    source: tokenizerFromJSON(vocabulary.source) as CharTokenizer,
    target: tokenizerFromJSON(vocabulary.target) as CharTokenizer,
  };
}

/** Translates `sources` (greedy, or beam search when `beam` > 1). */
export function translateTexts(
  model: Seq2Seq,
  vocabulary: TranslationVocabulary,
  sources: readonly string[],
  beam: number,
): string[] {
  const { source, target } = translationTokenizers(vocabulary);
  const ids = sources.map((s) => Array.from(source.encode(s)));
  const maxLength = vocabulary.maxTargetLength + 1;
  const out: string[] = [];
  // Greedy decoding runs batched; a few hundred sentences at a time keep memory small.
  for (let i = 0; i < ids.length; i += 256) {
    const chunk = model.translate(ids.slice(i, i + 256), { maxLength, beamWidth: beam });
    for (const row of chunk) out.push(target.decode(row));
  }
  return out;
}

/** Exact-match and per-character accuracy of translations against references. */
export function scoreTranslations(
  predicted: readonly string[],
  expected: readonly string[],
): { exact: number; perCharacter: number } {
  let exact = 0;
  let right = 0;
  let total = 0;
  predicted.forEach((p, i) => {
    const e = expected[i]!;
    if (p === e) exact++;
    const pc = [...p];
    const ec = [...e];
    for (let j = 0; j < ec.length; j++) if (pc[j] === ec[j]) right++;
    total += Math.max(ec.length, pc.length);
  });
  return { exact: exact / predicted.length, perCharacter: total === 0 ? 1 : right / total };
}

/** Held-out pairs in the validation slice (at most). */
const VALIDATION_PAIRS = 500;

/**
 * `recur train --arch seq2seq`: an encoder–decoder (many-to-many, different lengths) on
 * character pairs — synthetic dates or additions, or a TSV file — trained with teacher
 * forcing; reported as exact-match accuracy of greedy translations of held-out pairs.
 */
export const translationTask: Task = {
  arch: 'seq2seq',

  async setup(options: RunOptions): Promise<TaskSetup> {
    const { train, heldOut, name } = await loadPairs(options);
    const source = CharTokenizer.fromText(
      train.map((p) => p.source),
      { vocabulary: { specials: { bos: false, eos: false } } },
    );
    // Held-out targets are compared as strings, so the target side needs no UNK.
    const target = CharTokenizer.fromText(
      train.map((p) => p.target),
      { vocabulary: { specials: { unk: false } } },
    );
    const targetVocab = target.vocabulary;
    const examples = train.map((p) => ({
      source: source.encode(p.source),
      target: target.encode(p.target),
    }));
    // The validation slice: the first held-out pairs whose targets use only training symbols.
    const held: typeof examples = [];
    for (const p of heldOut) {
      if (held.length === VALIDATION_PAIRS) break;
      try {
        held.push({ source: source.encode(p.source), target: target.encode(p.target) });
      } catch {
        // a target symbol never seen in training: the loss is undefined there
      }
    }
    const maxTargetLength = Math.max(...examples.map((e) => e.target.length));
    const model = new Seq2Seq({
      sourceVocabularySize: source.vocabulary.size,
      targetVocabularySize: targetVocab.size,
      sourceInput:
        options.embedding > 0 ? { kind: 'embedding', size: options.embedding } : { kind: 'onehot' },
      targetInput:
        options.embedding > 0 ? { kind: 'embedding', size: options.embedding } : { kind: 'onehot' },
      cell: options.cell,
      ...(options.cellOptions ? { cellOptions: options.cellOptions } : {}),
      hiddenSize: options.hidden,
      numLayers: options.layers,
      dropout: options.dropout,
      attention: options.attention === 'none' ? null : options.attention,
      startToken: targetVocab.bosId,
      stopToken: targetVocab.eosId,
      seed: options.seed,
    });
    const vocabulary: TranslationVocabulary = {
      source: source.toJSON(),
      target: target.toJSON(),
      maxTargetLength,
    };
    // PAD is 0 on both sides; the masks keep it out of the encoder state and the loss.
    const ids = { padId: 0, bosId: targetVocab.bosId, eosId: targetVocab.eosId };
    const toBatch = (batch: typeof examples) => seq2seqTensors(seq2seqBatch(batch, ids));
    return {
      model,
      data: shuffledBatches(examples, options.batch, toBatch),
      batchesPerEpoch: batchCount(examples.length, options.batch),
      validation: orderedBatches(held, options.batch, toBatch),
      validationDescription: `teacher-forced loss on ${count(held.length)} held-out pairs`,
      unit: 'target characters',
      vocabulary,
      description: `${name}: ${count(train.length)} training pairs, ${count(heldOut.length)} held out; ${source.vocabulary.size} source and ${targetVocab.size} target symbols`,
      report: (context) => report(context, model, vocabulary, heldOut),
    };
  },
};

async function report(
  context: ReportContext,
  model: Seq2Seq,
  vocabulary: TranslationVocabulary,
  heldOut: readonly TextPair[],
): Promise<Report> {
  const { io, human, flags } = context;
  const pairs = heldOut.slice(0, 1000);
  const predicted = translateTexts(
    model,
    vocabulary,
    pairs.map((p) => p.source),
    1,
  );
  const score = scoreTranslations(
    predicted,
    pairs.map((p) => p.target),
  );
  const shown = pairs
    .slice(0, flags.show)
    .map((p, i) => ({ source: p.source, target: p.target, predicted: predicted[i]! }));
  if (human) {
    println(
      io.stdout,
      `\nHeld-out pairs (${count(pairs.length)}, greedy decoding): ${(100 * score.exact).toFixed(1)} % exactly right, ${(100 * score.perCharacter).toFixed(1)} % of characters`,
    );
    if (shown.length > 0) {
      println(
        io.stdout,
        table([
          ['source', 'expected', 'model', ''],
          ...shown.map((s) => [
            excerpt(s.source, 40),
            excerpt(s.target, 40),
            excerpt(s.predicted, 40),
            s.predicted === s.target ? 'ok' : 'wrong',
          ]),
        ]),
      );
    }
  }
  return {
    heldOut: {
      pairs: pairs.length,
      exactMatch: round(score.exact),
      characterAccuracy: round(score.perCharacter),
    },
    examples: shown,
  };
}
