import { spawnSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { recur, tempDir } from './testing/run-recur.js';

const COMMANDS = ['train', 'sample', 'translate', 'classify', 'caption', 'diagnose', 'forecast'];

/** Expects exit code 2 and exactly one line on stderr, and returns it. */
async function usageError(...args: string[]): Promise<string> {
  const run = await recur(...args);
  expect(run.code, run.stderr).toBe(2);
  expect(run.stdout).toBe('');
  const lines = run.stderr.trimEnd().split('\n');
  expect(lines, run.stderr).toHaveLength(1);
  return lines[0]!;
}

describe('recur --help', () => {
  it('lists the commands', async () => {
    const run = await recur('--help');
    expect(run.code).toBe(0);
    for (const name of COMMANDS) expect(run.stdout).toContain(`  ${name} `);
  });

  it.each(COMMANDS)('recur %s --help shows its usage and options', async (name) => {
    const run = await recur(name, '--help');
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain(`Usage: recur ${name}`);
    expect(run.stdout).toContain('--json');
    expect(run.stdout).toContain('-h, --help');
  });

  it('train --help names the datasets of every architecture', async () => {
    const { stdout } = await recur('train', '--help');
    for (const name of [
      'moby-dick',
      'dates',
      'addition',
      'spam',
      'mnist-rows',
      'mnist-strips',
      'sensors',
    ]) {
      expect(stdout).toContain(name);
    }
  });
});

describe('recur --version', () => {
  it('prints the version of @recur/cli from its package.json', async () => {
    const manifest = JSON.parse(
      readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
    ) as { version: string };
    for (const flag of ['--version', '-v', 'version']) {
      const run = await recur(flag);
      expect(run.code).toBe(0);
      expect(run.stderr).toBe('');
      expect(run.stdout).toBe(`${manifest.version}\n`);
    }
  });

  it('is in the top-level help', async () => {
    expect((await recur('--help')).stdout).toContain('recur --version');
  });
});

describe('bad input: one clear line and exit code 2', () => {
  it('an unknown command', async () => {
    expect(await usageError('trian')).toMatch(
      /^recur: unknown command 'trian' \(expected one of train, sample/,
    );
  });

  it('a mistyped command gets the nearest one suggested; a far one gets none', async () => {
    expect(await usageError('trian')).toMatch(/; did you mean train\?$/);
    expect(await usageError('sampel')).toMatch(/; did you mean sample\?$/);
    expect(await usageError('Diagnsoe')).toMatch(/; did you mean diagnose\?$/);
    expect(await usageError('frobnicate')).not.toMatch(/did you mean/);
  });

  it('an unknown flag', async () => {
    expect(await usageError('train', '--hiden', '8')).toBe(
      "recur train: Unknown option '--hiden'; did you mean --hidden? (see recur train --help)",
    );
  });

  it('a bad choice', async () => {
    expect(await usageError('train', '--cell', 'transformer')).toBe(
      "recur train: --cell must be one of rnn, irnn, lstm, gru, mgu; got 'transformer'",
    );
    expect(await usageError('train', '--arch', 'seq2seq', '--dataset', 'moby-dick')).toBe(
      "recur train: --dataset must be one of dates, addition for --arch seq2seq; got 'moby-dick'",
    );
  });

  it('a bad number', async () => {
    expect(await usageError('train', '--lr', 'fast')).toBe(
      "recur train: --lr must be a number; got 'fast'",
    );
    expect(await usageError('train', '--steps=-3')).toBe(
      "recur train: --steps must be an integer >= 1; got '-3'",
    );
    expect(await usageError('train', '--steps', '-3')).toBe(
      "recur train: --steps needs a value; for one that starts with '-', write --steps=<value>",
    );
    expect(await usageError('sample', '--top-p', '1.5')).toBe(
      "recur sample: --top-p must be a number <= 1; got '1.5'",
    );
  });

  it('a number past its limit', async () => {
    expect(await usageError('train', '--hidden', '10000000')).toBe(
      "recur train: --hidden must be an integer <= 4096; got '10000000'",
    );
    expect(await usageError('sample', '--length', '1e9')).toBe(
      "recur sample: --length must be an integer <= 100000; got '1e9'",
    );
  });

  it('a checkpoint or log path that cannot be written, found before any training', async () => {
    expect(await usageError('train', '--checkpoint', '/dev/null/x.ckpt', '--steps', '1')).toMatch(
      /^recur train: --checkpoint \/dev\/null\/x\.ckpt: cannot create the directory \/dev\/null \(E[A-Z]+\)$/,
    );
    expect(await usageError('train', '--log', '/dev/null/x.jsonl', '--steps', '1')).toMatch(
      /^recur train: --log \/dev\/null\/x\.jsonl: cannot create the directory/,
    );
    // A directory where the checkpoint should go: refused at once, not after 10^6 updates.
    const dir = tempDir();
    const start = performance.now();
    expect(await usageError('train', '--checkpoint', dir, '--steps', '1000000')).toBe(
      `recur train: --checkpoint ${dir}: is a directory; name a file`,
    );
    expect(performance.now() - start).toBeLessThan(5000);
  });

  it('conflicting flags', async () => {
    expect(await usageError('train', '--steps', '5', '--minutes', '1')).toBe(
      'recur train: give one of --steps, --epochs and --minutes, not --steps and --minutes',
    );
    expect(await usageError('train', '--clip-norm', '1', '--clip-value', '1')).toBe(
      'recur train: give --clip-norm or --clip-value, not both',
    );
  });

  it('a missing file', async () => {
    expect(await usageError('train', '--file', '/no/such/corpus.txt')).toBe(
      'recur train: --file /no/such/corpus.txt: no such file',
    );
    expect(await usageError('sample', '--checkpoint', '/no/such/lm.ckpt')).toBe(
      "recur sample: no checkpoint at /no/such/lm.ckpt (train one with 'recur train', or pass --checkpoint <path>)",
    );
    expect(await usageError('train', '--resume', '--checkpoint', '/no/such/lm.ckpt')).toMatch(
      /^recur train: no checkpoint at \/no\/such\/lm\.ckpt/,
    );
  });

  it('a file that is not a checkpoint', async () => {
    const path = join(tempDir(), 'notes.ckpt');
    writeFileSync(path, 'not a checkpoint');
    expect(await usageError('sample', '--checkpoint', path)).toMatch(
      new RegExp(`^recur sample: loadCheckpoint: ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `),
    );
  });

  it('a file the data loader cannot use', async () => {
    const path = join(tempDir(), 'short.txt');
    writeFileSync(path, 'too short');
    expect(await usageError('train', '--file', path, '--steps', '1')).toMatch(
      /^recur train: TbpttStream: \d+ tokens are too few for batchSize 16 × steps 32/,
    );
  });

  it('a plot file of an unknown kind', async () => {
    expect(await usageError('diagnose', '--out', 'plot.png')).toBe(
      "recur diagnose: --out must name an .svg or .html file; got 'plot.png'",
    );
  });

  it('through the compiled executable (dist/main.js): exit status 2 and one line', () => {
    const bin = fileURLToPath(new URL('../dist/main.js', import.meta.url));
    const child = spawnSync(process.execPath, [bin, 'train', '--cell', 'nope'], {
      encoding: 'utf8',
    });
    expect(child.status).toBe(2);
    expect(child.stdout).toBe('');
    expect(child.stderr).toBe(
      "recur train: --cell must be one of rnn, irnn, lstm, gru, mgu; got 'nope'\n",
    );
  });
});

describe('the compiled executable', () => {
  const bin = fileURLToPath(new URL('../dist/main.js', import.meta.url));

  it('starts with a shebang, is executable and runs without a TypeScript loader', () => {
    expect(readFileSync(bin, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
    expect(statSync(bin).mode & 0o111, 'executable bits').not.toBe(0);
    const child = spawnSync(bin, ['--version'], { encoding: 'utf8' });
    expect(child.status, child.stderr).toBe(0);
    expect(child.stdout).toMatch(/^\d+\.\d+\.\d+\S*\n$/);
  });
});
