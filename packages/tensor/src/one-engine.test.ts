import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { engine } from './engine.js';
import { RecurError } from './errors.js';
import { claimEngine, ENGINE_CLAIM, type EngineCopy, thisCopy } from './one-engine.js';

const esmCopy: EngineCopy = { version: '0.1.0', format: 'ESM', path: '/app/a/dist/index.js' };
const cjsCopy: EngineCopy = { version: '0.1.0', format: 'CJS', path: '/app/a/dist/index.cjs' };

describe('claimEngine', () => {
  it('lets the first copy claim the process, and the same file load again', () => {
    const registry = {};
    expect(claimEngine(registry, esmCopy)).toEqual(esmCopy);
    expect(claimEngine(registry, { ...esmCopy })).toEqual(esmCopy);
    expect((registry as Record<symbol, unknown>)[ENGINE_CLAIM]).toEqual(esmCopy);
  });

  it('refuses a second copy (the other build, or another version) with both paths named', () => {
    const registry = {};
    claimEngine(registry, esmCopy);
    const other = { version: '0.2.0', format: 'ESM' as const, path: '/app/b/dist/index.js' };
    for (const second of [cjsCopy, other]) {
      let error: unknown;
      try {
        claimEngine(registry, second);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(RecurError);
      expect((error as RecurError).code).toBe('CONFLICT');
      expect((error as Error).message).toContain(
        `${second.version} (${second.format} build) at ${second.path}`,
      );
      expect((error as Error).message).toContain(
        '0.1.0 (ESM build) at /app/a/dist/index.js was loaded first',
      );
    }
    // the first claim stays in force
    expect((registry as Record<symbol, unknown>)[ENGINE_CLAIM]).toEqual(esmCopy);
  });

  it('is claimed by the engine, keyed by Symbol.for so every copy finds the same claim', () => {
    expect(engine.memory().numTensors).toBeGreaterThanOrEqual(0);
    expect(ENGINE_CLAIM).toBe(Symbol.for('recur.tensor.engine'));
    expect((globalThis as Record<symbol, unknown>)[ENGINE_CLAIM]).toEqual(thisCopy());
  });

  it('knows which file it is when run from source', () => {
    const copy = thisCopy();
    expect(copy.format).toBe('ESM');
    expect(copy.version).toBe('source');
    expect(copy.path).toBe(fileURLToPath(new URL('./one-engine.ts', import.meta.url)));
  });
});

describe('two builds of @recur/tensor in one process', () => {
  const esm = fileURLToPath(new URL('../dist/index.js', import.meta.url));
  const cjs = fileURLToPath(new URL('../dist/index.cjs', import.meta.url));
  const gpuCjs = fileURLToPath(new URL('../dist/gpu.cjs', import.meta.url));

  /** Runs an ES module in a child node and returns what it printed. */
  function node(source: string): string {
    expect(existsSync(esm) && existsSync(cjs), 'build @recur/tensor first (pnpm build)').toBe(true);
    return execFileSync(process.execPath, ['--input-type=module', '-e', source], {
      encoding: 'utf8',
    });
  }

  it('refuses the CJS build after the ESM build, naming both files', () => {
    const output = node(
      [
        `await import(${JSON.stringify(esm)});`,
        "const { createRequire } = await import('node:module');",
        'try {',
        `  createRequire(import.meta.url)(${JSON.stringify(cjs)});`,
        "  console.log('loaded');",
        '} catch (error) {',
        '  console.log(error.name, error.code, error.message);',
        '}',
      ].join('\n'),
    );
    expect(output).toMatch(/^RecurError CONFLICT @recur\/tensor: a second copy/);
    expect(output).toMatch(/\(CJS build\) at \S+\/dist\/chunk-\w+\.cjs, while/);
    expect(output).toMatch(/\(ESM build\) at \S+\/dist\/chunk-\w+\.js was loaded first/);
    expect(output).not.toContain('loaded\n');
  });

  it('shares one engine and one RecurError between the CJS entries (index and gpu)', () => {
    const output = node(
      [
        "const { createRequire } = await import('node:module');",
        'const require = createRequire(import.meta.url);',
        `const main = require(${JSON.stringify(cjs)});`,
        `const gpu = require(${JSON.stringify(gpuCjs)});`,
        "const chosen = gpu.useBackend('cpu');",
        'let sameError = false;',
        "try { gpu.useBackend('tpu'); } catch (error) { sameError = error instanceof main.RecurError; }",
        'console.log(chosen === main.getBackend(), sameError);',
      ].join('\n'),
    );
    expect(output.trim()).toBe('true true');
  });
});
