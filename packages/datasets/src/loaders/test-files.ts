import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/** A temporary folder for one test file, removed after its tests; `file(name, text)` writes into it. */
export function testFolder(): {
  file(name: string, text: string): string;
  path(name: string): string;
} {
  const dir = mkdtempSync(join(tmpdir(), 'recur-datasets-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return {
    file(name, text) {
      const path = join(dir, name);
      writeFileSync(path, text, 'utf8');
      return path;
    },
    path: (name) => join(dir, name),
  };
}

/** Collects an async iterable into an array. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** The error a promise rejects with (fails the test if it resolves). */
export async function rejection(
  promise: Promise<unknown>,
): Promise<Error & { code?: string; line?: number }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string; line?: number };
  }
  throw new Error('expected a rejection');
}
