import { readFileSync, writeFileSync } from 'node:fs';
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

/** Writes a 40-review CSV at `csv` and trains a tiny classifier on it (1 step) into `checkpoint`. */
async function trainTinyClassifier(csv: string, checkpoint: string): Promise<void> {
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
}

describe('a classifier checkpoint is data, never code', () => {
  const dir = tempDir();
  const checkpoint = join(dir, 'cls.ckpt');

  beforeAll(async () => {
    await trainTinyClassifier(join(dir, 'reviews.csv'), checkpoint);
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
      `recur classify: ${hostile} holds a vocabulary recur train never writes: tokenizer: tokenizerFromJSON: pattern must be one of whitespace, words; got "(a|aa)+$"`,
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

describe('the inference commands build a model only as large as the weights in the file', () => {
  const dir = tempDir();
  const trained = join(dir, 'small.ckpt');

  beforeAll(async () => {
    const text = join(dir, 'text.txt');
    writeFileSync(text, 'the quick brown fox jumps over the lazy dog. '.repeat(40));
    await recurJson(
      'train',
      '--file',
      text,
      '--steps',
      '1',
      '--hidden',
      '4',
      '--embedding',
      '4',
      '--checkpoint',
      trained,
    );
  });

  it.each([
    ['hiddenSize', 3000],
    ['hiddenSize', 1e6],
    ['numLayers', 200_000],
  ])(
    'refuses a config with %s %d beside small weights, fast, leaving nothing',
    async (key, value) => {
      const hostile = join(dir, `${key}-${value}.ckpt`);
      editCheckpoint(trained, hostile, (c) => {
        (c.config as Record<string, unknown>)[key] = value;
      });
      const before = memory().numTensors;
      const start = performance.now();
      const line = expectOneLine(
        await recur('sample', '--checkpoint', hostile, '--length', '3'),
        'sample',
      );
      expect(performance.now() - start).toBeLessThan(5000);
      expect(line).toContain(hostile);
      expect(line).toContain(key);
      expect(memory().numTensors).toBe(before);
    },
  );
});

describe('recur train --resume re-checks what the checkpoint says', () => {
  const dir = tempDir();
  const text = join(dir, 'corpus.txt');
  writeFileSync(text, 'the whale and the sea and the ship\n'.repeat(40));
  const checkpoint = join(dir, 'lm.ckpt');
  const tiny = ['--hidden', '4', '--embedding', '2', '--batch', '2', '--seq-len', '4'];
  const report = ['--val-chars', '50', '--length', '0'];

  beforeAll(async () => {
    await recurJson(
      'train',
      '--file',
      text,
      '--steps',
      '2',
      '--checkpoint',
      checkpoint,
      ...tiny,
      ...report,
    );
  });

  /** A copy of the checkpoint with its saved options edited. */
  function withOptions(name: string, edit: (options: Record<string, unknown>) => void): string {
    const to = join(dir, name);
    editCheckpoint(checkpoint, to, (c) => {
      const recur = c.metadata!.recur as { options: Record<string, unknown> };
      edit(recur.options);
    });
    return to;
  }

  it('never opens the data path saved in the checkpoint: --file must name the data again', async () => {
    const before = memory().numTensors;
    const hostile = withOptions('passwd.ckpt', (o) => {
      o.file = '/etc/passwd';
    });
    const run = await recur(
      'train',
      '--resume',
      '--checkpoint',
      hostile,
      '--steps',
      '3',
      ...report,
    );
    expect(expectOneLine(run, 'train')).toBe(
      `recur train: the run saved in ${hostile} trained on a file (saved as "/etc/passwd"); name it again with --file <path> to resume`,
    );
    expect(run.stdout).toBe('');
    expect(memory().numTensors).toBe(before);
  });

  it('refuses a --file whose content differs from the data trained on, naming both fingerprints', async () => {
    const other = join(dir, 'other.txt');
    writeFileSync(other, 'the whale and the sea and the boat\n'.repeat(40));
    const run = await recur(
      'train',
      '--resume',
      '--file',
      other,
      '--checkpoint',
      checkpoint,
      '--steps',
      '3',
      ...report,
    );
    expect(expectOneLine(run, 'train')).toMatch(
      new RegExp(
        `^recur train: --file ${other.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not the data the run saved in .* trained on \\(that was 1400 bytes, CRC-32 [0-9a-f]{8}; this file is 1400 bytes, CRC-32 [0-9a-f]{8}\\)$`,
      ),
    );
  });

  it('resumes with the same data under another path', async () => {
    const copy = join(dir, 'copy.txt');
    writeFileSync(copy, 'the whale and the sea and the ship\n'.repeat(40));
    const resumed = join(dir, 'resumed.ckpt');
    editCheckpoint(checkpoint, resumed, () => {});
    const out = await recurJson(
      'train',
      '--resume',
      '--file',
      copy,
      '--checkpoint',
      resumed,
      '--steps',
      '3',
      ...report,
    );
    expect(out).toMatchObject({ resumedFrom: 2, step: 3 });
    expect((out.options as { file: string }).file).toBe(copy);
  });

  it.each([
    [
      'an optimizer that does not exist',
      (o: Record<string, unknown>) => (o.optimizer = 'evil'),
      "--optimizer must be one of sgd, rmsprop, adagrad, adam, adamw; got 'evil'",
    ],
    [
      'a hidden size past the limit',
      (o: Record<string, unknown>) => (o.hidden = 10_000_000),
      "--hidden must be an integer <= 4096; got '10000000'",
    ],
    [
      'a number as a string',
      (o: Record<string, unknown>) => (o.hidden = '8'),
      'hidden must be a number; got "8"',
    ],
    [
      'a fractional batch',
      (o: Record<string, unknown>) => (o.batch = 2.5),
      "--batch must be an integer; got '2.5'",
    ],
    [
      'an unknown option',
      (o: Record<string, unknown>) => (o.command = 'rm -rf /'),
      'unknown option "command"',
    ],
    [
      'a missing option',
      (o: Record<string, unknown>) => delete o.cell,
      'cell must be a string; got undefined',
    ],
    [
      'both clippings',
      (o: Record<string, unknown>) => (o.clipValue = 1),
      'give --clip-norm or --clip-value, not both',
    ],
    [
      'an unknown architecture',
      (o: Record<string, unknown>) => (o.arch = 'transformer'),
      'arch must be one of lm, seq2seq, classify, caption, forecast; got "transformer"',
    ],
  ])('refuses %s in the saved options with one line', async (_name, edit, detail) => {
    const before = memory().numTensors;
    const hostile = withOptions('hostile.ckpt', edit);
    const run = await recur(
      'train',
      '--resume',
      '--file',
      text,
      '--checkpoint',
      hostile,
      '--steps',
      '3',
      ...report,
    );
    expect(expectOneLine(run, 'train')).toBe(
      `recur train: ${hostile} holds run options that recur train refuses: ${detail}`,
    );
    // The inference commands read the same options through the same check.
    const sample = await recur('sample', '--checkpoint', hostile, '--length', '3');
    expect(expectOneLine(sample, 'sample')).toBe(
      `recur sample: ${hostile} holds run options that recur train refuses: ${detail}`,
    );
    expect(memory().numTensors).toBe(before);
  });
});

describe('the inference commands check the saved vocabulary field by field', () => {
  it.each([
    ['no vocabulary', () => undefined, 'expected an object; got undefined'],
    [
      'a prompt that is not text',
      (v: Record<string, unknown>) => ({ ...v, prompt: 5 }),
      'prompt must be a string; got 5',
    ],
    [
      'a missing tokenizer',
      (v: Record<string, unknown>) => ({ prompt: v.prompt }),
      'tokenizer: tokenizerFromJSON: expected an object { kind, vocabulary, ... }; got undefined',
    ],
    [
      'an extra field',
      (v: Record<string, unknown>) => ({ ...v, eval: 'x' }),
      'unknown field "eval"',
    ],
  ])('refuses %s with one line', async (_name, edit, detail) => {
    const dir = tempDir();
    const text = join(dir, 'c.txt');
    writeFileSync(text, 'the whale and the sea\n'.repeat(50));
    const checkpoint = join(dir, 'lm.ckpt');
    await recurJson(
      'train',
      '--file',
      text,
      '--steps',
      '1',
      '--hidden',
      '4',
      '--batch',
      '2',
      '--seq-len',
      '4',
      '--val-chars',
      '20',
      '--length',
      '0',
      '--checkpoint',
      checkpoint,
    );
    const before = memory().numTensors;
    const hostile = join(dir, 'hostile.ckpt');
    editCheckpoint(checkpoint, hostile, (c) => {
      c.vocabulary = edit(c.vocabulary as Record<string, unknown>);
    });
    const run = await recur('sample', '--checkpoint', hostile, '--length', '5');
    expect(expectOneLine(run, 'sample')).toBe(
      `recur sample: ${hostile} holds a vocabulary recur train never writes: ${detail}`,
    );
    expect(memory().numTensors).toBe(before);
  });
});

describe('recur classify without texts shows held-out examples of the file named again', () => {
  it('refuses to open the saved path, and checks the named file against the fingerprint', async () => {
    const dir = tempDir();
    const csv = join(dir, 'reviews.csv');
    const checkpoint = join(dir, 'cls.ckpt');
    await trainTinyClassifier(csv, checkpoint);
    const hostile = join(dir, 'passwd.ckpt');
    editCheckpoint(checkpoint, hostile, (c) => {
      (c.metadata!.recur as { options: { file: string } }).options.file = '/etc/passwd';
    });
    const run = await recur('classify', '--checkpoint', hostile);
    expect(expectOneLine(run, 'classify')).toBe(
      `recur classify: the run saved in ${hostile} trained on a file (saved as "/etc/passwd"); name it again with --file <path> to show held-out examples (or give texts to classify)`,
    );
    const other = join(dir, 'other.csv');
    const lines = readFileSync(csv, 'utf8').split('\n');
    writeFileSync(other, [lines[0], ...lines.slice(2)].join('\n')); // one review fewer
    expect(
      expectOneLine(await recur('classify', '--checkpoint', hostile, '--file', other), 'classify'),
    ).toMatch(/is not the data the run saved in .* trained on/);
    const out = await recurJson(
      'classify',
      '--checkpoint',
      hostile,
      '--file',
      csv,
      '--examples',
      '2',
    );
    expect(out.accuracy).toBeGreaterThanOrEqual(0);
  });
});
