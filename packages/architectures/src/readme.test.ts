import * as fs from 'node:fs';
import { isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeReadme } from '@recur/tooling/readme';
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
});
