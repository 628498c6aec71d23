import { DatasetError } from '../errors.js';
import type { Tokenizer } from '../tokenizers.js';
import { DelimitedParser, type DelimitedRecord, type Quoting } from './delimited.js';
import { encodeAt } from './encode-at.js';
import { readLines } from './lines.js';

/** Header names recognised as the label column (case-insensitive). */
const LABEL_NAMES = ['label', 'labels', 'sentiment', 'class', 'category', 'target'];
/** Header names recognised as the text column (case-insensitive). */
const TEXT_NAMES = ['text', 'sentence', 'review', 'message', 'content', 'document', 'body'];

/** Options of {@link readLabeledText}. */
export interface LabeledTextOptions {
  /** `'csv'` or `'tsv'`. Default: `'tsv'` for `.tsv`/`.tab` files, else `'csv'`. */
  format?: 'csv' | 'tsv';
  /** Default: `'rfc4180'` for CSV, `'none'` for TSV (SST-2 style: quotes are literal text). */
  quoting?: Quoting;
  /**
   * Whether the first row is a header. `'auto'` (default): it is when it names a label column
   * (label, sentiment, class, …) and a text column (text, sentence, review, …).
   */
  header?: boolean | 'auto';
  /** Label column, by index or header name. Default: the header's label column, else 0. */
  labelColumn?: number | string;
  /** Text column, by index or header name. Default: the header's text column, else 1. */
  textColumn?: number | string;
  /** `'error'` (default) throws on the first malformed row; `'skip'` leaves it out and reports it. */
  onMalformed?: 'error' | 'skip';
  /** Called with each skipped row when `onMalformed` is `'skip'`. */
  onSkip?: (problem: MalformedRow) => void;
}

/** A row that was left out and why. */
export interface MalformedRow {
  file: string;
  line: number;
  reason: string;
}

/** One labelled text and the line its record starts on. */
export interface LabeledText {
  label: string;
  text: string;
  line: number;
}

function formatOf(path: string, format?: 'csv' | 'tsv'): 'csv' | 'tsv' {
  return format ?? (/\.(tsv|tab)$/i.test(path) ? 'tsv' : 'csv');
}

function columnIndex(
  column: number | string | undefined,
  header: string[] | null,
  names: string[],
  fallback: number,
  what: string,
  where: string,
): number {
  if (typeof column === 'number') return column;
  const lower = header?.map((h) => h.trim().toLowerCase());
  if (typeof column === 'string') {
    const index = lower?.indexOf(column.toLowerCase()) ?? -1;
    if (index < 0) {
      throw new DatasetError(
        'ARGUMENT',
        `${where}: ${what} column ${JSON.stringify(column)} is not in the header [${header?.join(', ') ?? 'none'}]`,
      );
    }
    return index;
  }
  const found = lower?.findIndex((h) => names.includes(h)) ?? -1;
  return found >= 0 ? found : fallback;
}

/**
 * Labelled texts from a CSV or TSV file (IMDB / SST-2 style `label,text`, or any column order
 * with a header), streamed line by line. Each record must have as many fields as the header (or,
 * without one, as the first record) and a non-empty label; otherwise it is malformed and the
 * error names the file and line. An empty file, or one with a header and no rows, throws `EMPTY`.
 */
export async function* readLabeledText(
  path: string,
  options: LabeledTextOptions = {},
): AsyncGenerator<LabeledText> {
  const caller = 'readLabeledText';
  const format = formatOf(path, options.format);
  const quoting = options.quoting ?? (format === 'csv' ? 'rfc4180' : 'none');
  const where = `${caller}: ${path}`;
  const onMalformed = options.onMalformed ?? 'error';
  // With 'skip', broken quoting drops the record like any other malformed one.
  const parser = new DelimitedParser(
    format === 'csv' ? ',' : '\t',
    quoting,
    where,
    onMalformed === 'skip'
      ? (problem) =>
          options.onSkip?.({
            file: path,
            line: problem.line,
            reason: `${problem.reason} (line ${problem.at.line}, column ${problem.at.column})`,
          })
      : undefined,
  );
  let expected = -1;
  let label = 0;
  let text = 1;
  let rows = 0;
  let first = true;
  const malformed = (line: number, reason: string) => {
    if (onMalformed === 'error') {
      throw new DatasetError('FORMAT', `${where}:${line}: ${reason}`, { file: path, line });
    }
    options.onSkip?.({ file: path, line, reason });
  };
  const setup = (record: DelimitedRecord): boolean => {
    const lower = record.fields.map((f) => f.trim().toLowerCase());
    const looksLikeHeader =
      lower.some((f) => LABEL_NAMES.includes(f)) && lower.some((f) => TEXT_NAMES.includes(f));
    const header =
      options.header === 'auto' || options.header === undefined ? looksLikeHeader : options.header;
    const names = header ? record.fields : null;
    label = columnIndex(options.labelColumn, names, LABEL_NAMES, 0, 'label', caller);
    text = columnIndex(options.textColumn, names, TEXT_NAMES, 1, 'text', caller);
    expected = record.fields.length;
    if (Math.max(label, text) >= expected) {
      throw new DatasetError(
        'FORMAT',
        `${where}:${record.line}: expected at least ${Math.max(label, text) + 1} fields (label in column ${label}, text in column ${text}), found ${expected}`,
        { file: path, line: record.line },
      );
    }
    return header;
  };
  for await (const { text: raw, line } of readLines(path, caller)) {
    if (!parser.isOpen && raw.trim() === '') continue;
    const record = parser.push(raw, line, path);
    if (!record) continue;
    if (first) {
      first = false;
      if (setup(record)) continue;
    }
    if (record.fields.length !== expected) {
      const hint =
        format === 'csv' && quoting === 'rfc4180' ? '; quote fields that contain commas' : '';
      malformed(record.line, `expected ${expected} fields, found ${record.fields.length}${hint}`);
      continue;
    }
    const value = record.fields[label]!.trim();
    if (value === '') {
      malformed(record.line, `empty label in column ${label}`);
      continue;
    }
    rows++;
    yield { label: value, text: record.fields[text]!, line: record.line };
  }
  parser.finish(path);
  if (rows === 0 && onMalformed === 'error') {
    throw new DatasetError(
      'EMPTY',
      `${where}: no labelled rows${first ? '' : ' after the header'}`,
      { file: path },
    );
  }
}

/** Everything {@link loadLabeledText} returns. */
export interface LabeledTextData {
  rows: LabeledText[];
  /** The distinct labels, sorted; `labelIds[i]` indexes this. */
  labels: string[];
  labelIds: Int32Array;
  /** Ids of each text when a tokenizer was given. */
  ids?: Int32Array[];
  skipped: MalformedRow[];
}

/**
 * Reads a whole labelled CSV/TSV file with {@link readLabeledText}, numbers its labels (sorted),
 * and with `tokenizer` encodes the texts (an unknown token then reports the file and line).
 */
export async function loadLabeledText(
  path: string,
  options: LabeledTextOptions & { tokenizer?: Tokenizer } = {},
): Promise<LabeledTextData> {
  const skipped: MalformedRow[] = [];
  const rows: LabeledText[] = [];
  const ids: Int32Array[] = [];
  const reader = readLabeledText(path, {
    ...options,
    onSkip: (problem) => {
      skipped.push(problem);
      options.onSkip?.(problem);
    },
  });
  for await (const row of reader) {
    rows.push(row);
    if (options.tokenizer)
      ids.push(encodeAt(options.tokenizer, row.text, 'loadLabeledText', path, row.line));
  }
  if (rows.length === 0) {
    throw new DatasetError(
      'EMPTY',
      `loadLabeledText: ${path}: no labelled rows (${skipped.length} malformed)`,
      { file: path },
    );
  }
  const labels = [...new Set(rows.map((r) => r.label))].sort();
  const index = new Map(labels.map((l, i) => [l, i]));
  const labelIds = Int32Array.from(rows, (r) => index.get(r.label)!);
  return { rows, labels, labelIds, ...(options.tokenizer ? { ids } : {}), skipped };
}
