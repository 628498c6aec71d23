// @ts-check
/**
 * Runs the TypeScript examples of a package README as tests: one shared harness for every
 * package (`import { describeReadme } from '@recur/tooling/readme'`).
 *
 * Each ```ts block runs as written (TypeScript → CommonJS, top-level `await` allowed). Its
 * imports resolve through the test file: `modules` maps a name to a module object (the package
 * under test maps its own name to `./index.js`, so the sources are tested), every other import
 * goes through `load` (the test file's `(name) => import(name)`, so `@recur/*` dependencies load
 * their ESM builds, as the rest of the test does). `console.log` is captured. When the block's
 * last `console.log(…)` is followed by a `// …` comment, the last line logged must equal that
 * comment (a trailing parenthesised remark is ignored; a comment that starts with `e.g.` shows
 * what the output looks like and promises nothing exact). A block preceded by
 * `<!-- readme-test: skip (why) -->` is listed as skipped, with the reason.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * @typedef {object} ReadmeBlock
 * @property {number} index position among the README's ```ts blocks
 * @property {string} heading the `##` heading the block sits under ('' before the first)
 * @property {string} code
 * @property {string | null} skip why the block is not run, or null
 */

/**
 * The ```ts blocks of the README at `readmeUrl` (e.g. `new URL('../README.md', import.meta.url)`).
 * @param {URL | string} readmeUrl
 * @returns {ReadmeBlock[]}
 */
export function readmeBlocks(readmeUrl) {
  const path = typeof readmeUrl === 'string' ? readmeUrl : fileURLToPath(readmeUrl);
  const text = readFileSync(path, 'utf8');
  /** @type {ReadmeBlock[]} */
  const blocks = [];
  let heading = '';
  const pattern =
    /^## (.*)$|(?:<!-- readme-test: skip \(([^)]*)\) -->\s*\n)?^```ts\n([\s\S]*?)^```/gm;
  for (const match of text.matchAll(pattern)) {
    if (match[1] !== undefined) heading = match[1].trim();
    else
      blocks.push({ index: blocks.length, heading, code: match[3] ?? '', skip: match[2] ?? null });
  }
  return blocks;
}

/** @param {unknown} value */
function show(value) {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return JSON.stringify(value);
  if (typeof value === 'object' && value !== null) {
    const proto = Object.getPrototypeOf(value);
    if (proto === Object.prototype || proto === null) return JSON.stringify(value);
  }
  return String(value);
}

const AsyncFunction =
  /** @type {new (...args: string[]) => (...args: unknown[]) => Promise<void>} */ (
    (async () => {}).constructor
  );

/**
 * @typedef {object} RunOptions
 * @property {Record<string, unknown>} [modules] module objects by import name
 * @property {(name: string) => Promise<unknown>} [load] loads any other import (`(n) => import(n)`)
 * @property {(code: string) => string} [rewrite] changes a block before it runs, e.g. a
 *   one-minute training budget to a few updates (the README keeps what a user would write)
 * @property {number} [timeout] per-block test timeout in ms (vitest's default otherwise)
 */

/**
 * Runs one example and returns the lines it logged.
 * @param {string} code
 * @param {RunOptions} [options]
 * @returns {Promise<string[]>}
 */
export async function runSnippet(code, options = {}) {
  const source = options.rewrite ? options.rewrite(code) : code;
  const js = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  /** @type {Record<string, unknown>} */
  const modules = { ...options.modules };
  for (const [, name] of js.matchAll(/require\("([^"]+)"\)/g)) {
    if (name === undefined || name in modules) continue;
    if (!options.load)
      throw new Error(`README example imports ${name}, which the test does not provide`);
    modules[name] = await options.load(name);
  }
  /** @type {string[]} */
  const lines = [];
  const console = {
    log: (/** @type {unknown[]} */ ...args) => lines.push(args.map(show).join(' ')),
  };
  const require = (/** @type {string} */ name) => modules[name];
  await new AsyncFunction('require', 'exports', 'console', js)(require, {}, console);
  return lines;
}

/**
 * What a block says it prints: the `// …` comment after its last `console.log(…);`, without a
 * trailing parenthesised remark; null when it promises nothing.
 * @param {string} code
 * @returns {string | null}
 */
export function promisedOutput(code) {
  const match = [...code.matchAll(/console\.log\(.*\);[ \t]*\/\/ (.*)/g)].pop();
  if (!match?.[1] || match[1].startsWith('e.g.')) return null;
  return match[1].replace(/\s*\([^()]*\)$/, '').trim();
}

/**
 * Registers one vitest test per ```ts block of the README: it runs, and prints what it promises.
 * @param {URL | string} readmeUrl
 * @param {RunOptions & { minBlocks?: number }} [options]
 */
export function describeReadme(readmeUrl, options = {}) {
  const blocks = readmeBlocks(readmeUrl);
  describe('README examples', () => {
    it('has examples', () => {
      expect(blocks.length).toBeGreaterThanOrEqual(options.minBlocks ?? 1);
    });
    for (const block of blocks) {
      const name = `example ${block.index} (${block.heading || 'top'}) runs and prints what it promises`;
      if (block.skip !== null) {
        it.skip(`${name}: skipped, ${block.skip}`, () => {});
        continue;
      }
      it(
        name,
        async () => {
          const lines = await runSnippet(block.code, options);
          const promised = promisedOutput(block.code);
          if (promised !== null) expect(lines.at(-1)).toBe(promised);
        },
        options.timeout,
      );
    }
  });
}
