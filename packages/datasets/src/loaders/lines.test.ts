import { describe, expect, it } from 'vitest';
import { readLines } from './lines.js';
import { collect, rejection, testFolder } from './test-files.js';

const folder = testFolder();

describe('readLines', () => {
  it('numbers lines from 1, handles CRLF and drops a byte-order mark', async () => {
    const path = folder.file('crlf.txt', '\uFEFFfirst\r\nsecond\n\nfourth');
    expect(await collect(readLines(path))).toEqual([
      { text: 'first', line: 1 },
      { text: 'second', line: 2 },
      { text: '', line: 3 },
      { text: 'fourth', line: 4 },
    ]);
  });

  it('streams a file larger than one read chunk', async () => {
    const lines = Array.from({ length: 20000 }, (_, i) => `line ${i} ${'x'.repeat(i % 50)}`);
    const path = folder.file('big.txt', `${lines.join('\n')}\n`);
    const read = await collect(readLines(path));
    expect(read).toHaveLength(20000);
    expect(read[12345]).toEqual({ text: lines[12345], line: 12346 });
  });

  it('reports missing and empty files', async () => {
    const missing = await rejection(collect(readLines(folder.path('nope.txt'), 'myLoader')));
    expect(missing.code).toBe('IO');
    expect(missing.message).toMatch(/^myLoader: cannot read .*nope\.txt/);
    const empty = await rejection(collect(readLines(folder.file('empty.txt', ''))));
    expect(empty.code).toBe('EMPTY');
    expect(empty.message).toMatch(/empty\.txt is empty/);
  });
});
