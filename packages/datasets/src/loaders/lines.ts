import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { DatasetError } from '../errors.js';

/** One line of a file, without its line break; `line` is 1-based. */
export interface NumberedLine {
  text: string;
  line: number;
}

/** Throws `IO` (missing or unreadable file) or `EMPTY` (zero bytes) before a file is streamed. */
export async function checkReadable(path: string, caller: string): Promise<void> {
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new Error('not a regular file');
    size = info.size;
  } catch (error) {
    throw new DatasetError('IO', `${caller}: cannot read ${path} (${(error as Error).message})`, {
      file: path,
    });
  }
  if (size === 0) throw new DatasetError('EMPTY', `${caller}: ${path} is empty`, { file: path });
}

/**
 * The lines of a UTF-8 text file, streamed with `readline` (the file is never read whole; `\n`
 * and `\r\n` both end lines; a byte-order mark is dropped). Throws `IO` when the file cannot be
 * read and `EMPTY` when it has zero bytes.
 */
export async function* readLines(path: string, caller = 'readLines'): AsyncGenerator<NumberedLine> {
  await checkReadable(path, caller);
  const input = createReadStream(path, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let line = 0;
  try {
    for await (const raw of lines) {
      line++;
      yield { text: line === 1 && raw.startsWith('\uFEFF') ? raw.slice(1) : raw, line };
    }
  } catch (error) {
    if (error instanceof DatasetError) throw error;
    throw new DatasetError('IO', `${caller}: error reading ${path} (${(error as Error).message})`, {
      file: path,
    });
  } finally {
    lines.close();
    input.destroy();
  }
}
