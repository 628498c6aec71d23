/**
 * Test-only: transpiles this package's TypeScript sources to plain ES modules under
 * `node_modules/.cache/` (so `@recur/*` imports still resolve), letting a spawned `node` run the
 * real code without a build. Types are stripped with the workspace's `typescript`.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Writes every `src/**\/*.ts` (not tests) of `packageDir` as `.js` under its cache; returns the output dir. */
export function transpileSources(packageDir: string): string {
  const srcDir = join(packageDir, 'src');
  const outDir = join(packageDir, 'node_modules', '.cache', 'recur-train-test');
  for (const file of sources(srcDir)) {
    const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
      fileName: file,
      compilerOptions: {
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2022,
        verbatimModuleSyntax: true,
      },
    });
    const out = join(outDir, relative(srcDir, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, outputText);
  }
  writeFileSync(join(outDir, 'package.json'), '{"type":"module"}\n');
  return outDir;
}
