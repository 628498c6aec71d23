import { resolve } from 'node:path';
import type { FileFingerprint } from '@recur/datasets/node';
import type { Flags } from '../flags.js';
import { type CommandIO, println } from '../io.js';
import type { RunOptions } from '../tasks/task.js';
import { shown } from './saved-options.js';

/**
 * On `--resume` of a run trained on a file: the file named again with `--file` on this command
 * line. The path saved in the checkpoint is only quoted in the message, never opened.
 */
export function resumedDataFile(flags: Flags, path: string, saved: RunOptions): string {
  const file = flags.string('file');
  if (file === undefined) {
    throw flags.error(
      `the run saved in ${path} trained on a file (saved as ${shown(saved.file)}); name it again with --file <path> to resume`,
    );
  }
  return resolve(file);
}

function describe(fingerprint: FileFingerprint): string {
  return `${fingerprint.bytes} bytes, CRC-32 ${fingerprint.crc32.toString(16).padStart(8, '0')}`;
}

/**
 * Refuses a `--file` whose content differs from the data the checkpoint was trained on (its
 * byte length and CRC-32). A checkpoint without a fingerprint (written before recur saved one)
 * cannot be checked: a note says so and the run goes on.
 */
export function checkSameData(
  flags: Flags,
  path: string,
  saved: FileFingerprint | undefined,
  given: FileFingerprint,
  file: string,
  io: CommandIO,
): void {
  if (saved === undefined) {
    println(
      io.stderr,
      `recur train: note: ${path} holds no fingerprint of its data (an older checkpoint); cannot check that --file ${file} is the same data`,
    );
    return;
  }
  if (saved.bytes !== given.bytes || saved.crc32 !== given.crc32) {
    throw flags.error(
      `--file ${file} is not the data the run saved in ${path} trained on (that was ${describe(saved)}; this file is ${describe(given)})`,
    );
  }
}
