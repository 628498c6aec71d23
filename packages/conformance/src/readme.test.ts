import { readmeBlocks, runSnippet } from '@recur/tooling/readme';
import * as self from './index.js';

// The README's example registers conformance suites (vitest `describe` blocks), so it runs as
// written while this file is collected rather than inside a test: its suites are this file's.
for (const block of readmeBlocks(new URL('../README.md', import.meta.url))) {
  await runSnippet(block.code, {
    modules: { '@recur/conformance': self },
    load: (name) => import(name),
  });
}
