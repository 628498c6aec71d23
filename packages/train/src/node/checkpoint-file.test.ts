import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parameter } from '@recur/autograd';
import { dispose, memory, Rng, tensor } from '@recur/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { Adam } from '../optimizers/adam.js';
import { loadCheckpoint, saveCheckpoint } from './checkpoint-file.js';
import { jsonLinesFile } from './json-lines.js';
import { transpileSources } from './test-support/transpile.js';

const dir = mkdtempSync(join(tmpdir(), 'recur-ckpt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('saveCheckpoint / loadCheckpoint', () => {
  it('round-trips weights, optimizer state, RNG, step, vocabulary and config', () => {
    const W = parameter(
      tensor([
        [1, 2],
        [3, 4],
      ]),
      'W',
    );
    const optimizer = new Adam({ W }, { lr: 0.1 });
    W.grad = tensor([
      [0.1, 0.2],
      [0.3, 0.4],
    ]);
    optimizer.step();
    const rng = new Rng(3);
    rng.normal();
    const path = join(dir, 'roundtrip.ckpt');
    saveCheckpoint(path, {
      step: 1,
      epoch: 0,
      config: { hidden: 2, cell: 'lstm' },
      vocabulary: ['\n', 'a', 'b'],
      rng: { model: rng.getState() },
      parameters: { W: W.value },
      optimizer: optimizer.stateDict(),
      tensors: { 'state/a': tensor([[0.5, -0.5]]) },
      metadata: { note: 'x' },
    });
    const before = memory().numTensors;
    const loaded = loadCheckpoint(path);
    expect(loaded.step).toBe(1);
    expect(loaded.config).toEqual({ hidden: 2, cell: 'lstm' });
    expect(loaded.vocabulary).toEqual(['\n', 'a', 'b']);
    expect(loaded.rng!.model).toEqual(rng.getState());
    expect(loaded.parameters.W!.toArray()).toEqual(W.value.toArray());
    expect(loaded.optimizer!.type).toBe('Adam');
    expect(loaded.optimizer!.paramSteps).toEqual({ W: 1 });
    expect(loaded.optimizer!.slots.W!.exp_avg!.toArray()).toEqual(
      optimizer.stateDict().slots.W!.exp_avg!.toArray(),
    );
    expect(loaded.tensors!['state/a']!.toArray()).toEqual([[0.5, -0.5]]);
    expect(loaded.metadata).toEqual({ note: 'x' });
    dispose(loaded);
    expect(memory().numTensors).toBe(before);
    // no temporary files left behind by a completed save
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    optimizer.dispose();
    W.dispose();
  });

  it('reports a missing, truncated or corrupt file as FORMAT, naming it', () => {
    const path = join(dir, 'bad.ckpt');
    expect(() => loadCheckpoint(join(dir, 'missing.ckpt'))).toThrow(
      /missing\.ckpt: cannot read the file \(ENOENT\)/,
    );
    saveCheckpoint(path, { step: 3, parameters: { W: tensor([1, 2, 3]) } });
    const bytes = readFileSync(path);
    writeFileSync(path, bytes.subarray(0, bytes.length - 5));
    expect(() => loadCheckpoint(path)).toThrow(
      expect.objectContaining({
        code: 'FORMAT',
        message: expect.stringContaining(`${path}: truncated`),
      }),
    );
    const corrupt = Buffer.from(bytes);
    corrupt[corrupt.length - 8]! ^= 1;
    writeFileSync(path, corrupt);
    expect(() => loadCheckpoint(path)).toThrow(/checksum mismatch/);
  });

  it('survives SIGKILL during a save: the last good checkpoint stays loadable', async () => {
    const path = join(dir, 'killed.ckpt');
    const packageDir = fileURLToPath(new URL('../..', import.meta.url));
    const child = join(transpileSources(packageDir), 'node', 'test-support', 'save-loop.js');
    const rng = new Rng(2024);
    let interrupted = 0;
    const rounds = 5;
    for (let round = 0; round < rounds; round++) {
      const proc = spawn(process.execPath, [child, path, '300000'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const log = await runUntilKilled(proc, 1 + rng.int(3), rng.uniform(0, 25));
      const lastSaved = Math.max(
        0,
        ...log.filter((l) => l.startsWith('saved')).map((l) => Number(l.split(' ')[1])),
      );
      const lastBegun = Math.max(
        0,
        ...log.filter((l) => l.startsWith('begin')).map((l) => Number(l.split(' ')[1])),
      );
      if (lastBegun > lastSaved) interrupted++;
      const loaded = loadCheckpoint(path); // never throws: the file is the old or the new one
      expect(loaded.step).toBeGreaterThanOrEqual(lastSaved);
      expect(loaded.step).toBeLessThanOrEqual(lastBegun);
      const W = loaded.parameters.W!.data();
      expect(W.length).toBe(300000);
      expect(W.every((v) => v === loaded.step)).toBe(true);
      expect(Array.from(loaded.parameters.b!.data())).toEqual([
        -loaded.step,
        -loaded.step,
        -loaded.step,
      ]);
      expect(loaded.metadata).toEqual({ check: loaded.step });
      dispose(loaded);
      // the load removed the temporary file the killed save left (its process is gone)
      expect(readdirSync(dir).filter((f) => f.startsWith('.killed.ckpt.'))).toEqual([]);
    }
    // The test only means something if some kills landed in the middle of a save.
    expect(interrupted).toBeGreaterThan(0);
    console.info(`SIGKILL test: ${interrupted} of ${rounds} kills landed during a save`);
  }, 60_000);
});

describe('temporary files of interrupted saves', () => {
  it('are removed by the next save or load of the path, only when their process is gone', async () => {
    const dead = await deadPid();
    const alive = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], {
      stdio: 'ignore',
    });
    const path = join(dir, 'orphans.ckpt');
    const temp = (name: string, pid: number) => {
      const file = `.${name}.${pid}.${pid.toString(36)}x.tmp`;
      writeFileSync(join(dir, file), 'partial');
      return file;
    };
    const listing = () => readdirSync(dir).filter((f) => f.endsWith('.tmp'));
    try {
      const orphan = temp('orphans.ckpt', dead);
      expect(listing()).toContain(orphan);
      const concurrent = temp('orphans.ckpt', alive.pid!);
      const own = temp('orphans.ckpt', process.pid);
      const otherPath = temp('orphans.ckpt.bak', dead);
      saveCheckpoint(path, { step: 1, parameters: { W: tensor([1]) } });
      expect(listing().sort()).toEqual([concurrent, own, otherPath].sort());
      const again = temp('orphans.ckpt', dead);
      expect(listing()).toContain(again);
      dispose(loadCheckpoint(path));
      expect(listing().sort()).toEqual([concurrent, own, otherPath].sort());
      for (const f of [concurrent, own, otherPath]) rmSync(join(dir, f));
    } finally {
      alive.kill('SIGKILL');
    }
  });
});

/** The pid of a child process that has exited (so no process has it, for now). */
function deadPid(): Promise<number> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
    proc.on('error', reject);
    proc.on('exit', () => resolve(proc.pid!));
  });
}

/** Waits for `saves` completed saves, then `delayMs`, then SIGKILLs the child; returns its stdout lines. */
function runUntilKilled(proc: ChildProcess, saves: number, delayMs: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    let killed = false;
    proc.stderr!.on('data', (d) => {
      err += d;
    });
    proc.stdout!.on('data', (d) => {
      out += d;
      const done = out.split('\n').filter((l) => l.startsWith('saved')).length;
      if (!killed && done >= saves) {
        killed = true;
        setTimeout(() => proc.kill('SIGKILL'), delayMs);
      }
    });
    proc.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(out.split('\n').filter(Boolean));
      else reject(new Error(`child exited with ${code} before it was killed: ${err}`));
    });
  });
}

describe('jsonLinesFile', () => {
  it('appends one JSON record per line', () => {
    const path = join(dir, 'log.jsonl');
    const log = jsonLinesFile(path);
    log.write(`${JSON.stringify({ step: 1, loss: 2.5 })}\n`);
    log.write(JSON.stringify({ step: 2, loss: 2 }));
    log.close();
    const lines = readFileSync(path, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([
      { step: 1, loss: 2.5 },
      { step: 2, loss: 2 },
    ]);
    expect(() => log.write('x')).toThrow(/closed/);
  });
});
