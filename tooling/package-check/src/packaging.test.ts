/**
 * Each library package installs on its own: pack every one with pnpm (which rewrites
 * `workspace:*` to real versions), install the tarballs into an empty project with plain npm,
 * and import each entry point from ESM and from CJS. Then publint and arethetypeswrong check
 * the packed tarballs.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');
const packagesDir = join(root, 'packages');

interface Library {
  name: string;
  dir: string;
  entries: string[];
}

const libraries: Library[] = readdirSync(packagesDir).map((folder) => {
  const dir = join(packagesDir, folder);
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const entries = Object.keys(manifest.exports as Record<string, unknown>)
    .filter((key) => key !== './package.json')
    .map((key) => (key === '.' ? manifest.name : `${manifest.name}/${key.slice(2)}`));
  return { name: manifest.name as string, dir, entries };
});

let work: string;
const tarballs = new Map<string, string>();

function run(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'recur-pack-'));
  const packs = join(work, 'packs');
  for (const lib of libraries) {
    const before = new Set(safeList(packs));
    run('pnpm', ['pack', '--pack-destination', packs], lib.dir);
    const created = safeList(packs).find((f) => !before.has(f));
    if (!created) throw new Error(`pnpm pack produced no tarball for ${lib.name}`);
    tarballs.set(lib.name, join(packs, created));
  }
  const project = join(work, 'project');
  run('mkdir', ['-p', project], work);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
  run(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--ignore-scripts',
      '--loglevel=error',
      ...tarballs.values(),
    ],
    project,
  );
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Runs a checker and returns its exit status and everything it printed. */
function check(cmd: string, args: string[]): { status: number; output: string } {
  const result = spawnSync(cmd, args, { cwd: root, encoding: 'utf8' });
  return { status: result.status ?? 1, output: `${result.stdout}${result.stderr}` };
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

describe.each(libraries)('$name', (lib) => {
  it('imports every entry point from ESM and from CJS, with the same exports', () => {
    const project = join(work, 'project');
    for (const entry of lib.entries) {
      const esm = run(
        'node',
        [
          '--input-type=module',
          '-e',
          `const m = await import('${entry}'); console.log(JSON.stringify(Object.keys(m).sort()));`,
        ],
        project,
      );
      const cjs = run(
        'node',
        ['-e', `console.log(JSON.stringify(Object.keys(require('${entry}')).sort()))`],
        project,
      );
      const esmNames = JSON.parse(esm) as string[];
      expect(
        esmNames.filter((n) => n !== 'default'),
        `${entry}: ESM and CJS builds export different names`,
      ).toEqual((JSON.parse(cjs) as string[]).filter((n) => n !== 'default'));
    }
  });

  it('passes publint (strict)', () => {
    const result = check(join(root, 'node_modules/.bin/publint'), [
      'run',
      '--strict',
      tarballs.get(lib.name)!,
    ]);
    expect(result.status, result.output).toBe(0);
    expect(result.output).not.toMatch(/error|warning|suggestion/i);
  });

  it('passes arethetypeswrong for node16 (ESM and CJS) and bundlers', () => {
    // node10 resolution cannot see subpath exports; supported consumers use node16+ or a bundler.
    const result = check(join(root, 'node_modules/.bin/attw'), [
      tarballs.get(lib.name)!,
      '--profile',
      'node16',
    ]);
    expect(result.status, result.output).toBe(0);
  });
});
