import { closeSync, openSync, writeSync } from 'node:fs';

/** A JSON-lines log file, as the Trainer's `log` option takes it. */
export interface JsonLinesFile {
  /** Appends one line (the Trainer passes `JSON.stringify(record) + '\n'`). */
  write(line: string): void;
  /** Closes the file. */
  close(): void;
}

/**
 * Opens `path` for appending JSON lines (one record per line, written synchronously so a crash
 * loses at most the line being written).
 *
 * @example
 * ```ts
 * const log = jsonLinesFile('train.jsonl');
 * await new Trainer({ ..., log }).fit();
 * log.close();
 * ```
 */
export function jsonLinesFile(path: string): JsonLinesFile {
  let fd: number | null = openSync(path, 'a');
  return {
    write(line: string) {
      if (fd === null) throw new Error(`jsonLinesFile: ${path} is closed`);
      writeSync(fd, line.endsWith('\n') ? line : `${line}\n`);
    },
    close() {
      if (fd !== null) closeSync(fd);
      fd = null;
    },
  };
}
