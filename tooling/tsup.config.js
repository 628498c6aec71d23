// @ts-check
import { defineConfig } from 'tsup';

/**
 * The one tsup configuration every library package builds with: ESM and CJS, `.d.ts` for both,
 * source maps, no bundling of dependencies. A package passes its entry points.
 *
 * Plain JavaScript so that tsup (and vitest) load it from node_modules without a TS loader.
 *
 * @param {Record<string, string>} entry
 * @param {import('tsup').Options} [extra]
 */
export function libraryConfig(entry, extra = {}) {
  return defineConfig({
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    treeshake: true,
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
