import { spawnSync } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../testing/run-recur.js';

// The compiled bin (turbo builds it before the tests).
const bin = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

/** A text file of about `megabytes` MB (words and line breaks, a few multi-byte characters). */
function writeText(path: string, megabytes: number): void {
  const words = ['the', 'whale', 'sea', 'ship', 'Ahab', 'white', 'boat', 'deep', 'café', 'naïve'];
  const lines: string[] = [];
  for (let i = 0; i < 2000; i++)
    lines.push(
      Array.from({ length: 10 }, (_, j) => words[(i * 7 + j * 3 + (i >> 3)) % words.length]).join(
        ' ',
      ),
    );
  const block = Buffer.from(`${lines.join('\n')}\n`);
  const fd = openSync(path, 'w');
  for (let written = 0; written < megabytes * 1e6; written += block.length) writeSync(fd, block);
  closeSync(fd);
}

/** `recur train --file <path>` for a few tiny updates in a child process: its peak RSS in bytes. */
function peakRss(file: string, dir: string): number {
  const child = spawnSync(
    process.execPath,
    [
      bin,
      'train',
      '--file',
      file,
      '--steps',
      '3',
      '--hidden',
      '8',
      '--embedding',
      '4',
      '--checkpoint',
      join(dir, 'm.ckpt'),
      '--length',
      '5',
      '--json',
    ],
    { encoding: 'utf8' },
  );
  expect(child.status, child.stderr).toBe(0);
  return (JSON.parse(child.stdout) as { peakRssBytes: number }).peakRssBytes;
}

describe('recur train --file streams', () => {
  it('its peak memory does not grow with the file: 12 MB and 60 MB peak within 30 MB', () => {
    const dir = tempDir();
    const small = join(dir, 'small.txt');
    const large = join(dir, 'large.txt');
    writeText(small, 12);
    writeText(large, 60);
    const a = peakRss(small, dir);
    const b = peakRss(large, dir);
    // Holding the text (or its ids) whole would add at least 48 MB × (1 byte + 4 bytes of ids).
    expect(b - a, `peak RSS ${a} → ${b} bytes`).toBeLessThan(30e6);
  }, 60_000);
});
