// @ts-check
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'tsup';

/**
 * The one tsup configuration every library package builds with: ESM and CJS, `.d.ts` for both,
 * source maps, no bundling of dependencies. A package passes its entry points.
 *
 * Code shared by several entry points goes into shared chunks in both formats (`splitting`), so
 * `require('@recur/tensor')` and `require('@recur/tensor/gpu')` share one engine and one set of
 * classes, as the ESM build always did. `__RECUR_PACKAGE_VERSION__` is the package's version and
 * `__RECUR_MODULE_FORMAT__` the build's format (`esm`, `cjs`), for code that reports which copy
 * of a package it is (see `packages/tensor/src/one-engine.ts`).
 *
 * Plain JavaScript so that tsup (and vitest) load it from node_modules without a TS loader.
 *
 * @param {Record<string, string>} entry
 * @param {import('tsup').Options} [extra]
 */
export function libraryConfig(entry, extra = {}) {
  const { version } = JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8'));
  return defineConfig({
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    splitting: true,
    treeshake: true,
    esbuildOptions(options, { format }) {
      options.define = {
        ...options.define,
        __RECUR_PACKAGE_VERSION__: JSON.stringify(version),
        __RECUR_MODULE_FORMAT__: JSON.stringify(format),
      };
      options.logOverride = { ...options.logOverride, 'empty-import-meta': 'silent' };
    },
    target: 'es2022',
    outDir: 'dist',
    ...extra,
  });
}

/**
 * The configuration of an executable package (a `bin`): ESM only, no `.d.ts`, code split so
 * that what a command needs is loaded when it runs. tsup keeps an entry's shebang and makes the
 * file executable; dependencies stay imports, as for the libraries.
 *
 * @param {Record<string, string>} entry
 * @param {import('tsup').Options} [extra]
 */
export function executableConfig(entry, extra = {}) {
  return defineConfig({
    entry,
    format: ['esm'],
    dts: false,
    sourcemap: true,
    clean: true,
    splitting: true,
    treeshake: true,
    target: 'es2022',
    outDir: 'dist',
    ...extra,
  });
}
