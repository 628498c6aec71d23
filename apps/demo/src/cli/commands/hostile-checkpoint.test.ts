import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { memory } from '@recur/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { editCheckpoint } from '../testing/edit-checkpoint.js';
import { recur, recurJson, tempDir } from '../testing/run-recur.js';

/** One line on stderr starting with `recur <command>:`, exit code 2, no stack. */
function expectOneLine(run: { code: number; stderr: string }, command: string): string {
  expect(run.code).toBe(2);
  const lines = run.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^recur ${command}: `));
  expect(run.stderr).not.toMatch(/\n\s+at /);
  return lines[0]!;
}

describe('a classifier checkpoint is data, never code', () => {
  const dir = tempDir();
  const checkpoint = join(dir, 'cls.ckpt');

  beforeAll(async () => {
    const csv = join(dir, 'reviews.csv');
    const rows = Array.from({ length: 40 }, (_, i) =>
      i % 2 ? `"great, loved it ${i}",positive` : `"dull and slow ${i}",negative`,
    );
    writeFileSync(csv, `review,sentiment\n${rows.join('\n')}\n`);
    await recurJson(
      'train',
      '--arch',
      'classify',
      '--file',
      csv,
      '--steps',
      '1',
      '--hidden',
      '4',
      '--embedding',
      '4',
      '--batch',
      '8',
      '--show',
      '0',
      '--checkpoint',
      checkpoint,
    );
  });

  it('saves the word pattern by name', async () => {
    const saved = join(dir, 'copy.ckpt');
    let pattern: unknown;
    editCheckpoint(checkpoint, saved, (c) => {
      pattern = (c.vocabulary as { tokenizer: { pattern: unknown } }).tokenizer.pattern;
    });
    expect(pattern).toBe('words');
  });

  it('refuses a checkpoint whose tokenizer pattern is not a known name, without compiling it', async () => {
    const before = memory().numTensors;
    const hostile = join(dir, 'redos.ckpt');
    editCheckpoint(checkpoint, hostile, (c) => {
      (c.vocabulary as { tokenizer: { pattern: string } }).tokenizer.pattern = '(a|aa)+$';
    });
    const start = performance.now();
    const run = await recur('classify', '--checkpoint', hostile, `${'a'.repeat(40)}b`);
    expect(performance.now() - start).toBeLessThan(5000);
    expect(expectOneLine(run, 'classify')).toBe(
      'recur classify: tokenizerFromJSON: pattern must be one of whitespace, words; got "(a|aa)+$"',
    );
    expect(memory().numTensors).toBe(before);
  });

  it('still reads the pattern source that earlier checkpoints stored', async () => {
    const legacy = join(dir, 'legacy.ckpt');
    editCheckpoint(checkpoint, legacy, (c) => {
      (c.vocabulary as { tokenizer: { pattern: string } }).tokenizer.pattern =
        "[\\p{L}\\p{N}']+|[^\\s\\p{L}\\p{N}']";
    });
    const out = await recurJson('classify', '--checkpoint', legacy, 'loved it');
    expect(out.results).toHaveLength(1);
  });
});
