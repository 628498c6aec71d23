import { createReadStream } from 'node:fs';
import { crc32 } from 'node:zlib';
import { DatasetError } from '../errors.js';
import { checkReadable } from './lines.js';

/** What identifies a file's content: its size and the CRC-32 of its bytes. */
export interface FileFingerprint {
  bytes: number;
  /** CRC-32 (zlib's) of the whole file, as an unsigned 32-bit integer. */
  crc32: number;
}

/**
 * The {@link FileFingerprint} of a file, read as a stream (memory does not grow with the file).
 * Save it beside what was learned from a file, and compare it later to tell whether another
 * path holds the same data. Throws `IO` for a missing or unreadable file, `EMPTY` for an empty one.
 */
export async function fileFingerprint(path: string): Promise<FileFingerprint> {
  const caller = 'fileFingerprint';
  await checkReadable(path, caller);
  const input = createReadStream(path, { highWaterMark: 1 << 20 });
  let bytes = 0;
  let crc = 0;
  try {
    for await (const chunk of input) {
      bytes += (chunk as Buffer).length;
      crc = crc32(chunk as Buffer, crc);
    }
  } catch (error) {
    throw new DatasetError('IO', `${caller}: error reading ${path} (${(error as Error).message})`, {
      file: path,
    });
  } finally {
    input.destroy();
  }
  return { bytes, crc32: crc };
}

/** Whether two fingerprints describe the same content. */
export function sameFingerprint(a: FileFingerprint, b: FileFingerprint): boolean {
  return a.bytes === b.bytes && a.crc32 === b.crc32;
}
