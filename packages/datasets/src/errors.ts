/**
 * What kind of mistake a {@link DatasetError} reports; lets callers branch without parsing
 * messages. `ARGUMENT`, `RANGE` and `FORMAT` mean what they mean in `RecurError` of
 * `@recur/tensor`; the others are specific to data:
 *
 * - `UNKNOWN_TOKEN`: a character or word is not in the vocabulary and `unknown: 'error'` was chosen.
 * - `EMPTY`: a file or a collection that must hold data holds none.
 * - `MISMATCH`: the two sides of a pair disagree (a missing column, parallel files of different length).
 * - `MISSING_PACKAGE`: an optional data package is not installed.
 * - `IO`: a file could not be read.
 */
export type DatasetErrorCode =
  | 'ARGUMENT'
  | 'RANGE'
  | 'FORMAT'
  | 'UNKNOWN_TOKEN'
  | 'EMPTY'
  | 'MISMATCH'
  | 'MISSING_PACKAGE'
  | 'IO';

/** Where in a file an error was found (1-based line; column when known). */
export interface DatasetErrorLocation {
  file?: string;
  line?: number;
  column?: number;
}

/**
 * Every error `@recur/datasets` throws on bad input. The message names the function, what was
 * expected and what was found, and for file input the file and line, e.g.
 * `readLabeledText: reviews.csv:12: expected 2 fields (label, text), found 1`.
 *
 * This package depends on nothing in the monorepo, so it has its own error class instead of
 * `RecurError`; the `code` strings it shares with `RecurError` mean the same thing.
 */
export class DatasetError extends Error {
  readonly code: DatasetErrorCode;
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(code: DatasetErrorCode, message: string, location: DatasetErrorLocation = {}) {
    super(message);
    this.name = 'DatasetError';
    this.code = code;
    this.file = location.file;
    this.line = location.line;
    this.column = location.column;
  }
}

/** Throws `ARGUMENT` unless `value` is an integer ≥ `min`. */
export function checkInteger(fn: string, name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new DatasetError(
      'ARGUMENT',
      `${fn}: ${name} must be an integer ≥ ${min}; got ${String(value)}`,
    );
  }
}
