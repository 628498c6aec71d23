import { readmeBlocks, runSnippet } from '@recur/tooling/readme';
import { describe, expect, it } from 'vitest';
import * as self from './index.js';
import * as node from './node.js';

const blocks = readmeBlocks(new URL('../README.md', import.meta.url));

/** Runs README block `i` as written against the sources and returns what it logged. */
function run(i: number): Promise<string[]> {
  return runSnippet(blocks[i]!.code, {
    modules: { '@recur/datasets': self, '@recur/datasets/node': node },
    load: (name) => import(name),
  });
}

describe('README examples', () => {
  it('has the examples this test knows about', () => {
    expect(blocks).toHaveLength(9);
  });

  it('char LM data: TBPTT over Moby Dick and its baselines', async () => {
    const [baselines] = await run(0);
    expect(JSON.parse(baselines!).vocabSize).toBe(83);
  });

  it('vocabularies and tokenizers', async () => {
    expect(await run(1)).toEqual(['hello', 'the cat sat <unk> the <unk>', 'true']);
  });

  it('unknown characters', async () => {
    const [message] = await run(2);
    expect(message).toMatch(
      /^CharTokenizer\.encode: unknown character "é" \(U\+00E9\) at index 4 \(line 2, column 2\)/,
    );
  });

  it('batches, buckets, splits', async () => {
    const [padding] = await run(3);
    expect(Number(padding)).toBeCloseTo(0.022, 3);
  });

  it('TBPTT over a text file read lazily', async () => {
    expect(await run(4)).toEqual(['3200 [4,16]']);
  });

  it('synthetic tasks', async () => {
    const [date, sum] = await run(5);
    expect(JSON.parse(date!)).toMatchObject({ source: '9 January 2022', target: '2022-01-09' });
    expect(JSON.parse(sum!)).toEqual({ question: ' 144+04', answer: '481 ', a: 40, b: 441 });
  });

  it('real data', async () => {
    const [shapes, cmu, spam] = await run(6);
    expect(shapes).toMatch(/^\[8000,28,28\] 2000 \[/);
    expect(JSON.parse(cmu!)).toEqual({ word: 'read', phonemes: ['R', 'EH1', 'D'] });
    expect(spam).toBe('ham');
  });

  it('your own data', async () => {
    expect(await run(7)).toEqual([
      '["negative","positive"] [1,0]',
      '1 Go. → Va !',
      '2 Hi. → Salut !',
    ]);
  });

  it('numeric time series', async () => {
    expect(await run(8)).toEqual(['0.000518 0.000513', '["humidity","temperature"]']);
  });
});
