import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../cli.js';

/** What one in-process `recur …` call printed, and its exit code. */
export interface RecurRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `recur <args>` in this process with captured output (no terminal: plain progress lines). */
export async function recur(...args: string[]): Promise<RecurRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  });
  return { code, stdout, stderr };
}

/** `recur <args> --json`'s single JSON object (fails the test on anything else). */
export async function recurJson(...args: string[]): Promise<Record<string, unknown>> {
  const run = await recur(...args, '--json');
  if (run.code !== 0) throw new Error(`recur ${args.join(' ')} exited ${run.code}: ${run.stderr}`);
  const lines = run.stdout.trim().split('\n');
  if (lines.length !== 1) throw new Error(`expected one JSON line on stdout, got:\n${run.stdout}`);
  return JSON.parse(lines[0]!) as Record<string, unknown>;
}

/** A fresh temporary directory. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'recur-cli-'));
}
