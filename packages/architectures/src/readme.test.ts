import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as datasets from '@recur/datasets';
import * as datasetsNode from '@recur/datasets/node';
import * as T from '@recur/tensor';
import * as train from '@recur/train';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as architectures from './index.js';

/** The README's complete programs (PyTorch both ways, time series) run as written. */
const root = fileURLToPath(new URL('../', import.meta.url));
const readme = fs.readFileSync(`${root}README.md`, 'utf8');
const sections = readme
  .split(/^## /m)
  .filter((s) => /^(PyTorch → recur|recur → PyTorch|Time series)/.test(s));
const blocks = sections.flatMap((s) => [...s.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!));

/** The three-line starts' blocks (top-level `await`: run as async functions). */
const starts = readme
  .split(/^## /m)
  .filter((s) => s.startsWith('Three-line starts'))
  .flatMap((s) => [...s.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!));

/** Runs a README block (TypeScript → CommonJS) and returns the lines it logged. */
function run(source: string): string[] {
  const lines: string[] = [];
  new Function('require', 'exports', 'console', compile(source))(requireFor(), {}, logTo(lines));
  return lines;
}

/** {@link run} for a block with top-level `await`. */
async function runAsync(source: string): Promise<string[]> {
  const lines: string[] = [];
  const AsyncFunction = (async () => {}).constructor as new (
    ...args: string[]
  ) => (...args: unknown[]) => Promise<void>;
  await new AsyncFunction('require', 'exports', 'console', compile(source))(
    requireFor(),
    {},
    logTo(lines),
  );
  return lines;
}

function compile(source: string): string {
  return ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  }).outputText;
}

function logTo(lines: string[]): { log: (...args: unknown[]) => void } {
  return { log: (...args: unknown[]) => lines.push(args.map(String).join(' ')) };
}

function requireFor(): (name: string) => unknown {
  const modules: Record<string, unknown> = {
    '@recur/tensor': T,
    '@recur/architectures': architectures,
    '@recur/datasets': datasets,
    '@recur/datasets/node': datasetsNode,
    '@recur/train': train,
    // Paths in the examples are relative to this package.
    'node:fs': { readFileSync: (path: string) => fs.readFileSync(`${root}${path}`) },
  };
  return (name: string) => {
    if (!(name in modules)) throw new Error(`README example imports unknown module ${name}`);
    return modules[name];
  };
}

/** What the block says it prints: the `// …` comment after its last console.log. */
function promised(source: string): string {
  const match = [...source.matchAll(/console\.log\(.*\);\s*\/\/ (.*)/g)].pop();
  return match![1]!.trim();
}

describe('README', () => {
  it('has a runnable example for each direction and for time series', () => {
    expect(blocks.length).toBe(3);
  });

  it.each(blocks.map((b, i) => [i, b] as const))(
    'example %i prints what it promises',
    (_i, block) => {
      expect(run(block).at(-1)).toBe(promised(block));
    },
  );
});

describe('README three-line starts', () => {
  it('has the text generator, then the classifier, translator and forecaster', () => {
    expect(starts).toHaveLength(2);
    for (const name of ['TextGenerator', 'TextClassifier', 'Translator', 'TimeSeriesForecaster']) {
      expect(starts.join('')).toContain(`new ${name}(`);
    }
  });

  it.each(starts.map((b, i) => [i, b] as const))(
    'block %i runs as written (with 2 updates instead of a minute) and prints each result',
    async (_i, block) => {
      expect(block).toContain('{ minutes: 1 }');
      const lines = await runAsync(block.replaceAll('minutes: 1', 'steps: 2'));
      expect(lines).toHaveLength(block.match(/console\.log\(/g)!.length);
      for (const line of lines) expect(line.length).toBeGreaterThan(0);
    },
    120_000,
  );
});
