import { resolve } from 'node:path';
import { type FileFingerprint, fileFingerprint } from '@recur/datasets/node';
import type { RecurMetadata } from '../checkpoint.js';
import type { Flags } from '../flags.js';
import { type CommandIO, println } from '../io.js';
import type { RunOptions } from '../tasks/task.js';
import { shown } from './saved-options.js';

function describe(fingerprint: FileFingerprint): string {
  return `${fingerprint.bytes} bytes, CRC-32 ${fingerprint.crc32.toString(16).padStart(8, '0')}`;
}

/**
 * The saved run options with the data file the user named again with `--file` on this command
 * line, for a run trained on a file (`why`: e.g. `to resume`). The path saved in the checkpoint is
 * only quoted in messages, never opened. A file whose byte length or CRC-32 differs from the
 * fingerprint saved in the checkpoint is refused; a checkpoint without one (written before recur
 * saved it) cannot be checked, and a note says so. Options of a built-in dataset pass through.
 */
export async function dataFileAgain(
  flags: Flags,
  path: string,
  metadata: RecurMetadata,
  io: CommandIO,
  why: string,
): Promise<{ options: RunOptions; data?: FileFingerprint }> {
  const saved = metadata.options;
  if (saved.dataset !== 'file') return { options: saved };
  const given = flags.string('file');
  if (given === undefined) {
    throw flags.error(
      `the run saved in ${path} trained on a file (saved as ${shown(saved.file)}); name it again with --file <path> ${why}`,
    );
  }
  const file = resolve(given);
  const data = await fileFingerprint(file);
  if (metadata.data === undefined) {
    println(
      io.stderr,
      `recur ${flags.command}: note: ${path} holds no fingerprint of its data (an older checkpoint); cannot check that --file ${file} is the same data`,
    );
  } else if (metadata.data.bytes !== data.bytes || metadata.data.crc32 !== data.crc32) {
    throw flags.error(
      `--file ${file} is not the data the run saved in ${path} trained on (that was ${describe(metadata.data)}; this file is ${describe(data)})`,
    );
  }
  return { options: { ...saved, file }, data };
}
