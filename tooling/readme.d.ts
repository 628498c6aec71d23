/** A ```ts block of a README. */
export interface ReadmeBlock {
  /** Position among the README's ```ts blocks. */
  index: number;
  /** The `##` heading the block sits under ('' before the first). */
  heading: string;
  code: string;
  /** Why the block is not run (`<!-- readme-test: skip (why) -->` before it), or null. */
  skip: string | null;
}
export interface RunOptions {
  /** Module objects by import name (the package under test: its `./index.js`). */
  modules?: Record<string, unknown>;
  /** Loads every other import; pass `(name) => import(name)` from the test file. */
  load?: (name: string) => Promise<unknown>;
  /** Changes a block before it runs (e.g. a one-minute budget to a few updates). */
  rewrite?: (code: string) => string;
  /** Per-block test timeout in ms. */
  timeout?: number;
}
/** The ```ts blocks of the README at `readmeUrl`. */
export function readmeBlocks(readmeUrl: URL | string): ReadmeBlock[];
/** Runs one example (top-level await allowed) and returns the lines it logged. */
export function runSnippet(code: string, options?: RunOptions): Promise<string[]>;
/** The `// …` comment after a block's last `console.log(…);` (without a trailing `(remark)`), or null. */
export function promisedOutput(code: string): string | null;
/** One vitest test per ```ts block of the README: it runs, and prints what it promises. */
export function describeReadme(
  readmeUrl: URL | string,
  options?: RunOptions & { minBlocks?: number },
): void;
