import { describe, expect, it } from 'vitest';
import { fileFingerprint, sameFingerprint } from './fingerprint.js';
import { rejection, testFolder } from './test-files.js';

const folder = testFolder();

describe('fileFingerprint', () => {
  it('is the byte length and CRC-32 of the content, whatever the path', async () => {
    const a = await fileFingerprint(folder.file('a.txt', '123456789'));
    expect(a).toEqual({ bytes: 9, crc32: 0xcbf43926 });
    const copy = await fileFingerprint(folder.file('copy.txt', '123456789'));
    expect(sameFingerprint(a, copy)).toBe(true);
    const other = await fileFingerprint(folder.file('b.txt', '123456788'));
    expect(sameFingerprint(a, other)).toBe(false);
  });

  it('streams a file larger than one read (several MiB)', async () => {
    const big = 'x'.repeat((3 << 20) + 5);
    expect((await fileFingerprint(folder.file('big.txt', big))).bytes).toBe(big.length);
  });

  it('reports a missing file as IO', async () => {
    expect((await rejection(fileFingerprint('/no/such/file'))).code).toBe('IO');
  });
});
