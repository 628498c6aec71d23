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
