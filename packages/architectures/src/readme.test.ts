import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as datasets from '@recur/datasets';
import * as T from '@recur/tensor';
import * as train from '@recur/train';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as architectures from './index.js';

/** The README's complete programs (PyTorch both ways, time series, cell variants) run as written. */
const root = fileURLToPath(new URL('../', import.meta.url));
const readme = fs.readFileSync(`${root}README.md`, 'utf8');
const sections = readme
  .split(/^## /m)
  .filter((s) => /^(PyTorch → recur|recur → PyTorch|Time series|Cell variants)/.test(s));
const blocks = sections.flatMap((s) => [...s.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!));

/** Runs a README block (TypeScript → CommonJS) and returns the lines it logged. */
function run(source: string): string[] {
  const js = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  const modules: Record<string, unknown> = {
    '@recur/tensor': T,
    '@recur/architectures': architectures,
    '@recur/datasets': datasets,
    '@recur/train': train,
    // Paths in the examples are relative to this package.
    'node:fs': { readFileSync: (path: string) => fs.readFileSync(`${root}${path}`) },
  };
  const lines: string[] = [];
  const log = (...args: unknown[]) => lines.push(args.map(String).join(' '));
  const require = (name: string) => {
    if (!(name in modules)) throw new Error(`README example imports unknown module ${name}`);
    return modules[name];
  };
  new Function('require', 'exports', 'console', js)(require, {}, { log });
  return lines;
}

/** What the block says it prints: the `// …` comment after its last console.log. */
function promised(source: string): string {
  const match = [...source.matchAll(/console\.log\(.*\);\s*\/\/ (.*)/g)].pop();
  return match![1]!.trim();
}

describe('README', () => {
  it('has a runnable example for each direction, for time series and for cell variants', () => {
    expect(blocks.length).toBe(4);
  });

  it.each(blocks.map((b, i) => [i, b] as const))(
    'example %i prints what it promises',
    (_i, block) => {
      expect(run(block).at(-1)).toBe(promised(block));
    },
  );
});
