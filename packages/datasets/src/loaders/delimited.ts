import { DatasetError } from '../errors.js';

/** How fields are quoted: RFC 4180 (`"a, b"`, `""` for a quote) or not at all (fields are literal). */
export type Quoting = 'rfc4180' | 'none';

/** A parsed record and the line it starts on (records with quoted line breaks span lines). */
export interface DelimitedRecord {
  fields: string[];
  line: number;
}

/** A record the parser could not read: where, and why. */
export interface DelimitedProblem {
  /** The line the broken record starts on. */
  line: number;
  /** The line and column (1-based) where the problem was found. */
  at: { line: number; column: number };
  reason: string;
}

/**
 * An incremental CSV/TSV record parser fed one line at a time, so a file is parsed while it
 * streams. With RFC 4180 quoting, a quoted field may hold delimiters, `""` (one quote) and line
 * breaks. Malformed input throws `FORMAT` with `file:line:column` — or, given `onError`, is
 * reported to it and skipped: the broken record is dropped up to the end of the line where the
 * problem was found, and parsing starts afresh on the next line.
 */
export class DelimitedParser {
  readonly #delimiter: string;
  readonly #quoting: Quoting;
  readonly #where: string;
  readonly #onError: ((problem: DelimitedProblem) => void) | undefined;
  #fields: string[] = [];
  #field = '';
  #open = false;
  #startLine = 0;

  /** `where` prefixes messages, e.g. `readLabeledText: reviews.csv`. */
  constructor(
    delimiter: string,
    quoting: Quoting,
    where: string,
    onError?: (problem: DelimitedProblem) => void,
  ) {
    this.#delimiter = delimiter;
    this.#quoting = quoting;
    this.#where = where;
    this.#onError = onError;
  }

  /** Throws the problem, or reports it to `onError` and drops the record (then returns null). */
  #fail(line: number, column: number, reason: string, file?: string): null {
    if (this.#onError) {
      this.#open = false;
      this.#fields = [];
      this.#field = '';
      this.#onError({ line: this.#startLine, at: { line, column }, reason });
      return null;
    }
    throw new DatasetError('FORMAT', `${this.#where}:${line}:${column}: ${reason}`, {
      file,
      line,
      column,
    });
  }

  /** Whether a quoted field is open (the next line continues it). */
  get isOpen(): boolean {
    return this.#open;
  }

  /** Feeds line `line`; returns the record it completes, or null inside a quoted line break. */
  push(text: string, line: number, file?: string): DelimitedRecord | null {
    if (this.#quoting === 'none') return { fields: text.split(this.#delimiter), line };
    if (!this.#open) {
      this.#fields = [];
      this.#field = '';
      this.#startLine = line;
    } else {
      this.#field += '\n';
    }
    let i = 0;
    const d = this.#delimiter;
    while (i <= text.length) {
      if (this.#open) {
        const quote = text.indexOf('"', i);
        if (quote < 0) {
          this.#field += text.slice(i);
          return null;
        }
        this.#field += text.slice(i, quote);
        if (text[quote + 1] === '"') {
          this.#field += '"';
          i = quote + 2;
          continue;
        }
        this.#open = false;
        i = quote + 1;
        if (i < text.length && text[i] !== d) {
          return this.#fail(
            line,
            i + 1,
            `unexpected ${JSON.stringify(text[i])} after a closing quote; write a quote inside a quoted field as ""`,
            file,
          );
        }
        continue;
      }
      // At the start of a field, or right after a closing quote.
      if (i === text.length) {
        this.#fields.push(this.#field);
        break;
      }
      if (text[i] === d) {
        this.#fields.push(this.#field);
        this.#field = '';
        i++;
        if (i === text.length) {
          this.#fields.push('');
          break;
        }
        if (text[i] === '"') {
          this.#open = true;
          i++;
        }
        continue;
      }
      if (text[i] === '"' && this.#field === '' && (i === 0 || text[i - 1] === d)) {
        this.#open = true;
        i++;
        continue;
      }
      let end = text.indexOf(d, i);
      if (end < 0) end = text.length;
      const chunk = text.slice(i, end);
      const stray = chunk.indexOf('"');
      if (stray >= 0) {
        return this.#fail(
          line,
          i + stray + 1,
          'quote inside an unquoted field; quote the whole field and double the quote ("")',
          file,
        );
      }
      this.#field += chunk;
      i = end;
    }
    return { fields: this.#fields, line: this.#startLine };
  }

  /** Call at the end of the input: a quoted field still open is a problem (thrown or reported). */
  finish(file?: string): void {
    if (this.#open) {
      this.#fail(this.#startLine, 1, 'a quoted field opened on this line is never closed', file);
    }
  }
}
