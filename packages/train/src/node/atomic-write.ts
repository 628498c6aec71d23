import {
  closeSync,
  fsyncSync,
  openSync,
  readdirSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Writes `bytes` to `path` atomically: to a temporary file in the same directory, flushed to
 * disk (`fsync`), then renamed over `path` (an atomic replace on POSIX file systems and NTFS),
 * then the directory is flushed so the rename itself survives a power cut. A process killed at
 * any moment leaves either the old file or the new one, never a mix; at worst a stray
 * `.<name>.<pid>.<n>.tmp` file is left beside it, which the next save (or `loadCheckpoint`) of
 * that path removes once process `<pid>` is gone (see {@link removeOrphanTempFiles}).
 */
export function atomicWriteFile(path: string, bytes: Uint8Array): void {
  removeOrphanTempFiles(path);
  const dir = dirname(path);
  const temp = join(
    dir,
    `.${basename(path)}.${process.pid}.${Date.now().toString(36)}${Math.floor(Math.random() * 1e9).toString(36)}.tmp`,
  );
  const fd = openSync(temp, 'wx', 0o644);
  try {
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    unlinkSync(temp);
    throw error;
  }
  closeSync(fd);
  try {
    renameSync(temp, path);
  } catch (error) {
    unlinkSync(temp);
    throw error;
  }
  syncDirectory(dir);
}

function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some platforms (Windows) cannot open or fsync a directory; the rename is still atomic.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Removes the temporary files that interrupted saves of `path` left beside it
 * (`.<name>.<pid>.<n>.tmp`, as {@link atomicWriteFile} names them) — only those whose writer
 * process is gone (`process.kill(pid, 0)` fails with ESRCH), so the temporary file of a save in
 * progress in another process, or in this one, is never touched. Best effort: a directory or
 * file that cannot be read or removed is left as it is. Returns the paths removed.
 */
export function removeOrphanTempFiles(path: string): string[] {
  const dir = dirname(path);
  const prefix = `.${basename(path)}.`;
  const removed: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const entry of entries) {
    if (!entry.startsWith(prefix)) continue;
    const match = /^(\d+)\.[0-9a-z]+\.tmp$/.exec(entry.slice(prefix.length));
    if (!match) continue;
    const pid = Number(match[1]);
    if (pid === process.pid || processRuns(pid)) continue;
    try {
      unlinkSync(join(dir, entry));
      removed.push(join(dir, entry));
    } catch {
      // Removed meanwhile by another cleaner, or not ours to remove: leave it.
    }
  }
  return removed;
}

/** Whether process `pid` exists (one of another user counts: EPERM). */
function processRuns(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return true; // not a pid a save could have had
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
