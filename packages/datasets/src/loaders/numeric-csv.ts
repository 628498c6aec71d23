import { DatasetError } from '../errors.js';
import { columnIndices, type TimeSeries } from '../series/time-series.js';
import { DelimitedParser, type Quoting } from './delimited.js';
import type { MalformedRow } from './labeled-text.js';
import { readLines } from './lines.js';

/** Options of {@link parseNumericCsv} and {@link readNumericCsv}. */
export interface NumericCsvOptions {
  /** The columns to keep, by header name or index, in this order. Default: every column. */
  columns?: readonly (string | number)[];
  /** Whether the first row is a header (column names). Default true; else columns are `x0`, `x1`, …. */
  header?: boolean;
  /** Field separator. Default `','` (`'\t'` for TSV). */
  delimiter?: string;
  /** Default `'rfc4180'` (quoted fields may hold delimiters); `'none'` takes quotes literally. */
  quoting?: Quoting;
  /**
   * `'error'` (default) throws on the first malformed row (wrong field count, or a kept cell
   * that is empty or not a finite number); `'skip'` leaves the row out and reports it.
   */
  onMalformed?: 'error' | 'skip';
  /** Called with each skipped row when `onMalformed` is `'skip'`. */
  onSkip?: (problem: MalformedRow) => void;
}

/** A parsed numeric table: a {@link TimeSeries} of the kept columns plus where each row came from. */
export interface NumericTable extends TimeSeries {
  /** The 1-based source line of each step. */
  lines: Int32Array;
  /** Rows left out with `onMalformed: 'skip'`. */
  skipped: MalformedRow[];
}

/** A decimal number: `12`, `-3.5`, `.5`, `1e-3` (no hex, no `Infinity`, no `NaN`, no blanks). */
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Parses numeric CSV/TSV fed line by line (shared by {@link parseNumericCsv} and
 * {@link readNumericCsv}): only the kept columns must hold numbers, so a text timestamp column
 * can sit beside them.
 */
class NumericRows {
  readonly #fn: string;
  readonly #source: string;
  readonly #options: NumericCsvOptions;
  readonly #parser: DelimitedParser;
  #names: string[] | null = null;
  #keep: number[] = [];
  #fields = 0;
  readonly #values: number[] = [];
  readonly #lines: number[] = [];
  readonly skipped: MalformedRow[] = [];

  constructor(fn: string, source: string, options: NumericCsvOptions) {
    this.#fn = fn;
    this.#source = source;
    this.#options = options;
    const delimiter = options.delimiter ?? ',';
    if (typeof delimiter !== 'string' || delimiter.length !== 1 || delimiter === '"') {
      throw new DatasetError(
        'ARGUMENT',
        `${fn}: delimiter must be one character other than a quote; got ${JSON.stringify(delimiter)}`,
      );
    }
    const onMalformed = options.onMalformed ?? 'error';
    if (onMalformed !== 'error' && onMalformed !== 'skip') {
      throw new DatasetError(
        'ARGUMENT',
        `${fn}: onMalformed must be 'error' or 'skip'; got ${JSON.stringify(onMalformed)}`,
      );
    }
    this.#parser = new DelimitedParser(delimiter, options.quoting ?? 'rfc4180', `${fn}: ${source}`);
  }

  push(text: string, line: number): void {
    if (!this.#parser.isOpen && text.trim() === '') return;
    const record = this.#parser.push(text, line, this.#source);
    if (!record) return;
    if (this.#names === null) {
      this.#fields = record.fields.length;
      const header = this.#options.header ?? true;
      this.#names = header
        ? record.fields.map((f) => f.trim())
        : record.fields.map((_, i) => `x${i}`);
      this.#keep = columnIndices(this.#fn, 'columns', this.#names, this.#options.columns);
      if (header) return;
    }
    if (record.fields.length !== this.#fields) {
      this.#malformed(
        record.line,
        `expected ${this.#fields} fields like the ${this.#options.header === false ? 'first row' : 'header'}, found ${record.fields.length}`,
      );
      return;
    }
    const row: number[] = [];
    for (const index of this.#keep) {
      const cell = record.fields[index]!.trim();
      if (!NUMBER.test(cell)) {
        this.#malformed(
          record.line,
          `column ${JSON.stringify(this.#names[index])} (index ${index}) is ${cell === '' ? 'empty' : JSON.stringify(cell)}; expected a finite number`,
        );
        return;
      }
      const value = Number(cell);
      if (!Number.isFinite(value) || !Number.isFinite(Math.fround(value))) {
        this.#malformed(
          record.line,
          `column ${JSON.stringify(this.#names[index])} (index ${index}) is ${cell}, beyond float32`,
        );
        return;
      }
      row.push(value);
    }
    this.#values.push(...row);
    this.#lines.push(record.line);
  }

  finish(): NumericTable {
    this.#parser.finish(this.#source);
    if (this.#names === null || this.#lines.length === 0) {
      throw new DatasetError(
        'EMPTY',
        `${this.#fn}: ${this.#source}: no numeric rows${this.skipped.length > 0 ? ` (${this.skipped.length} malformed)` : ''}`,
        { file: this.#source },
      );
    }
    const features = this.#keep.length;
    return {
      values: Float32Array.from(this.#values),
      steps: this.#lines.length,
      features,
      columns: this.#keep.map((i) => this.#names![i]!),
      lines: Int32Array.from(this.#lines),
      skipped: this.skipped,
    };
  }

  #malformed(line: number, reason: string): void {
    if ((this.#options.onMalformed ?? 'error') === 'error') {
      throw new DatasetError('FORMAT', `${this.#fn}: ${this.#source}:${line}: ${reason}`, {
        file: this.#source,
        line,
      });
    }
    const problem = { file: this.#source, line, reason };
    this.skipped.push(problem);
    this.#options.onSkip?.(problem);
  }
}

/**
 * Numeric columns of CSV/TSV text as a {@link NumericTable} (rows in file order = time order).
 * Blank lines are ignored. A malformed row throws `FORMAT` naming the source, line, column name
 * and index, e.g. `parseNumericCsv: sensors.csv:12: column "temperature" (index 4) is "n/a";
 * expected a finite number` — or, with `onMalformed: 'skip'`, is left out and reported.
 *
 * @param source Name used in messages (a file name, say). Default `'text'`.
 */
export function parseNumericCsv(
  text: string,
  options: NumericCsvOptions = {},
  source = 'text',
): NumericTable {
  if (typeof text !== 'string') {
    throw new DatasetError(
      'ARGUMENT',
      `parseNumericCsv: text must be a string; got ${typeof text}`,
    );
  }
  const rows = new NumericRows('parseNumericCsv', source, options);
  const lines = (text.startsWith('\uFEFF') ? text.slice(1) : text).split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  lines.forEach((line, i) => {
    rows.push(line, i + 1);
  });
  return rows.finish();
}

/** {@link parseNumericCsv} of a file, streamed line by line (the file is never read whole). */
export async function readNumericCsv(
  path: string,
  options: NumericCsvOptions = {},
): Promise<NumericTable> {
  const rows = new NumericRows('readNumericCsv', path, options);
  for await (const { text, line } of readLines(path, 'readNumericCsv')) rows.push(text, line);
  return rows.finish();
}
