import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const readme = readFileSync(join(here, '..', 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
const dir = mkdtempSync(join(tmpdir(), 'recur-readme-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs README block `i` against the sources and returns what it logged. */
async function run(i: number): Promise<string[]> {
  const code = blocks[i]!.replaceAll(
    "'@recur/datasets/node'",
    `'${join(here, 'node.ts')}'`,
  ).replaceAll("'@recur/datasets'", `'${join(here, 'index.ts')}'`);
  const file = join(dir, `block-${i}.ts`);
  writeFileSync(file, `${code}\nexport {};\n`);
  const logs: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    logs.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
  });
  try {
    await import(file);
  } finally {
    spy.mockRestore();
  }
  return logs;
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
