/**
 * Each library package installs on its own: pack every one with pnpm (which rewrites
 * `workspace:*` to real versions), install the tarballs into an empty project with plain npm,
 * and import each entry point from ESM and from CJS. Then publint and arethetypeswrong check
 * the packed tarballs. The executable package (@recur/cli) is run with `npx` in an empty
 * project of its own, installed from the same tarballs.
 */
import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');
const packagesDir = join(root, 'packages');

interface Package {
  name: string;
  dir: string;
  version: string;
  /** Whether it ships types (the libraries; not an executable-only package such as the CLI). */
  typed: boolean;
}

interface Library extends Package {
  entries: string[];
  optionalPeers: string[];
}

/** Every package under packages/: each is packed, ships README and LICENSE and passes publint. */
const packages: (Package & { manifest: Record<string, unknown> })[] = readdirSync(packagesDir).map(
  (folder) => {
    const dir = join(packagesDir, folder);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const typed = Object.hasOwn((manifest.exports ?? {}) as object, '.');
    return { name: manifest.name as string, dir, version: manifest.version, typed, manifest };
  },
);

/** The libraries: packages with a main entry point, imported from ESM and CJS. */
const libraries: Library[] = packages
  .filter((pkg) => pkg.typed)
  .map(({ manifest, ...pkg }) => {
    const entries = Object.keys(manifest.exports as Record<string, unknown>)
      .filter((key) => key !== './package.json')
      .map((key) => (key === '.' ? pkg.name : `${pkg.name}/${key.slice(2)}`));
    const optionalPeers = Object.keys(
      (manifest.peerDependenciesMeta ?? {}) as Record<string, unknown>,
    );
    return { ...pkg, entries, optionalPeers };
  });

let work: string;
const tarballs = new Map<string, string>();

const execFileAsync = promisify(execFile);

/**
 * Runs a command and returns its stdout; throws with its output when it fails. Asynchronous, so
 * vitest's worker keeps answering its runner while packs and installs take their minute.
 */
async function run(cmd: string, args: string[], cwd: string, env = process.env): Promise<string> {
  const { stdout } = await execFileAsync(cmd, args, {
    cwd,
    env,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  return stdout;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'recur-pack-'));
  const packs = join(work, 'packs');
  for (const lib of packages) {
    const before = new Set(safeList(packs));
    await run('pnpm', ['pack', '--pack-destination', packs], lib.dir);
    const created = safeList(packs).find((f) => !before.has(f));
    if (!created) throw new Error(`pnpm pack produced no tarball for ${lib.name}`);
    tarballs.set(lib.name, join(packs, created));
  }
  const project = join(work, 'project');
  await run('mkdir', ['-p', project], work);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
  await run(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--ignore-scripts',
      '--loglevel=error',
      ...libraries.map((lib) => tarballs.get(lib.name)!),
    ],
    project,
  );
  // Optional peers an entry needs (vitest for @recur/tensor/testing): a consumer who uses that
  // entry has them installed; link the workspace's copies instead of downloading them
  // (gpu.js for @recur/tensor/gpu, the data packages for @recur/datasets/node).
  for (const lib of libraries) {
    for (const peer of lib.optionalPeers) {
      linkPeer(peer, [join(lib.dir, 'node_modules', peer), join(root, 'node_modules', peer)]);
    }
  }
});

function linkPeer(peer: string, candidates: string[]): void {
  const project = join(work, 'project');
  const target = candidates.find((c) => existsSync(c));
  if (target) {
    const link = join(project, 'node_modules', peer);
    mkdirSync(dirname(link), { recursive: true });
    if (!existsSync(link)) symlinkSync(target, link, 'dir');
  }
}

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Runs a checker and returns its exit status and everything it printed. */
async function check(
  cmd: string,
  args: string[],
  cwd = root,
  env = process.env,
): Promise<{ status: number; output: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(cmd, args, {
      cwd,
      env,
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
    return { status: 0, output: `${stdout}${stderr}` };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return {
      status: typeof e.code === 'number' ? e.code : 1,
      output: `${e.stdout ?? ''}${e.stderr ?? ''}`,
    };
  }
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

describe.each(libraries)('$name', (lib) => {
  it('imports every entry point from ESM and from CJS, with the same exports', async () => {
    const project = join(work, 'project');
    // A `/testing` entry registers vitest suites: it is checked by running vitest below.
    for (const entry of lib.entries.filter((e) => !e.endsWith('/testing'))) {
      const esm = await run(
        'node',
        [
          '--input-type=module',
          '-e',
          `const m = await import('${entry}'); console.log(JSON.stringify(Object.keys(m).sort()));`,
        ],
        project,
      );
      const cjs = await run(
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

  it('passes arethetypeswrong for node16 (ESM and CJS) and bundlers', async () => {
    // node10 resolution cannot see subpath exports; supported consumers use node16+ or a bundler.
    const result = await check(join(root, 'node_modules/.bin/attw'), [
      tarballs.get(lib.name)!,
      '--profile',
      'node16',
    ]);
    expect(result.status, result.output).toBe(0);
  });
});

describe.each(packages)('$name (packed)', (lib) => {
  it('ships its README and the MIT LICENSE', async () => {
    const listing = (await run('tar', ['-tzf', tarballs.get(lib.name)!], work)).split('\n');
    expect(listing).toContain('package/README.md');
    expect(listing).toContain('package/LICENSE');
    const license = await run('tar', ['-xzOf', tarballs.get(lib.name)!, 'package/LICENSE'], work);
    expect(license).toMatch(/^MIT License/);
  });

  it('passes publint (strict)', async () => {
    const result = await check(join(root, 'node_modules/.bin/publint'), [
      'run',
      '--strict',
      tarballs.get(lib.name)!,
    ]);
    expect(result.status, result.output).toBe(0);
    expect(result.output).not.toMatch(/error|warning|suggestion/i);
  });
});

describe('@recur/tensor/testing', () => {
  it('runs the conformance suite against the installed CPU backend under vitest', async () => {
    const project = join(work, 'project');
    writeFileSync(
      join(project, 'conformance.test.mjs'),
      [
        "import { CpuBackend } from '@recur/tensor';",
        "import { describeConformance } from '@recur/tensor/testing';",
        "describeConformance('installed cpu', () => new CpuBackend());",
      ].join('\n'),
    );
    const { status, output } = await check(
      process.execPath,
      [
        join(project, 'node_modules/vitest/vitest.mjs'),
        'run',
        '--root',
        project,
        'conformance.test.mjs',
      ],
      project,
      { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    );
    expect(status, output).toBe(0);
    expect(output).toMatch(/Tests\s+\d+ passed/);
  });
});

describe('@recur/cli from the packed tarballs, run with npx in an empty project', () => {
  const cli = packages.find((pkg) => pkg.name === '@recur/cli')!;
  let project: string;

  beforeAll(async () => {
    // A project of its own: nothing but what installing the CLI's tarball brings (its @recur
    // dependencies from their tarballs, the rest from the registry) — no tsx, no workspace.
    project = join(work, 'cli-project');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'empty', private: true }));
    await run(
      'npm',
      ['install', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs.values()],
      project,
    );
  });

  it('npx @recur/cli --version prints the packed version', async () => {
    expect(await run('npx', ['@recur/cli', '--version'], project)).toBe(`${cli.version}\n`);
  });

  it('runs compiled JavaScript: no TypeScript loader is installed', () => {
    expect(existsSync(join(project, 'node_modules/tsx'))).toBe(false);
    expect(existsSync(join(project, 'node_modules/.bin/recur'))).toBe(true);
  });

  it('npx @recur/cli train --file notes.txt trains a few steps and saves a checkpoint', async () => {
    const words = ['the', 'whale', 'sea', 'ship', 'ahab', 'white', 'boat', 'deep'];
    const lines = Array.from({ length: 80 }, (_, i) =>
      Array.from({ length: 8 }, (_, j) => words[(i * 3 + j * 5) % words.length]).join(' '),
    );
    writeFileSync(join(project, 'notes.txt'), `${lines.join('\n')}\n`);
    const tiny = ['--hidden', '8', '--embedding', '4', '--batch', '2', '--seq-len', '8'];
    const out = await run(
      'npx',
      ['@recur/cli', 'train', '--file', 'notes.txt', '--steps', '3', ...tiny, '--length', '20'],
      project,
    );
    expect(out).toMatch(/Trained 3 updates/);
    expect(out).toContain('Checkpoint: checkpoints/lm.ckpt');
    expect(existsSync(join(project, 'checkpoints/lm.ckpt'))).toBe(true);
    const sample = await run('npx', ['@recur/cli', 'sample', '--length', '10', '--json'], project);
    expect(JSON.parse(sample)).toMatchObject({ command: 'sample' });
  });

  it('npx @recur/cli train --arch forecast trains on the sensor readings its dependency brings', async () => {
    const out = await run(
      'npx',
      ['@recur/cli', 'train', '--arch', 'forecast', '--hidden', '4', '--steps', '2', '--json'],
      project,
    );
    expect(JSON.parse(out)).toMatchObject({
      step: 2,
      options: { dataset: 'sensors', series: { columns: ['humidity', 'temperature'] } },
    });
  });

  it('a mistyped command exits 2 and suggests the right one', async () => {
    const result = await check('npx', ['@recur/cli', 'trian'], project);
    expect(result.status).toBe(2);
    expect(result.output).toMatch(/did you mean train\?/);
  });
});
