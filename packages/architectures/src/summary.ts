import type { Variable } from '@recur/autograd';
import { CELLS, type CellKind } from '@recur/cells';
import { RecurError } from '@recur/tensor';
import type { CaptionerConfig } from './captioner.js';
import type { TokenInput } from './decoder.js';
import type { ForecasterConfig } from './forecaster.js';
import type { LanguageModelConfig } from './language-model.js';
import type { Seq2SeqConfig } from './seq2seq.js';
import type { SequenceClassifierConfig } from './sequence-classifier.js';

/**
 * One row of a model summary: a layer, what it outputs and which parameters are its own (names
 * equal to an entry, or starting with an entry that ends in `.`).
 */
interface Layer {
  name: string;
  type: string;
  output: readonly (number | string)[];
  owns: readonly string[];
}

/** Every design's config, as the summary reads it. */
type SummarizedConfig =
  | LanguageModelConfig
  | SequenceClassifierConfig
  | Seq2SeqConfig
  | ForecasterConfig
  | CaptionerConfig;

/** The number of trainable values in `parameters` (the sum of their sizes). */
export function countParameters(parameters: Record<string, Variable>): number {
  let total = 0;
  for (const p of Object.values(parameters)) total += p.value.size;
  return total;
}

/**
 * A model as a table, like Keras's `model.summary()`: one row per layer (its name, type, output
 * shape with `batch` and `steps` for the sizes a call decides, and its parameter count, read
 * from the model's own `parameters()`), then the total. Every parameter belongs to exactly one
 * row; a parameter no row claims is a bug and throws.
 */
export function summarize(model: {
  config: SummarizedConfig;
  parameters(): Record<string, Variable>;
}): string {
  const parameters = model.parameters();
  const layers = layersOf(model.config);
  const counts = layers.map(() => 0);
  for (const [name, p] of Object.entries(parameters)) {
    const row = layers.findIndex((l) =>
      l.owns.some((o) => name === o || (o.endsWith('.') && name.startsWith(o))),
    );
    if (row < 0) {
      throw new RecurError(
        'ARGUMENT',
        `summary: parameter ${name} of ${model.config.architecture} belongs to no layer`,
      );
    }
    counts[row]! += p.value.size;
  }
  const rows = layers.map((l, i) => [
    l.name,
    l.type,
    `[${l.output.join(', ')}]`,
    count(counts[i]!),
  ]);
  const header = ['Layer', 'Type', 'Output shape', 'Parameters'];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => (c === 3 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd();
  const rule = (ch: string) => ch.repeat(widths.reduce((a, w) => a + w, 2 * (widths.length - 1)));
  const total = countParameters(parameters);
  return [
    `${model.config.architecture} (${describe(model.config)})`,
    rule('='),
    line(header),
    rule('-'),
    ...rows.map(line),
    rule('='),
    `Total parameters: ${count(total)}`,
  ].join('\n');
}

const count = (n: number): string => n.toLocaleString('en-US');

/** The layer type a summary row shows; other kinds show their registry label (e.g. `MGU`). */
const LAYER_TYPES: Partial<Record<CellKind, string>> = {
  rnn: 'RNN',
  irnn: 'IRNN',
  lstm: 'LSTM',
  gru: 'GRU',
};

function describe(c: SummarizedConfig): string {
  const layers = `${c.numLayers} layer${c.numLayers === 1 ? '' : 's'}`;
  return `${c.cell}, ${layers} of ${c.hiddenSize}`;
}

/** The token input rows: a learned embedding, or one-hot rows (no parameters). */
function tokenInput(name: string, input: TokenInput, vocabularySize: number, steps: string): Layer {
  return input.kind === 'embedding'
    ? { name, type: 'Embedding', output: ['batch', steps, input.size], owns: [name] }
    : { name, type: 'OneHot', output: ['batch', steps, vocabularySize], owns: [] };
}

/** One row per stacked recurrent layer (`prefix` `layer{l}.`, both directions in one row). */
function recurrent(
  prefix: string,
  c: SummarizedConfig,
  steps: string,
  width = c.hiddenSize,
): Layer[] {
  const type = LAYER_TYPES[c.cell] ?? CELLS[c.cell].label;
  return Array.from({ length: c.numLayers }, (_, l) => ({
    name: `${prefix}layer${l}`,
    type: width === c.hiddenSize ? type : `${type} ×2 (bidirectional)`,
    output: ['batch', steps, width],
    owns: [`${prefix}layer${l}.`],
  }));
}

/** The rows of a `TokenDecoder` (`prefix` before its parameter names). */
function decoderRows(
  prefix: string,
  c: { input: TokenInput; vocabularySize: number; attention?: boolean },
  config: SummarizedConfig,
): Layer[] {
  return [
    tokenInput(`${prefix}embedding`, c.input, c.vocabularySize, 'steps'),
    ...recurrent(`${prefix}rnn.`, config, 'steps'),
    ...(c.attention
      ? [
          {
            name: `${prefix}attention`,
            type: 'Attention',
            output: ['batch', 'steps', 'source'],
            owns: [`${prefix}attention.`],
          },
          {
            name: `${prefix}combine`,
            type: 'Dense (tanh)',
            output: ['batch', 'steps', config.hiddenSize],
            owns: [`${prefix}W_c`, `${prefix}b_c`],
          },
        ]
      : []),
    {
      name: `${prefix}output`,
      type: 'Dense (softmax)',
      output: ['batch', 'steps', c.vocabularySize],
      owns: [`${prefix}W_ao`, `${prefix}b_o`],
    },
  ];
}

function layersOf(c: SummarizedConfig): Layer[] {
  switch (c.architecture) {
    case 'LanguageModel':
      return decoderRows('', c, c);
    case 'Seq2Seq':
      return [
        tokenInput('encoder.embedding', c.sourceInput, c.sourceVocabularySize, 'source'),
        ...recurrent('encoder.', c, 'source'),
        ...decoderRows(
          'decoder.',
          {
            input: c.targetInput,
            vocabularySize: c.targetVocabularySize,
            attention: c.attention !== null,
          },
          c,
        ),
      ];
    case 'SequenceClassifier': {
      const input = c.input;
      const width = c.bidirectional ? 2 * c.hiddenSize : c.hiddenSize;
      const first: Layer =
        input.kind === 'features'
          ? { name: 'input', type: 'Features', output: ['batch', 'steps', input.size], owns: [] }
          : tokenInput(
              'embedding',
              input.kind === 'embedding' ? input : { kind: 'onehot' },
              input.vocabularySize,
              'steps',
            );
      const head = { softmax: 'Dense (softmax)', sigmoid: 'Dense (sigmoid)', linear: 'Dense' }[
        c.head
      ];
      return [
        first,
        ...recurrent('rnn.', c, 'steps', width),
        { name: 'readout', type: `Readout (${c.readout})`, output: ['batch', width], owns: [] },
        { name: 'output', type: head, output: ['batch', c.outputSize], owns: ['W_ao', 'b_o'] },
      ];
    }
    case 'Forecaster': {
      const K = c.targetFeatures.length;
      const steps = c.mode === 'every-step' ? 'steps' : c.horizon;
      return [
        {
          name: 'input',
          type: c.differenced ? 'Features (changes)' : 'Features',
          output: ['batch', 'steps', c.inputSize],
          owns: [],
        },
        ...recurrent('rnn.', c, 'steps'),
        {
          name: 'output',
          type: c.mode === 'feedback' ? 'Dense (fed back)' : 'Dense',
          output: ['batch', steps, K],
          owns: ['W_ao', 'b_o'],
        },
      ];
    }
    case 'Captioner': {
      const encoder: Layer[] = c.encoderSizes.map((size, i) => ({
        name: `encoder${i}`,
        type: 'Dense (relu)',
        output: ['batch', size],
        owns: [`encoder${i}.W`, `encoder${i}.b`],
      }));
      return [
        { name: 'image', type: 'Features', output: ['batch', c.featureSize], owns: [] },
        ...encoder,
        {
          name: 'bridge',
          type: c.injection === 'state' ? 'Dense → initial state' : 'Dense → first input',
          output:
            c.injection === 'state'
              ? ['batch', c.hiddenSize]
              : ['batch', 1, c.input.kind === 'embedding' ? c.input.size : c.vocabularySize],
          owns: ['bridge.'],
        },
        ...decoderRows('decoder.', c, c),
      ];
    }
  }
}
