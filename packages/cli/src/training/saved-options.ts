import type { FileFingerprint } from '@recur/datasets/node';
import { UsageError } from '../errors.js';
import { parseFlags } from '../flags.js';
import { TASKS } from '../tasks/catalog.js';
import { ARCHITECTURES, type Arch, type RunOptions, type SeriesOptions } from '../tasks/task.js';
import { optionsFromFlags } from './run-options.js';
import { TRAIN_FLAGS } from './train-flags.js';

/** Each saved option: the `recur train` flag it came from, and the JSON type it must have. */
const SAVED: Record<
  Exclude<keyof RunOptions, 'series' | 'cellOptions'>,
  { flag: string | null; type: 'string' | 'number' | 'clip' }
> = {
  arch: { flag: 'arch', type: 'string' },
  dataset: { flag: 'dataset', type: 'string' },
  file: { flag: null, type: 'string' },
  cell: { flag: 'cell', type: 'string' },
  hidden: { flag: 'hidden', type: 'number' },
  layers: { flag: 'layers', type: 'number' },
  embedding: { flag: 'embedding', type: 'number' },
  dropout: { flag: 'dropout', type: 'number' },
  optimizer: { flag: 'optimizer', type: 'string' },
  lr: { flag: 'lr', type: 'number' },
  clipNorm: { flag: 'clip-norm', type: 'clip' },
  clipValue: { flag: 'clip-value', type: 'clip' },
  batch: { flag: 'batch', type: 'number' },
  seqLen: { flag: 'seq-len', type: 'number' },
  examples: { flag: 'examples', type: 'number' },
  attention: { flag: 'attention', type: 'string' },
  seed: { flag: 'seed', type: 'number' },
};

/** A value from a file, for a one-line message (quoted, cut short, control characters escaped). */
export function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * The run options saved in a checkpoint, checked exactly as `recur train` checks its flags: they
 * are turned back into flags and parsed with the same specs (choices, integer and range limits,
 * conflicts). A value the command line would refuse, a missing or unknown key, or a value of the
 * wrong type is a {@link UsageError} naming the checkpoint. A saved data file path is kept for
 * messages only: nothing here (or in `recur train --resume`) opens it.
 */
export function savedOptions(command: string, path: string, raw: unknown): RunOptions {
  const fail = (detail: string): never => {
    throw new UsageError(
      `recur ${command}: ${path} holds run options that recur train refuses: ${detail}`,
    );
  };
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return fail(`expected an object; got ${shown(raw)}`);
  }
  const saved = raw as Record<string, unknown>;
  for (const key of Object.keys(saved)) {
    if (
      !Object.hasOwn(SAVED, key) &&
      key !== 'cellOptions' &&
      !(key === 'series' && saved.arch === 'forecast')
    ) {
      fail(`unknown option ${shown(key)}`);
    }
  }
  for (const [key, { type }] of Object.entries(SAVED)) {
    const value = saved[key];
    const ok =
      type === 'string'
        ? typeof value === 'string' || (key === 'file' && value === null)
        : type === 'number'
          ? typeof value === 'number'
          : typeof value === 'number' || value === null;
    if (!ok)
      fail(`${key} must be ${type === 'string' ? 'a string' : 'a number'}; got ${shown(value)}`);
  }
  const arch = saved.arch as string;
  if (!ARCHITECTURES.includes(arch as Arch)) {
    fail(`arch must be one of ${ARCHITECTURES.join(', ')}; got ${shown(arch)}`);
  }
  const defaults = TASKS[arch as Arch].defaults as Partial<Record<string, unknown>>;
  const onFile = saved.dataset === 'file';
  if (onFile !== (saved.file !== null)) {
    fail(`dataset ${shown(saved.dataset)} and file ${shown(saved.file)} disagree`);
  }
  // Back to flags: a value equal to the architecture's default is left out (as a user would).
  const argv: string[] = [];
  for (const [key, { flag }] of Object.entries(SAVED)) {
    const value = saved[key];
    if (flag === null || value === null || value === defaults[key]) continue;
    if (key === 'dataset' && onFile) continue;
    argv.push(`--${flag}=${String(value)}`);
  }
  if (saved.clipNorm === null && saved.clipValue === null) argv.push('--clip-norm=0');
  if (arch === 'forecast') argv.push(...seriesFlags(saved.series, fail));
  if ('cellOptions' in saved) argv.push(...cellOptionFlags(saved.cellOptions, fail));
  let options: RunOptions;
  try {
    options = optionsFromFlags(parseFlags('train', argv, TRAIN_FLAGS), arch as Arch);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return fail(
      error.message.replace(/^recur train: /, '').replace(/ \(see recur train --help\)$/, ''),
    );
  }
  if (onFile) {
    if (arch === 'caption') fail('--arch caption does not train on a file');
    options = { ...options, dataset: 'file', file: saved.file as string };
  }
  for (const key of Object.keys(SAVED) as (keyof typeof SAVED)[]) {
    if (!Object.is(options[key], saved[key])) {
      fail(`${key} ${shown(saved[key])} reads back as ${shown(options[key])}`);
    }
  }
  if (JSON.stringify(options.cellOptions) !== JSON.stringify(saved.cellOptions)) {
    fail(`cellOptions ${shown(saved.cellOptions)} reads back as ${shown(options.cellOptions)}`);
  }
  if (arch === 'forecast') {
    const series = saved.series as SeriesOptions;
    for (const key of ['columns', 'target', 'window', 'horizon'] as const) {
      if (JSON.stringify(options.series?.[key]) !== JSON.stringify(series[key])) {
        fail(`series.${key} ${shown(series[key])} reads back as ${shown(options.series?.[key])}`);
      }
    }
  }
  return options;
}

/**
 * The flags of a forecast run's saved series (`--columns=a,b --target=b --window=… --horizon=…`),
 * so that they are checked as the command line checks them; the series must list its columns and
 * targets (recur train saves them resolved) and hold nothing else.
 */
function seriesFlags(raw: unknown, fail: (detail: string) => never): string[] {
  const series = raw as Partial<SeriesOptions> | null | undefined;
  const names = (value: unknown) =>
    Array.isArray(value) &&
    value.length > 0 &&
    value.length <= 10_000 &&
    value.every((name) => typeof name === 'string' && name !== '' && !name.includes(','));
  if (
    series === null ||
    typeof series !== 'object' ||
    Object.keys(series).some((k) => !['columns', 'target', 'window', 'horizon'].includes(k)) ||
    !names(series.columns) ||
    !names(series.target) ||
    typeof series.window !== 'number' ||
    typeof series.horizon !== 'number'
  ) {
    return fail(`series must be { columns, target, window, horizon }; got ${shown(raw)}`);
  }
  return [
    `--columns=${series.columns!.join(',')}`,
    `--target=${series.target!.join(',')}`,
    `--window=${series.window}`,
    `--horizon=${series.horizon}`,
  ];
}

/**
 * The flags of a run's saved cell variant (`--reset-after`, `--recurrent-activation=…`), so that
 * they are checked as the command line checks them (for the saved cell, by the model configs'
 * rule); `resetAfter` is saved only when true, as `recur train` saves it.
 */
function cellOptionFlags(raw: unknown, fail: (detail: string) => never): string[] {
  const options = raw as Record<string, unknown> | null;
  if (
    options === null ||
    typeof options !== 'object' ||
    Array.isArray(options) ||
    Object.keys(options).length === 0 ||
    Object.keys(options).some((k) => k !== 'resetAfter' && k !== 'recurrentActivation') ||
    (options.resetAfter !== undefined && options.resetAfter !== true) ||
    (options.recurrentActivation !== undefined && typeof options.recurrentActivation !== 'string')
  ) {
    return fail(
      `cellOptions must be { resetAfter?: true, recurrentActivation?: string }; got ${shown(raw)}`,
    );
  }
  return [
    ...(options.resetAfter === true ? ['--reset-after'] : []),
    ...(options.recurrentActivation !== undefined
      ? [`--recurrent-activation=${options.recurrentActivation as string}`]
      : []),
  ];
}

/** A saved {@link FileFingerprint}, checked; undefined when the checkpoint has none. */
export function savedFingerprint(
  command: string,
  path: string,
  raw: unknown,
): FileFingerprint | undefined {
  if (raw === undefined) return undefined;
  const f = raw as Partial<FileFingerprint> | null;
  const uint = (x: unknown, max: number) =>
    Number.isInteger(x) && (x as number) >= 0 && (x as number) <= max;
  if (
    f === null ||
    typeof f !== 'object' ||
    Object.keys(f).some((k) => k !== 'bytes' && k !== 'crc32') ||
    !uint(f.bytes, Number.MAX_SAFE_INTEGER) ||
    !uint(f.crc32, 0xffffffff)
  ) {
    throw new UsageError(
      `recur ${command}: ${path} holds a data fingerprint that is not { bytes, crc32 }: ${shown(raw)}`,
    );
  }
  return { bytes: f.bytes!, crc32: f.crc32! };
}
