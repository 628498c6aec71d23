import { closeSync, createReadStream, fstatSync, openSync, readSync } from 'node:fs';
import { DatasetError } from '../errors.js';
import type { TokenSource } from '../tbptt.js';
import type { CharTokenizer } from '../tokenizers.js';
import { Vocabulary, type VocabularyOptions } from '../vocabulary.js';
import { checkReadable } from './lines.js';
import { decodeAt } from './utf8.js';

/** Characters between two entries of the byte-offset index (a seek decodes at most this many). */
const INDEX_EVERY = 8192;
/** Read positions remembered, so that B parallel streams each continue where they stopped. */
const CURSORS = 64;

interface Cursor {
  char: number;
  byte: number;
}

/**
 * A UTF-8 text file as a sequence of characters (code points) that is never held whole: one
 * streaming pass ({@link TextFileCorpus.open}) counts the characters (for a vocabulary) and
 * indexes the byte offset of every 8192nd one; afterwards any range can be read back — as text or
 * as the ids of a character tokenizer ({@link TextFileCorpus.tokens}, a `TokenSource` for
 * `TbpttStream`) — by seeking in the file. Memory stays bounded whatever the file's size (the
 * index takes 8 bytes per 8192 characters). A byte-order mark is dropped; a malformed byte reads
 * as U+FFFD. Call {@link TextFileCorpus.close} when done (it closes the file).
 */
export class TextFileCorpus {
  readonly path: string;
  /** Size of the file in bytes. */
  readonly bytes: number;
  /** Number of characters (code points). */
  readonly characters: number;
  readonly #counts: ReadonlyMap<number, number>;
  readonly #index: Float64Array;
  #fd: number | null = null;
  #buffer = new Uint8Array(1 << 16);
  readonly #cursors: Cursor[] = [];

  private constructor(
    path: string,
    bytes: number,
    characters: number,
    counts: Map<number, number>,
    index: Float64Array,
  ) {
    this.path = path;
    this.bytes = bytes;
    this.characters = characters;
    this.#counts = counts;
    this.#index = index;
  }

  /**
   * Scans `path` once, streaming. Throws `IO` for a missing or unreadable file and `EMPTY` for
   * one with no characters.
   */
  static async open(path: string): Promise<TextFileCorpus> {
    const caller = 'TextFileCorpus.open';
    await checkReadable(path, caller);
    const counts = new Float64Array(0x110000);
    let index = new Float64Array(1024);
    let entries = 0;
    let characters = 0;
    let untilIndex = 0;
    let base = 0; // file offset of buf[0]
    let pending: Uint8Array | null = null;
    const out: [number, number] = [0, 0];
    const decode = (buf: Uint8Array, final: boolean): void => {
      let i = 0;
      if (base === 0 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) i = 3;
      const end = buf.length;
      while (i < end) {
        if (untilIndex === 0) {
          if (entries === index.length) {
            const bigger = new Float64Array(index.length * 2);
            bigger.set(index);
            index = bigger;
          }
          index[entries++] = base + i;
          untilIndex = INDEX_EVERY;
        }
        const b = buf[i]!;
        if (b < 0x80) {
          counts[b]!++;
          i++;
        } else {
          if (!decodeAt(buf, i, end, final, out)) break;
          counts[out[0]]!++;
          i += out[1];
        }
        characters++;
        untilIndex--;
      }
      pending = i < end ? buf.slice(i) : null;
      base += i;
    };
    const input = createReadStream(path, { highWaterMark: 1 << 20 });
    let bytes = 0;
    try {
      for await (const chunk of input) {
        const data = chunk as Buffer;
        bytes += data.length;
        decode(pending ? Buffer.concat([pending, data]) : data, false);
      }
    } catch (error) {
      throw new DatasetError(
        'IO',
        `${caller}: error reading ${path} (${(error as Error).message})`,
        {
          file: path,
        },
      );
    } finally {
      input.destroy();
    }
    if (pending) decode(pending, true);
    if (characters === 0) {
      throw new DatasetError('EMPTY', `${caller}: ${path} holds no characters`, { file: path });
    }
    const seen = new Map<number, number>();
    for (let cp = 0; cp < counts.length; cp++) if (counts[cp]! > 0) seen.set(cp, counts[cp]!);
    return new TextFileCorpus(path, bytes, characters, seen, index.slice(0, entries));
  }

  /** How often each character occurs. */
  counts(): Map<string, number> {
    return new Map([...this.#counts].map(([cp, n]) => [String.fromCodePoint(cp), n]));
  }

  /** The character vocabulary of the file (sorted by code point by default; see `Vocabulary.fromCounts`). */
  vocabulary(options: VocabularyOptions = {}): Vocabulary {
    return Vocabulary.fromCounts(this.counts(), options);
  }

  /** Characters `from` … `to - 1` as a string (read from the file; keep ranges small). */
  text(from: number, to: number): string {
    const codes: number[] = [];
    let text = '';
    this.#read('TextFileCorpus.text', from, to, (cp) => {
      codes.push(cp);
      if (codes.length === 8192) {
        text += String.fromCodePoint(...codes);
        codes.length = 0;
      }
    });
    return text + String.fromCodePoint(...codes);
  }

  /**
   * Characters `from` … `to - 1` (default: all) as the ids of `tokenizer`, read lazily: a
   * `TokenSource` for `TbpttStream`. A character outside the vocabulary follows the tokenizer's
   * `unknown` policy (`'error'` throws `UNKNOWN_TOKEN` with its position in the file). BOS/EOS
   * are not added.
   */
  tokens(tokenizer: CharTokenizer, from = 0, to = this.characters): TokenSource {
    this.#checkRange('TextFileCorpus.tokens', from, to);
    const vocabulary = tokenizer.vocabulary;
    const ids = new Map<number, number>();
    vocabulary.tokens.forEach((token, id) => {
      const cp = token.codePointAt(0)!;
      if (token.length === String.fromCodePoint(cp).length && !vocabulary.isSpecial(id))
        ids.set(cp, id);
    });
    const unk = tokenizer.unknown === 'unk' ? vocabulary.unkId : -1;
    const read = (a: number, b: number): Int32Array => {
      if (!(Number.isInteger(a) && Number.isInteger(b) && a >= 0 && a <= b && b <= to - from)) {
        throw new DatasetError(
          'RANGE',
          `TextFileCorpus.tokens: read(${a}, ${b}) is outside [0, ${to - from}]`,
        );
      }
      const out = new Int32Array(b - a);
      this.#read('TextFileCorpus.tokens', from + a, from + b, (cp, k) => {
        let id = ids.get(cp);
        if (id === undefined) {
          if (unk < 0) {
            throw new DatasetError(
              'UNKNOWN_TOKEN',
              `TextFileCorpus.tokens: ${this.path}: unknown character ${JSON.stringify(String.fromCodePoint(cp))} at character ${from + a + k}; pass a tokenizer with unknown: 'unk' to map it`,
              { file: this.path },
            );
          }
          id = unk;
        }
        out[k] = id;
      });
      return out;
    };
    return { length: to - from, read };
  }

  /** Closes the file (reading again reopens it). */
  close(): void {
    if (this.#fd !== null) closeSync(this.#fd);
    this.#fd = null;
    this.#cursors.length = 0;
  }

  #checkRange(caller: string, from: number, to: number): void {
    if (!(Number.isInteger(from) && Number.isInteger(to) && from >= 0 && from <= to)) {
      throw new DatasetError('RANGE', `${caller}: range [${from}, ${to}) is not a range`);
    }
    if (to > this.characters) {
      throw new DatasetError(
        'RANGE',
        `${caller}: range [${from}, ${to}) runs past the ${this.characters} characters of ${this.path}`,
      );
    }
  }

  #open(caller: string): number {
    if (this.#fd !== null) return this.#fd;
    try {
      this.#fd = openSync(this.path, 'r');
    } catch (error) {
      throw new DatasetError(
        'IO',
        `${caller}: cannot read ${this.path} (${(error as Error).message})`,
        {
          file: this.path,
        },
      );
    }
    return this.#fd;
  }

  #changed(caller: string): DatasetError {
    return new DatasetError(
      'IO',
      `${caller}: ${this.path} changed after it was scanned (it had ${this.bytes} bytes)`,
      { file: this.path },
    );
  }

  /** Decodes characters `from` … `to - 1`, calling `emit(codePoint, from-relative index)`. */
  #read(caller: string, from: number, to: number, emit: (cp: number, k: number) => void): void {
    this.#checkRange(caller, from, to);
    if (from === to) return;
    const fd = this.#open(caller);
    if (fstatSync(fd).size !== this.bytes) {
      this.close();
      throw this.#changed(caller);
    }
    // Start from the nearest remembered position at or before `from`, else from the index.
    let cursor: Cursor | undefined;
    for (const c of this.#cursors) {
      if (c.char <= from && from - c.char < INDEX_EVERY && (!cursor || c.char > cursor.char))
        cursor = c;
    }
    const entry = Math.floor(from / INDEX_EVERY);
    const start = cursor ?? { char: entry * INDEX_EVERY, byte: this.#index[entry]! };
    const want = Math.min(4 * (to - start.char), this.bytes - start.byte);
    if (this.#buffer.length < want) this.#buffer = new Uint8Array(want);
    const buf = this.#buffer;
    let got = 0;
    while (got < want) {
      const n = readSync(fd, buf, got, want - got, start.byte + got);
      if (n === 0) break;
      got += n;
    }
    const final = start.byte + got >= this.bytes;
    const out: [number, number] = [0, 0];
    let char = start.char;
    let i = 0;
    let last = start.byte;
    while (char < to && i < got) {
      if (!decodeAt(buf, i, got, final, out)) break;
      if (char >= from) emit(out[0], char - from);
      last = start.byte + i;
      i += out[1];
      char++;
    }
    if (char < to) throw this.#changed(caller);
    // Remember where this read stopped: the next window of the same stream starts there.
    const next = { char: to - 1, byte: last };
    if (cursor) Object.assign(cursor, next);
    else {
      if (this.#cursors.length === CURSORS) this.#cursors.shift();
      this.#cursors.push(next);
    }
  }
}
