import { mkdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from '../errors.js';

function reason(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  return e.code ?? e.message;
}

/**
 * Checks before any slow work that `path` (the value of `--<flag>`) can be written: its directory
 * is created if missing, and a temporary file is created in it and removed again. An existing
 * directory at `path`, a parent that is a file, or a directory without write permission is a
 * {@link UsageError} naming the flag — instead of an error at the first save, after training.
 */
export function checkWritable(command: string, flag: string, path: string): void {
  const fail = (why: string): never => {
    throw new UsageError(`recur ${command}: --${flag} ${path}: ${why}`);
  };
  const full = resolve(path);
  const directory = dirname(full);
  try {
    if (statSync(full).isDirectory()) fail('is a directory; name a file');
  } catch (error) {
    if (error instanceof UsageError) throw error;
    // Missing is fine; anything else shows up below.
  }
  try {
    mkdirSync(directory, { recursive: true });
  } catch (error) {
    fail(`cannot create the directory ${directory} (${reason(error)})`);
  }
  const probe = join(directory, `.${basename(full)}.${process.pid}.probe`);
  try {
    writeFileSync(probe, '', { flag: 'wx' });
  } catch (error) {
    fail(`cannot write in ${directory} (${reason(error)})`);
  }
  unlinkSync(probe);
}

/** Where the best checkpoint goes: beside `path`, `lm.ckpt` → `lm.best.ckpt`. */
export function bestCheckpointPath(path: string): string {
  const name = basename(path);
  const stem = name.endsWith('.ckpt') ? name.slice(0, -'.ckpt'.length) : name;
  return join(dirname(path), `${stem}.best.ckpt`);
}
