import { describe, expect, it } from 'vitest';
import { CharTokenizer } from '../tokenizers.js';
import { readLines } from './lines.js';
import { collect, rejection, testFolder } from './test-files.js';
import { charVocabularyOfFile, encodeTextFile, readTextFile } from './text.js';

const folder = testFolder();
// Multi-byte characters straddle the 64 KiB chunk borders somewhere in 200k characters.
const text = Array.from({ length: 20000 }, (_, i) => `é${i % 7}😀 ñ\n`).join('');

describe('plain text files', () => {
  it('readTextFile returns the exact text, multi-byte characters across chunk borders included', async () => {
    const path = folder.file('corpus.txt', text);
    expect(await readTextFile(path)).toBe(text);
    expect((await collect(readLines(path))).length).toBe(20000);
  });

  it('encodeTextFile streams ids equal to encoding the whole text', async () => {
    const path = folder.file('corpus2.txt', text);
    const vocabulary = await charVocabularyOfFile(path);
    const tokenizer = new CharTokenizer(vocabulary, { unknown: 'error' });
    const ids = await encodeTextFile(path, tokenizer);
    expect(Array.from(ids)).toEqual(Array.from(tokenizer.encode(text)));
    expect(tokenizer.decode(ids)).toBe(text);
  });

  it("reports an unknown character with file, line and column (unknown: 'error'), or maps it to UNK", async () => {
    const path = folder.file('unknown.txt', 'abc\nabc\nabXc\n');
    const strict = CharTokenizer.fromText('abc\n', { unknown: 'error' });
    const error = await rejection(encodeTextFile(path, strict));
    expect(error.code).toBe('UNKNOWN_TOKEN');
    expect(error.message).toMatch(/unknown\.txt:3:3: unknown character "X" \(U\+0058\)/);
    expect(error.line).toBe(3);
    const lenient = CharTokenizer.fromText('abc\n');
    const ids = await encodeTextFile(path, lenient);
    expect(ids[10]).toBe(lenient.vocabulary.unkId);
  });

  it('reports empty and missing files', async () => {
    expect((await rejection(readTextFile(folder.file('empty.txt', '')))).code).toBe('EMPTY');
    expect((await rejection(readTextFile(folder.path('missing.txt')))).code).toBe('IO');
  });
});
