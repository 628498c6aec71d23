import { describe, expect, it } from 'vitest';
import { CharTokenizer } from '../tokenizers.js';
import { loadTranslationPairs, readParallelFiles, readTranslationPairs } from './pairs.js';
import { collect, rejection, testFolder } from './test-files.js';

const folder = testFolder();

describe('readTranslationPairs', () => {
  it('reads source<TAB>target lines, ignoring the Tatoeba attribution column and blank lines', async () => {
    const path = folder.file(
      'fra.txt',
      'Go.\tVa !\tCC-BY 2.0 (France) Attribution: tatoeba.org\n\nHi.\tSalut !\n',
    );
    expect(await collect(readTranslationPairs(path))).toEqual([
      { source: 'Go.', target: 'Va !', line: 1 },
      { source: 'Hi.', target: 'Salut !', line: 3 },
    ]);
    const strict = await rejection(collect(readTranslationPairs(path, { extraColumns: 'error' })));
    expect(strict.message).toMatch(/fra\.txt:1: expected 2 tab-separated columns, found 3/);
  });

  it('reports mismatched pairs (no tab, empty side) with file and line', async () => {
    const noTab = await rejection(
      collect(readTranslationPairs(folder.file('a.tsv', 'one\tun\ntwo deux\n'))),
    );
    expect(noTab.code).toBe('MISMATCH');
    expect(noTab.message).toMatch(/a\.tsv:2: expected source<TAB>target, found no tab$/);
    const empty = await rejection(
      collect(readTranslationPairs(folder.file('b.tsv', 'one\tun\ntwo\t \n'))),
    );
    expect(empty.message).toMatch(/b\.tsv:2: empty target$/);
    expect((await rejection(collect(readTranslationPairs(folder.file('c.tsv', ''))))).code).toBe(
      'EMPTY',
    );
    const skipped: number[] = [];
    const data = await loadTranslationPairs(folder.file('d.tsv', 'x\ty\nbad\nz\tw\n'), {
      onMalformed: 'skip',
      onSkip: (p) => skipped.push(p.line),
    });
    expect(data.pairs.map((p) => p.source)).toEqual(['x', 'z']);
    expect(skipped).toEqual([2]);
  });

  it('encodes both sides; an unknown character names file and line', async () => {
    const path = folder.file('enc.tsv', 'ab\tba\nab\tbz\n');
    const tokenizer = CharTokenizer.fromText('ab', { unknown: 'error' });
    const error = await rejection(
      loadTranslationPairs(path, { sourceTokenizer: tokenizer, targetTokenizer: tokenizer }),
    );
    expect(error.message).toMatch(/enc\.tsv:2: CharTokenizer\.encode: unknown character "z"/);
    const ok = await loadTranslationPairs(folder.file('ok.tsv', 'ab\tba\n'), {
      sourceTokenizer: tokenizer,
      targetTokenizer: tokenizer,
    });
    expect(tokenizer.decode(ok.targetIds![0]!)).toBe('ba');
  });
});

describe('readParallelFiles', () => {
  it('pairs line i with line i', async () => {
    const en = folder.file('p.en', 'hello\n\nworld\n');
    const de = folder.file('p.de', 'hallo\n\nwelt\n');
    expect(await collect(readParallelFiles(en, de))).toEqual([
      { source: 'hello', target: 'hallo', line: 1 },
      { source: 'world', target: 'welt', line: 3 },
    ]);
  });

  it('reports files of different length and one-sided empty lines', async () => {
    const en = folder.file('q.en', 'a\nb\nc\n');
    const de = folder.file('q.de', 'a\nb\n');
    const error = await rejection(collect(readParallelFiles(en, de)));
    expect(error.code).toBe('MISMATCH');
    expect(error.message).toMatch(/q\.de ends after 2 lines but .*q\.en goes on at line 3/);
    const gap = await rejection(
      collect(readParallelFiles(folder.file('r.en', 'a\nb\n'), folder.file('r.de', 'a\n\n'))),
    );
    expect(gap.message).toMatch(/r\.de:2: empty line where the other file has text/);
  });
});
