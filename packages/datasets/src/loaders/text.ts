import { createReadStream } from 'node:fs';
import { DatasetError } from '../errors.js';
import type { CharTokenizer } from '../tokenizers.js';
import { Vocabulary, type VocabularyOptions } from '../vocabulary.js';
import { checkReadable } from './lines.js';

async function* chunksOf(path: string, caller: string): AsyncGenerator<string> {
  await checkReadable(path, caller);
  const input = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 16 });
  let first = true;
  try {
    for await (const chunk of input) {
      const text = chunk as string;
      yield first && text.startsWith('\uFEFF') ? text.slice(1) : text;
      first = false;
    }
  } catch (error) {
    throw new DatasetError('IO', `${caller}: error reading ${path} (${(error as Error).message})`, {
      file: path,
    });
  } finally {
    input.destroy();
  }
}

/**
 * A whole UTF-8 text file as a string, read as a stream of 64 KiB chunks. Throws `IO` for a
 * missing file and `EMPTY` for an empty one. For a corpus bigger than you want as a string, use
 * {@link encodeTextFile}, which keeps only the ids.
 */
export async function readTextFile(path: string): Promise<string> {
  const parts: string[] = [];
  for await (const chunk of chunksOf(path, 'readTextFile')) parts.push(chunk);
  return parts.join('');
}

/**
 * The character vocabulary of a text file, counted while streaming it (sorted by code point by
 * default; specials as in {@link Vocabulary.build}).
 */
export async function charVocabularyOfFile(
  path: string,
  options: VocabularyOptions = {},
): Promise<Vocabulary> {
  const counts = new Map<string, number>();
  for await (const chunk of chunksOf(path, 'charVocabularyOfFile')) {
    for (const ch of chunk) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  }
  return Vocabulary.fromCounts(counts, options);
}

/**
 * Encodes a text file with a character tokenizer while streaming it, into one `Int32Array` (4
 * bytes a character; the text itself is never held whole) — the input of a `TbpttStream`. An
 * unknown character follows the tokenizer's `unknown` policy; with `'error'` the message gives
 * the file, line and column. The tokenizer's BOS/EOS, if any, wrap the whole file.
 */
export async function encodeTextFile(path: string, tokenizer: CharTokenizer): Promise<Int32Array> {
  const vocab = tokenizer.vocabulary;
  let out = new Int32Array(1 << 16);
  let size = 0;
  const push = (id: number) => {
    if (size === out.length) {
      const bigger = new Int32Array(out.length * 2);
      bigger.set(out);
      out = bigger;
    }
    out[size++] = id;
  };
  if (tokenizer.addBos) push(vocab.bosId);
  let line = 1;
  let column = 1;
  for await (const chunk of chunksOf(path, 'encodeTextFile')) {
    for (const ch of chunk) {
      let id = vocab.idOf(ch);
      if (id === undefined) {
        if (tokenizer.unknown === 'error') {
          const code = ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
          throw new DatasetError(
            'UNKNOWN_TOKEN',
            `encodeTextFile: ${path}:${line}:${column}: unknown character ${JSON.stringify(ch)} (U+${code}); pass unknown: 'unk' with a vocabulary that has UNK to map it`,
            { file: path, line, column },
          );
        }
        id = vocab.unkId;
      }
      push(id);
      if (ch === '\n') {
        line++;
        column = 1;
      } else {
        column++;
      }
    }
  }
  if (tokenizer.addEos) push(vocab.eosId);
  return out.slice(0, size);
}
