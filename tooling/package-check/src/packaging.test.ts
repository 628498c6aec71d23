/**
 * Each library package installs on its own: pack every one with pnpm (which rewrites
 * `workspace:*` to real versions), install the tarballs into an empty project with plain npm,
 * and import each entry point from ESM and from CJS. Then publint and arethetypeswrong check
 * the packed tarballs. Two more scratch projects install the same tarballs the way users'
 * projects are set up: one that already has vitest 2 (no peer conflict; the conformance suite
 * runs under it), and one compiled by `tsc` with `moduleResolution: node10` that imports every
 * entry point of every package. The vitest installs come from the npm registry. The executable
 * package (@recur/cli) is run with `npx` in an empty project of its own, installed from the same
 * tarballs.
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
  // Optional peers an entry needs: a consumer who uses that entry has them installed; link the
  // workspace's copies instead of downloading them (gpu.js for @recur/tensor/gpu, the data
  // packages for @recur/datasets/node). npm installs vitest itself, the peer of
  // @recur/conformance.
  for (const lib of libraries) {
    for (const peer of lib.optionalPeers) {
      linkPeer(peer, [join(lib.dir, 'node_modules', peer), join(root, 'node_modules', peer)]);
    }
  }
});

function linkPeer(peer: string, candidates: string[], project = join(work, 'project')): void {
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
    // @recur/conformance registers vitest suites: it is checked by running vitest below.
    for (const entry of lib.entries.filter((e) => !VITEST_ENTRIES.includes(e))) {
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

  it('documents every entry point in the API reference (typedoc)', () => {
    // The files tsup builds the entry points from, and the ones typedoc documents.
    const built = [
      ...readFileSync(join(lib.dir, 'tsup.config.ts'), 'utf8').matchAll(/'(src\/[^']+\.ts)'/g),
    ].map((m) => m[1]);
    const typedocFile = join(lib.dir, 'typedoc.json');
    const documented = existsSync(typedocFile)
      ? (JSON.parse(readFileSync(typedocFile, 'utf8')).entryPoints as string[])
      : ['src/index.ts'];
    expect(built).toHaveLength(lib.entries.length);
    expect([...documented].sort()).toEqual([...built].sort());
  });

  it('passes arethetypeswrong for node10 (typesVersions), node16 (ESM and CJS) and bundlers', async () => {
    const result = await check(join(root, 'node_modules/.bin/attw'), [tarballs.get(lib.name)!]);
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

const NPM_QUIET = ['--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'];

/** Entry points that register vitest suites when imported: run under vitest, not plain node. */
const VITEST_ENTRIES = ['@recur/conformance'];

/** A test file that runs the conformance suite against the installed CPU backend. */
function writeConformanceTest(project: string): void {
  writeFileSync(
    join(project, 'conformance.test.mjs'),
    [
      "import { CpuBackend } from '@recur/tensor';",
      "import { describeConformance } from '@recur/conformance';",
      "describeConformance('installed cpu', () => new CpuBackend());",
    ].join('\n'),
  );
}

/** Runs `conformance.test.mjs` with the project's own vitest. */
function runConformance(project: string): Promise<{ status: number; output: string }> {
  return check(
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
}

function installedVersion(project: string, name: string): string {
  return JSON.parse(readFileSync(join(project, 'node_modules', name, 'package.json'), 'utf8'))
    .version as string;
}

describe('@recur/conformance', () => {
  it('runs the conformance suite against the installed CPU backend under vitest', async () => {
    const project = join(work, 'project');
    writeConformanceTest(project);
    const { status, output } = await runConformance(project);
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

describe('a project that imports the ESM build and requires the CJS build', () => {
  it('gets a RecurError naming both files of @recur/tensor (one engine per process)', async () => {
    const project = join(work, 'project');
    writeFileSync(
      join(project, 'dual.mjs'),
      [
        "import { createRequire } from 'node:module';",
        "await import('@recur/autograd');",
        'try {',
        "  createRequire(import.meta.url)('@recur/autograd');",
        "  console.log('both builds loaded');",
        '} catch (error) {',
        '  console.log(error.name, error.code, error.message);',
        '}',
      ].join('\n'),
    );
    const output = await run('node', ['dual.mjs'], project);
    const dist = join(project, 'node_modules/@recur/tensor/dist');
    expect(output).toMatch(/^RecurError CONFLICT @recur\/tensor: a second copy was loaded/);
    expect(output).toContain(`(CJS build) at ${dist}/`);
    expect(output).toContain(`(ESM build) at ${dist}/`);
    console.log(`[package-check] ESM + CJS project: ${output.trim().slice(0, 300)}…`);
  });
});

describe('a project that has vitest 2', () => {
  it('installs every package with plain npm (no ERESOLVE) and runs the conformance suite under vitest 2', async () => {
    const project = join(work, 'vitest2');
    mkdirSync(project);
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'vitest2-consumer', private: true, type: 'module' }),
    );
    await run('npm', ['install', ...NPM_QUIET, '--save-dev', 'vitest@^2.1.9'], project);
    const install = await check('npm', ['install', ...NPM_QUIET, ...tarballs.values()], project);
    expect(install.status, install.output).toBe(0);
    const vitest = installedVersion(project, 'vitest');
    console.log(
      `[package-check] vitest-2 project: npm install of ${tarballs.size} tarballs beside vitest ${vitest}: ok`,
    );
    expect(vitest).toMatch(/^2\./);
    writeConformanceTest(project);
    const { status, output } = await runConformance(project);
    expect(status, output).toBe(0);
    const passed = /Tests\s+(\d+) passed/.exec(output);
    expect(passed, output).not.toBeNull();
    console.log(
      `[package-check] vitest-2 project: conformance suite under vitest ${vitest}: ${passed![1]} passed`,
    );
  });
});

describe('a project compiled by tsc with moduleResolution node10', () => {
  it('type-checks and runs imports of every entry point of every package', async () => {
    const project = join(work, 'node10');
    mkdirSync(project);
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'node10-consumer', private: true }),
    );
    const install = await check('npm', ['install', ...NPM_QUIET, ...tarballs.values()], project);
    expect(install.status, install.output).toBe(0);
    for (const lib of libraries) {
      for (const peer of lib.optionalPeers) {
        linkPeer(
          peer,
          [join(lib.dir, 'node_modules', peer), join(root, 'node_modules', peer)],
          project,
        );
      }
    }
    linkPeer('@types/node', [join(root, 'node_modules/@types/node')], project);
    const entries = libraries.flatMap((lib) => lib.entries);
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'commonjs',
          moduleResolution: 'node10',
          target: 'es2022',
          strict: true,
          outDir: 'out',
          types: ['node'],
        },
        files: ['index.ts'],
      }),
    );
    // Each import is used in a typed position, so an entry whose types do not resolve fails
    // (TS2307), rather than compiling as `any`.
    writeFileSync(
      join(project, 'index.ts'),
      [
        ...entries.map((entry, i) =>
          VITEST_ENTRIES.includes(entry)
            ? `import type * as entry${i} from '${entry}';\nexport type Names${i} = keyof typeof entry${i};`
            : `import * as entry${i} from '${entry}';`,
        ),
        'const modules: Record<string, object> = {',
        ...entries.flatMap((entry, i) =>
          VITEST_ENTRIES.includes(entry) ? [] : [`  '${entry}': entry${i},`],
        ),
        '};',
        ...entries
          .filter((entry) => !VITEST_ENTRIES.includes(entry))
          .map((entry) => `console.log('${entry}', Object.keys(modules['${entry}']).length);`),
      ].join('\n'),
    );
    const tsc = await check(
      process.execPath,
      [join(root, 'node_modules/typescript/bin/tsc'), '-p', project],
      project,
    );
    expect(tsc.status, tsc.output).toBe(0);
    const runtime = await check(process.execPath, [join(project, 'out/index.js')], project);
    expect(runtime.status, runtime.output).toBe(0);
    for (const entry of entries.filter((e) => !VITEST_ENTRIES.includes(e))) {
      expect(runtime.output).toMatch(new RegExp(`^${entry} [1-9]\\d*$`, 'm'));
    }
    console.log(
      `[package-check] node10 project: tsc (moduleResolution node10) and node, ${entries.length} entry points: ok (${entries.join(', ')})`,
    );
  });
});
