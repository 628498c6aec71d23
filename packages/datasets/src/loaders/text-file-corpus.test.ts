import { appendFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TbpttStream } from '../tbptt.js';
import { CharTokenizer } from '../tokenizers.js';
import { rejection, testFolder } from './test-files.js';
import { readTextFile } from './text.js';
import { TextFileCorpus } from './text-file-corpus.js';

const folder = testFolder();

/** Text with 1-, 2-, 3- and 4-byte characters and line breaks, `n` characters long. */
function mixed(n: number, seed = 1): string {
  const alphabet = ['a', 'b', ' ', '\n', 'é', 'ß', '€', '中', '🐋', '\r\n', 'Z'];
  let x = seed;
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    out.push(alphabet[x % alphabet.length]!);
  }
  return out.join('');
}

describe('TextFileCorpus', () => {
  it('counts and reads back any range exactly like the whole text (index borders, multi-byte characters, 1 MiB chunk borders)', async () => {
    const text = mixed(400_000);
    const path = folder.file('mixed.txt', `\uFEFF${text}`);
    const corpus = await TextFileCorpus.open(path);
    const chars = Array.from(await readTextFile(path));
    expect(Array.from(text)).toEqual(chars);
    expect(corpus.characters).toBe(chars.length);
    expect(corpus.bytes).toBe(Buffer.byteLength(`\uFEFF${text}`));
    const counts = new Map<string, number>();
    for (const ch of chars) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    expect(corpus.counts()).toEqual(counts);
    for (const [from, to] of [
      [0, 10],
      [8190, 8200],
      [8192, 8192 * 3 + 5],
      [chars.length - 7, chars.length],
      [123_456, 123_999],
    ] as const) {
      expect(corpus.text(from, to)).toBe(chars.slice(from, to).join(''));
    }
    corpus.close();
  });

  it('serves TbpttStream the same batches as the ids in memory, epoch after epoch', async () => {
    const text = mixed(30_000, 7);
    const path = folder.file('lm.txt', text);
    const corpus = await TextFileCorpus.open(path);
    const tokenizer = new CharTokenizer(corpus.vocabulary({ specials: { unk: false } }));
    const options = { batchSize: 5, steps: 17, randomOffset: true, seed: 3 };
    const lazy = new TbpttStream(corpus.tokens(tokenizer, 100, 25_000), options);
    const eager = new TbpttStream(
      tokenizer.encode(Array.from(text).slice(100, 25_000).join('')),
      options,
    );
    expect(lazy.batchesPerEpoch).toBe(eager.batchesPerEpoch);
    for (let k = 0; k < 2 * eager.batchesPerEpoch + 3; k++)
      expect(lazy.next()).toEqual(eager.next());
    corpus.close();
  });

  it('reads malformed bytes as one U+FFFD each, the same in the scan and in every read', async () => {
    const bytes = Buffer.from([
      0x61, 0xff, 0xc3, 0x62, 0xe2, 0x82, 0x63, 0xf0, 0x9f, 0x90, 0x8b, 0xed, 0xa0, 0x80,
    ]);
    const path = folder.file('bad.bin', '');
    appendFileSync(path, bytes);
    const corpus = await TextFileCorpus.open(path);
    const all = corpus.text(0, corpus.characters);
    expect(all).toBe('a\uFFFD\uFFFDb\uFFFD\uFFFDc🐋\uFFFD\uFFFD\uFFFD');
    for (let i = 0; i < corpus.characters; i++)
      expect(corpus.text(i, i + 1)).toBe(Array.from(all)[i]);
    corpus.close();
  });

  it('reports a file changed after the scan, ranges outside it, and unknown characters', async () => {
    const path = folder.file('short.txt', 'abcdef');
    const corpus = await TextFileCorpus.open(path);
    expect(() => corpus.text(2, 9)).toThrow(/runs past the 6 characters/);
    const tokenizer = CharTokenizer.fromText('abc', { unknown: 'error' });
    expect(() => corpus.tokens(tokenizer).read(0, 5)).toThrow(
      /unknown character "d" at character 3/,
    );
    appendFileSync(path, 'more');
    expect(() => corpus.text(0, 2)).toThrow(/changed after it was scanned \(it had 6 bytes\)/);
    expect((await rejection(TextFileCorpus.open(folder.file('empty.txt', '')))).code).toBe('EMPTY');
  });
});
