import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as ag from '@recur/autograd';
import * as T from '@recur/tensor';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as cells from './index.js';

const readme = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);

/** Runs a README block (TypeScript → CommonJS) and returns the lines it logged. */
function run(source: string): string[] {
  const js = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  const modules: Record<string, unknown> = {
    '@recur/tensor': T,
    '@recur/autograd': ag,
    '@recur/cells': cells,
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
  it('has runnable examples', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(2);
  });

  it.each(blocks.map((b, i) => [i, b] as const))(
    'example %i prints what it promises',
    (_i, block) => {
      expect(run(block).at(-1)).toBe(promised(block));
    },
  );
});
