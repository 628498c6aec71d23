/** Where a command writes: anything with `write(text)`, like `process.stdout`. */
export interface Output {
  write(text: string): unknown;
  /** True on a terminal (the progress bar is redrawn in place). */
  isTTY?: boolean;
  /** Terminal width. */
  columns?: number;
}

/** A command's streams: results on `stdout`, progress and notices on `stderr`. */
export interface CommandIO {
  stdout: Output;
  stderr: Output;
}

/** A `recur` sub-command: a one-line summary and what it does with its arguments. */
export interface Command {
  summary: string;
  run(argv: readonly string[], io: CommandIO): Promise<void>;
}

/** Writes `text` and a newline. */
export function println(out: Output, text = ''): void {
  out.write(`${text}\n`);
}
