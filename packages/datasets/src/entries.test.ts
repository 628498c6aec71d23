import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));

/** Every module specifier reachable from `entry` through relative imports, and the files visited. */
function importGraph(entry: string): { files: string[]; external: string[] } {
  const files = new Set<string>();
  const external = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(/^(?:import|export)[^'";]*?from\s+'([^']+)'/gm)) {
      const specifier = match[1]!;
      if (specifier.startsWith('.')) visit(join(dirname(file), specifier.replace(/\.js$/, '.ts')));
      else external.add(specifier);
    }
  };
  visit(join(here, entry));
  return {
    files: [...files].map((f) => f.slice(here.length + 1)).sort(),
    external: [...external].sort(),
  };
}

describe('entry points', () => {
  it('the main entry imports nothing from Node or the data packages (it runs in browsers)', () => {
    const { files, external } = importGraph('index.ts');
    expect(external).toEqual([]);
    expect(files.some((f) => f.startsWith('loaders/'))).toBe(false);
    expect(files.filter((f) => f.startsWith('real/'))).toEqual(['real/digits.ts']);
  });

  it('the node entry is where node: imports live, and it requires no data package eagerly', () => {
    const { external } = importGraph('node.ts');
    expect(external.every((s) => s.startsWith('node:'))).toBe(true);
    expect(external).toContain('node:module');
  });

  it('the entries export what the README uses', async () => {
    const main = await import('./index.js');
    const node = await import('./node.js');
    for (const name of [
      'Vocabulary',
      'CharTokenizer',
      'WordTokenizer',
      'TbpttStream',
      'padSequences',
      'addingProblem',
      'reberData',
      'DatasetError',
    ]) {
      expect(name in main).toBe(true);
    }
    for (const name of [
      'loadMobyDick',
      'loadCmudict',
      'loadSpamAssassin',
      'loadMnist',
      'readLabeledText',
      'readTranslationPairs',
      'encodeTextFile',
    ]) {
      expect(name in node).toBe(true);
    }
  });
});
