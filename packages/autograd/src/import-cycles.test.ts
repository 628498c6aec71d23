import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = dirname(fileURLToPath(import.meta.url));

/** Every non-test source file under `dir`. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !entry.name.includes('.test.') ? [path] : [];
  });
}

/**
 * The relative modules `file` loads at run time: `import`/`export … from` statements, except
 * those that bring in types only (`import type`, or every specifier marked `type`).
 */
function runtimeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const statement = /^(import|export)\s+(type\s+)?([^;]*?)\s+from\s+'(\.[^']+)\.js';/gms;
  const found: string[] = [];
  for (const [, , typeOnly, clause, target] of text.matchAll(statement)) {
    if (typeOnly) continue;
    const braces = /^\{([^}]*)\}$/s.exec(clause!.trim());
    const names = braces ? braces[1]!.split(',').map((s) => s.trim()) : [clause!.trim()];
    if (names.filter((n) => n !== '').every((n) => n.startsWith('type '))) continue;
    found.push(resolve(dirname(file), `${target}.ts`));
  }
  return found;
}

/** One import cycle among `files`, as a list of paths relative to src, or null. */
function findCycle(files: readonly string[]): string[] | null {
  const edges = new Map(files.map((f) => [f, runtimeImports(f)]));
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (file: string): string[] | null => {
    if (state.get(file) === 'done') return null;
    if (state.get(file) === 'open') return [...path.slice(path.indexOf(file)), file];
    state.set(file, 'open');
    path.push(file);
    for (const next of edges.get(file) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(file, 'done');
    return null;
  };
  for (const file of files) {
    const cycle = visit(file);
    if (cycle) return cycle.map((f) => relative(root, f));
  }
  return null;
}

describe('module graph', () => {
  it('has no runtime import cycle (type-only imports excepted)', () => {
    expect(findCycle(sources(root))).toBeNull();
  });

  it('the checker sees a cycle through value imports and ignores type-only ones', () => {
    // Guards the test above against a parser that finds nothing.
    const edges = runtimeImports(join(root, 'record.ts')).map((f) => relative(root, f));
    expect(edges).toContain('variable.ts');
    expect(edges).toContain('node.ts');
    expect(runtimeImports(join(root, 'variable.ts')).map((f) => relative(root, f))).not.toContain(
      'node.ts',
    );
  });
});
