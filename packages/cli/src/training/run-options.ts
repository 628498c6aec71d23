import { resolve } from 'node:path';
import { checkCellOptions, type ModelCellOptions } from '@recur/architectures';
import type { CellKind } from '@recur/cells';
import { RecurError } from '@recur/tensor';
import type { Flags } from '../flags.js';
import { TASKS } from '../tasks/catalog.js';
import type {
  Arch,
  AttentionName,
  OptimizerName,
  RunOptions,
  SeriesOptions,
} from '../tasks/task.js';

/**
 * Flags that define the model and data: on `--resume` they must match the checkpoint. (`--file`
 * is compared by content, with the fingerprint saved in the checkpoint, not by path.)
 */
const DEFINING: Record<string, keyof RunOptions> = {
  arch: 'arch',
  cell: 'cell',
  dataset: 'dataset',
  hidden: 'hidden',
  layers: 'layers',
  embedding: 'embedding',
  dropout: 'dropout',
  optimizer: 'optimizer',
  lr: 'lr',
  'clip-norm': 'clipNorm',
  'clip-value': 'clipValue',
  batch: 'batch',
  'seq-len': 'seqLen',
  examples: 'examples',
  attention: 'attention',
  seed: 'seed',
};

/** The flags of a forecast run's series: only `--arch forecast` takes them. */
const SERIES_FLAGS = ['columns', 'target', 'window', 'horizon'] as const;

/** The default columns of each built-in numeric dataset. */
const DATASET_COLUMNS: Record<string, string[]> = { sensors: ['humidity', 'temperature'] };

/** `a,b` → `['a', 'b']`: names without blanks, each once. */
function columnList(flags: Flags, flag: string): string[] | undefined {
  const text = flags.string(flag);
  if (text === undefined) return undefined;
  const names = text.split(',').map((name) => name.trim());
  if (names.some((name) => name === '') || new Set(names).size !== names.length) {
    throw flags.error(`--${flag} must be distinct column names separated by commas; got '${text}'`);
  }
  return names;
}

/**
 * The series of a forecast run from its flags. With `--file`, `columns` stays empty until the
 * file's header is read (every column), unless `--columns` names them.
 */
function seriesFromFlags(flags: Flags, dataset: string): SeriesOptions {
  const columns = columnList(flags, 'columns') ?? DATASET_COLUMNS[dataset] ?? [];
  const target = columnList(flags, 'target') ?? [];
  const outside = columns.length > 0 ? target.filter((name) => !columns.includes(name)) : [];
  if (outside.length > 0) {
    throw flags.error(
      `--target ${outside.join(',')} is not among the columns the model reads (${columns.join(',')}); add it to --columns`,
    );
  }
  return {
    columns,
    target,
    window: flags.numberOr('window', 24),
    horizon: flags.numberOr('horizon', 12),
  };
}

/** The flags of the cell's variant, and the `cellOptions` key each sets. */
const CELL_OPTION_FLAGS = {
  'reset-after': 'resetAfter',
  'recurrent-activation': 'recurrentActivation',
} as const satisfies Record<string, keyof ModelCellOptions>;

/**
 * The `cellOptions` of the flags (undefined when none is given), checked for `cell` by the model
 * configs' own rule, whose error (`--reset-after` on an LSTM) becomes a usage error.
 */
function cellOptionsFromFlags(flags: Flags, cell: CellKind): ModelCellOptions | undefined {
  const given = Object.keys(CELL_OPTION_FLAGS).filter((flag) => flags.has(flag));
  if (given.length === 0) return undefined;
  const activation = flags.string('recurrent-activation');
  try {
    return checkCellOptions('model', cell, {
      ...(flags.has('reset-after') ? { resetAfter: flags.bool('reset-after') } : {}),
      ...(activation !== undefined ? { recurrentActivation: activation } : {}),
    });
  } catch (error) {
    if (!(error instanceof RecurError)) throw error;
    throw flags.error(`${given.map((flag) => `--${flag}`).join(' and ')}: ${error.message}`);
  }
}

/** The run options from the flags, with the architecture's defaults for what is left out. */
export function optionsFromFlags(flags: Flags, arch: Arch): RunOptions {
  const info = TASKS[arch];
  const d = info.defaults;
  const file = flags.string('file');
  let dataset = flags.string('dataset');
  if (file !== undefined && dataset !== undefined) {
    throw flags.error('give --dataset or --file, not both');
  }
  if (file !== undefined && arch === 'caption') {
    throw flags.error('--arch caption trains on MNIST digit strips only; --file is not supported');
  }
  if (dataset !== undefined && !info.datasets.includes(dataset)) {
    throw flags.error(
      `--dataset must be one of ${info.datasets.join(', ')} for --arch ${arch}; got '${dataset}'`,
    );
  }
  dataset = file !== undefined ? 'file' : (dataset ?? d.dataset);
  if (flags.has('clip-norm') && flags.has('clip-value')) {
    throw flags.error('give --clip-norm or --clip-value, not both');
  }
  if (arch !== 'forecast') {
    const given = SERIES_FLAGS.find((flag) => flags.has(flag));
    if (given) throw flags.error(`--${given} is for --arch forecast only`);
  }
  const cell = flags.string('cell') as CellKind;
  const cellOptions = cellOptionsFromFlags(flags, cell);
  const clipValue = flags.number('clip-value') ?? null;
  const clipNorm = clipValue !== null ? null : flags.numberOr('clip-norm', 5) || null;
  return {
    arch,
    dataset,
    file: file !== undefined ? resolve(file) : null,
    cell,
    ...(cellOptions ? { cellOptions } : {}),
    hidden: flags.numberOr('hidden', d.hidden),
    layers: flags.numberOr('layers', 1),
    embedding: flags.numberOr('embedding', d.embedding),
    dropout: flags.numberOr('dropout', 0),
    optimizer: (flags.string('optimizer') ?? 'adam') as OptimizerName,
    lr: flags.numberOr('lr', d.lr),
    clipNorm,
    clipValue,
    batch: flags.numberOr('batch', d.batch),
    seqLen: flags.numberOr('seq-len', d.seqLen),
    examples: flags.numberOr('examples', d.examples),
    attention: (flags.string('attention') ?? 'none') as AttentionName,
    seed: flags.numberOr('seed', 1),
    ...(arch === 'forecast' ? { series: seriesFromFlags(flags, dataset) } : {}),
  };
}

/** On `--resume`: the saved options; a defining flag that disagrees with them is an error. */
export function checkResumeFlags(
  flags: Flags,
  saved: RunOptions,
  wanted: RunOptions,
  path: string,
): void {
  if (flags.has('file') && saved.dataset !== 'file') {
    throw flags.error(
      `--file differs from the run saved in ${path} (dataset ${saved.dataset}); leave it out to resume, or train a new model with another --checkpoint`,
    );
  }
  for (const flag of SERIES_FLAGS) {
    if (!flags.has(flag) || !saved.series || !wanted.series) continue;
    const key = flag as keyof SeriesOptions;
    // An empty list (every column of the file) reads back as the file's columns.
    if (JSON.stringify(wanted.series[key]) !== JSON.stringify(saved.series[key])) {
      throw flags.error(
        `--${flag} ${String(flags.string(flag))} differs from the run saved in ${path} (${String(saved.series[key])}); leave it out to resume, or train a new model with another --checkpoint`,
      );
    }
  }
  for (const [flag, key] of Object.entries(CELL_OPTION_FLAGS)) {
    if (!flags.has(flag)) continue;
    const value = (options: RunOptions) =>
      options.cellOptions?.[key] ?? (key === 'resetAfter' ? false : 'sigmoid');
    if (value(wanted) !== value(saved)) {
      throw flags.error(
        `--${flag} ${String(value(wanted))} differs from the run saved in ${path} (${String(value(saved))}); leave it out to resume, or train a new model with another --checkpoint`,
      );
    }
  }
  for (const [flag, key] of Object.entries(DEFINING)) {
    if (!flags.has(flag)) continue;
    if (flag === 'dataset' && flags.has('file')) continue;
    if (wanted[key] !== saved[key]) {
      throw flags.error(
        `--${flag} ${String(flags.string(flag) ?? wanted[key])} differs from the run saved in ${path} (${String(saved[key])}); leave it out to resume, or train a new model with another --checkpoint`,
      );
    }
  }
}

/** How long a run trains: updates or epochs in all, or minutes of wall-clock time. */
export type Length =
  | { kind: 'steps'; steps: number }
  | { kind: 'epochs'; epochs: number }
  | { kind: 'minutes'; minutes: number };

/** The length flags; at most one may be given (default: 1 minute). */
export function lengthFromFlags(flags: Flags): Length {
  const given = (['steps', 'epochs', 'minutes'] as const).filter((f) => flags.has(f));
  if (given.length > 1)
    throw flags.error(
      `give one of --steps, --epochs and --minutes, not ${given.map((g) => `--${g}`).join(' and ')}`,
    );
  if (flags.has('steps')) return { kind: 'steps', steps: flags.number('steps')! };
  if (flags.has('epochs')) return { kind: 'epochs', epochs: flags.number('epochs')! };
  return { kind: 'minutes', minutes: flags.numberOr('minutes', 1) };
}

/** `LSTM H=128, 1 layer, embedding 32` */
export function describeModel(o: RunOptions): string {
  const parts = [
    `${o.cell.toUpperCase()} H=${o.hidden}`,
    o.cellOptions?.resetAfter ? 'reset after' : '',
    o.cellOptions?.recurrentActivation === 'hardSigmoid' ? 'hardSigmoid gates' : '',
    o.layers > 1 ? `${o.layers} layers` : '1 layer',
    (o.arch === 'classify' && o.dataset === 'mnist-rows') || o.arch === 'forecast'
      ? ''
      : o.embedding > 0
        ? `embedding ${o.embedding}`
        : 'one-hot inputs',
    o.dropout > 0 ? `dropout ${o.dropout}` : '',
    o.arch === 'seq2seq' && o.attention !== 'none' ? `${o.attention} attention` : '',
    o.series ? `${o.series.window} steps → the next ${o.series.horizon}` : '',
  ];
  return parts.filter(Boolean).join(', ');
}

/** `5 updates`, `2 epochs`, `1 min of wall-clock time` */
export function describeLength(length: Length): string {
  if (length.kind === 'steps') return `${length.steps} updates`;
  if (length.kind === 'epochs') return `${length.epochs} epoch${length.epochs > 1 ? 's' : ''}`;
  return `${length.minutes} min of wall-clock time`;
}
