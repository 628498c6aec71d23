import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { inCI } from '../testing/gpu.js';

/**
 * What a machine without a usable GPU sees, tested for real in a child Node process: one with no
 * X display, one where `require('gl')` fails (as when headless-gl is not installed or its
 * native addon did not build), and one whose only GPU is a software renderer (Mesa's llvmpipe
 * under Xvfb). The child runs this package's source, bundled by esbuild.
 */

const here = dirname(fileURLToPath(import.meta.url));
const packageRoot = resolve(here, '../..');
// Under node_modules so that the child resolves gpu.js like the package does.
const scratch = join(packageRoot, 'node_modules', '.cache', 'recur-gpu-tests');

const PROBE = `
import { createGpuBackend, useBackend } from ${JSON.stringify(join(here, 'index.ts'))};
const report = {};
try {
  const created = createGpuBackend();
  report.create = 'ok';
  report.renderer = created.renderer;
  created.destroy();
} catch (error) {
  report.create = { name: error.name, code: error.code, message: error.message, stack: error.stack };
}
const notices = [];
report.auto = useBackend('auto', { notice: (message) => notices.push(message) }).name;
report.notices = notices;
const warnings = [];
const warn = console.warn;
console.warn = (...args) => warnings.push(args.join(' '));
report.autoDefault = useBackend('auto').name;
console.warn = warn;
report.warnings = warnings;
try {
  useBackend('gpu');
  report.gpu = 'ok';
} catch (error) {
  report.gpu = { code: error.code, message: error.message };
}
console.log(JSON.stringify(report));
`;

const BLOCK_GL = `
const Module = require('node:module');
const load = Module._load;
Module._load = function (request, ...rest) {
  if (request === 'gl') throw new Error("Cannot find module 'gl' (blocked by the test)");
  return load.call(this, request, ...rest);
};
`;

interface Report {
  create: 'ok' | { name: string; code: string; message: string; stack: string };
  renderer?: string;
  auto: string;
  notices: string[];
  autoDefault: string;
  warnings: string[];
  gpu: 'ok' | { code: string; message: string };
}

function runProbe(
  env: NodeJS.ProcessEnv,
  preload?: string,
  wrapper: string[] = [],
): { report: Report; stderr: string } {
  mkdirSync(scratch, { recursive: true });
  const bundle = join(scratch, `probe-${process.pid}.mjs`);
  const built = buildSync({
    stdin: { contents: PROBE, resolveDir: here, loader: 'ts' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['gpu.js'],
    write: false,
    logLevel: 'silent',
  });
  writeFileSync(bundle, built.outputFiles[0]!.text);
  const args = [bundle];
  if (preload) {
    const file = join(scratch, `preload-${process.pid}.cjs`);
    writeFileSync(file, preload);
    args.unshift('--require', file);
  }
  const [command, ...prefix] = [...wrapper, process.execPath];
  const child = spawnSync(command!, [...prefix, ...args], {
    cwd: packageRoot,
    env,
    encoding: 'utf8',
    timeout: 60_000,
  });
  const line = child.stdout.trim().split('\n').pop() ?? '';
  if (child.status !== 0 || !line.startsWith('{')) {
    throw new Error(`probe exited ${child.status}: ${child.stderr || child.stdout}`);
  }
  return { report: JSON.parse(line) as Report, stderr: child.stderr };
}

function withoutDisplay(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.DISPLAY;
  delete env.WAYLAND_DISPLAY;
  return env;
}

function expectCpuFallback(report: Report, stderr: string, reason: RegExp): void {
  if (report.create === 'ok') throw new Error('the GPU backend started; expected it to fail');
  expect(report.create.code).toBe('BACKEND');
  expect(report.create.name).toBe('RecurError');
  expect(report.create.message).toMatch(reason);
  // Our error, with no gpu.js frames: not a raw gpu.js stack trace.
  expect(report.create.stack).not.toMatch(/node_modules[\\/].*gpu\.js[\\/]src/);
  // auto: the CPU, and exactly one notice saying why.
  expect(report.auto).toBe('cpu');
  expect(report.notices).toHaveLength(1);
  expect(report.notices[0]).toMatch(/using the CPU backend/);
  expect(report.notices[0]).toMatch(reason);
  expect(report.autoDefault).toBe('cpu');
  expect(report.warnings).toHaveLength(1);
  // gpu: the same error, thrown.
  expect(report.gpu).not.toBe('ok');
  expect((report.gpu as { code: string }).code).toBe('BACKEND');
  // Nothing else printed (gpu.js warnings would land on stderr).
  expect(stderr.trim()).toBe('');
}

/** Whether `xvfb-run` (a virtual X display: Mesa's llvmpipe renders) is installed. */
function hasXvfbRun(): boolean {
  return spawnSync('sh', ['-c', 'command -v xvfb-run'], { encoding: 'utf8' }).status === 0;
}

/** Whether headless-gl's native addon loads here (resolved from gpu.js, as the backend does). */
function glLoads(): boolean {
  try {
    const require = createRequire(import.meta.url);
    require(require.resolve('gl', { paths: [require.resolve('gpu.js')] }));
    return true;
  } catch (error) {
    console.warn(
      `[recur gpu tests] skipped: headless-gl does not load (${String(error).split('\n')[0]})`,
    );
    return false;
  }
}

describe('gpu backend on a machine that cannot run it', () => {
  // Without gl the backend fails on gl before it looks at the display: the case below covers it.
  // In CI gl must load, so there the case runs (and fails) rather than skips.
  it.runIf(process.platform === 'linux' && (inCI() || glLoads()))(
    'no X display: a clear error, and auto falls back to the CPU with one notice',
    () => {
      const { report, stderr } = runProbe(withoutDisplay());
      expectCpuFallback(report, stderr, /no X display \(DISPLAY is not set\).*xvfb-run -a/);
    },
  );

  it("headless-gl missing or not built: a clear error naming the 'gl' package", () => {
    const { report, stderr } = runProbe(withoutDisplay(), BLOCK_GL);
    expectCpuFallback(
      report,
      stderr,
      /the 'gl' package \(headless-gl\) is not installed or its native addon did not build/,
    );
  });

  // Xvfb has no GPU: its OpenGL is Mesa's llvmpipe, a software renderer.
  it.runIf(process.platform === 'linux' && hasXvfbRun() && (inCI() || glLoads()))(
    'a software renderer (llvmpipe under Xvfb): auto takes the CPU with one notice, gpu still starts',
    () => {
      const { report, stderr } = runProbe(withoutDisplay(), undefined, ['xvfb-run', '-a']);
      expect(report.create).toBe('ok');
      expect(report.renderer).toMatch(/llvmpipe/);
      expect(report.auto).toBe('cpu');
      expect(report.notices).toHaveLength(1);
      expect(report.notices[0]).toMatch(
        /^recur: using the CPU backend: the GPU is a software renderer \(llvmpipe: .*llvmpipe.*\)/,
      );
      expect(report.autoDefault).toBe('cpu');
      expect(report.warnings).toEqual(report.notices);
      expect(report.gpu).toBe('ok');
      expect(stderr.trim()).toBe('');
    },
  );
});
