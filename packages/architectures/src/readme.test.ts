import * as fs from 'node:fs';
import { isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeReadme, readmeBlocks } from '@recur/tooling/readme';
import { describe, expect, it } from 'vitest';
import * as self from './index.js';

const root = fileURLToPath(new URL('../', import.meta.url));

// Every ```ts block of the README runs as written against these sources.
describeReadme(new URL('../README.md', import.meta.url), {
  modules: {
    '@recur/architectures': self,
    // Paths in the examples are relative to this package.
    'node:fs': {
      ...fs,
      readFileSync: (path: string) => fs.readFileSync(isAbsolute(path) ? path : `${root}${path}`),
    },
  },
  load: (name) => import(name),
  // The three-line starts train for a minute as written; here for two updates.
  rewrite: (code) => code.replaceAll('minutes: 1', 'steps: 2'),
  timeout: 120_000,
});

describe('README three-line starts', () => {
  it('open the README: the text generator, then the classifier, translator and forecaster', () => {
    const starts = readmeBlocks(new URL('../README.md', import.meta.url)).filter((b) =>
      b.heading.startsWith('Three-line starts'),
    );
    expect(starts).toHaveLength(2);
    for (const name of ['TextGenerator', 'TextClassifier', 'Translator', 'TimeSeriesForecaster']) {
      expect(starts.map((b) => b.code).join('')).toContain(`new ${name}(`);
    }
    for (const b of starts) expect(b.code).toContain('minutes: 1 }');
  });
});
