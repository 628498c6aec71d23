import { DatasetError } from '../errors.js';
import type { Tokenizer } from '../tokenizers.js';

/**
 * `tokenizer.encode(text)` for a text found at `file:line`; an unknown-token error is re-thrown
 * with the file and the line of the token (the record's line plus the token's line within it).
 */
export function encodeAt(
  tokenizer: Tokenizer,
  text: string,
  caller: string,
  file: string,
  line: number,
): Int32Array {
  try {
    return tokenizer.encode(text);
  } catch (error) {
    if (error instanceof DatasetError && error.code === 'UNKNOWN_TOKEN') {
      const at = line + (error.line ?? 1) - 1;
      throw new DatasetError('UNKNOWN_TOKEN', `${caller}: ${file}:${at}: ${error.message}`, {
        file,
        line: at,
        column: error.column,
      });
    }
    throw error;
  }
}
