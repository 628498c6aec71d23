import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as architectures from '@recur/architectures';
import * as recurTensor from '@recur/tensor';
import * as tf from '@tensorflow/tfjs';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as tfjs from './index.js';

const readme = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);

const AsyncFunction = (async () => {}).constructor as new (
  ...args: string[]
) => (...args: unknown[]) => Promise<void>;

/** Runs a README block (TypeScript → CommonJS, top-level await allowed) and returns what it logged. */
async function run(source: string): Promise<string[]> {
  const js = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  const modules: Record<string, unknown> = {
    '@recur/architectures': architectures,
    '@recur/tensor': recurTensor,
    '@recur/tfjs': tfjs,
    '@tensorflow/tfjs': tf,
  };
  const lines: string[] = [];
  const log = (...args: unknown[]) => lines.push(args.map(String).join(' '));
  const require = (name: string) => {
    if (!(name in modules)) throw new Error(`README example imports unknown module ${name}`);
    return modules[name];
  };
  await new AsyncFunction('require', 'exports', 'console', js)(require, {}, { log });
  return lines;
}

/** What the block says it prints: the `// …` comment after its last console.log. */
function promised(source: string): string {
  const match = [...source.matchAll(/console\.log\(.*\);\s*\/\/ (.*)/g)].pop();
  return match![1]!.trim();
}

describe('README', () => {
  it('has an example per direction', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(2);
  });

  it.each(blocks.map((b, i) => [i, b] as const))(
    'example %i prints what it promises',
    async (_i, block) => {
      expect((await run(block)).at(-1)).toBe(promised(block));
    },
  );
});
