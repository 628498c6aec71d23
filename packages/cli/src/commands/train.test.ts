import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { memory } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { recur, recurJson, tempDir } from '../testing/run-recur.js';

/** A small text with some structure, enough for a few tiny batches. */
function corpus(): string {
  const words = ['the', 'whale', 'sea', 'ship', 'ahab', 'white', 'boat', 'deep'];
  const lines: string[] = [];
  for (let i = 0; i < 80; i++)
    lines.push(
      Array.from({ length: 8 }, (_, j) => words[(i * 3 + j * 5) % words.length]).join(' '),
    );
  return `${lines.join('\n')}\n`;
}

const TINY = [
  '--hidden',
  '8',
  '--embedding',
  '4',
  '--batch',
  '2',
  '--seq-len',
  '8',
  '--val-chars',
  '200',
  '--length',
  '20',
];

function stepLosses(logPath: string): Map<number, number> {
  const losses = new Map<number, number>();
  for (const line of readFileSync(logPath, 'utf8').trim().split('\n')) {
    const record = JSON.parse(line) as { type: string; step: number; loss: number };
    if (record.type === 'step') losses.set(record.step, record.loss);
  }
  return losses;
}

describe('recur train (language model) → sample → resume', () => {
  const dir = tempDir();
  const text = join(dir, 'corpus.txt');
  writeFileSync(text, corpus());
  const checkpoint = join(dir, 'lm.ckpt');

  it('trains 5 steps on a file, writes a checkpoint and reports in JSON', async () => {
    const out = await recurJson(
      'train',
      '--file',
      text,
      '--steps',
      '5',
      '--checkpoint',
      checkpoint,
      ...TINY,
      // A constant rate, for the resume test below: this run's budget (5 updates) is not the
      // straight run's (8), so rates annealed over each would differ. The resumed run inherits it.
      '--schedule',
      'constant',
      '--log',
      join(dir, 'a.jsonl'),
    );
    expect(existsSync(checkpoint)).toBe(true);
    expect(out).toMatchObject({
      command: 'train',
      step: 5,
      updates: 5,
      stopReason: 'steps',
      checkpoint,
      resumedFrom: null,
    });
    expect(out.options).toMatchObject({
      arch: 'lm',
      dataset: 'file',
      file: text,
      cell: 'lstm',
      hidden: 8,
    });
    const validation = out.validation as {
      natsPerChar: number;
      bitsPerChar: number;
      characters: number;
    };
    expect(validation.characters).toBeGreaterThan(100);
    expect(validation.bitsPerChar).toBeCloseTo(validation.natsPerChar / Math.LN2, 3);
    const baselines = out.baselines as Record<string, number>;
    expect(baselines.uniform).toBeCloseTo(Math.log(new Set(corpus()).size), 4);
    expect(baselines.bigram).toBeLessThan(baselines.unigram!);
    const sample = out.sample as { prompt: string; text: string };
    expect(sample.prompt).toBe('the white sea'); // the first words of the file
    expect(sample.text.startsWith(sample.prompt)).toBe(true);
    expect([...sample.text].length).toBe([...sample.prompt].length + 20);
    expect(out.tokens).toBe(5 * 2 * 8);
  });

  it('samples from the checkpoint', async () => {
    const out = await recurJson(
      'sample',
      '--checkpoint',
      checkpoint,
      '--prompt',
      'sea',
      '--length',
      '12',
      '--temperature',
      '0',
    );
    expect(out).toMatchObject({ command: 'sample', step: 5, prompt: 'sea', temperature: 0 });
    expect((out.text as string).startsWith('sea')).toBe(true);
    expect([...(out.text as string)].length).toBe(15);
    const again = await recurJson(
      'sample',
      '--checkpoint',
      checkpoint,
      '--prompt',
      'sea',
      '--length',
      '12',
      '--temperature',
      '0',
    );
    expect(again.text).toBe(out.text); // greedy is deterministic
    const human = await recur('sample', '--checkpoint', checkpoint, '--length', '5');
    expect(human.code).toBe(0);
    expect(human.stdout.startsWith('the white sea')).toBe(true);
  });

  it('refuses a prompt with characters the model never saw', async () => {
    const run = await recur('sample', '--checkpoint', checkpoint, '--prompt', 'Queequeg');
    expect(run.code).toBe(2);
    const size = new Set(corpus()).size;
    expect(run.stderr).toBe(
      `recur sample: --prompt has characters the model never saw: "Q", "u", "q", "g" (its vocabulary has ${size} characters)\n`,
    );
  });

  it('resumes from the saved step and continues exactly like an uninterrupted run', async () => {
    const resumed = await recurJson(
      'train',
      '--resume',
      '--file',
      text,
      '--checkpoint',
      checkpoint,
      '--steps',
      '8',
      '--length',
      '0',
      '--log',
      join(dir, 'a.jsonl'),
    );
    expect(resumed).toMatchObject({ resumedFrom: 5, step: 8, updates: 3 });
    expect(resumed.options).toMatchObject({ hidden: 8, batch: 2, seqLen: 8 });
    const straight = await recurJson(
      'train',
      '--file',
      text,
      '--steps',
      '8',
      '--checkpoint',
      join(dir, 'straight.ckpt'),
      ...TINY,
      '--schedule',
      'constant',
      '--log',
      join(dir, 'b.jsonl'),
    );
    expect(straight).toMatchObject({ step: 8, updates: 8 });
    const a = stepLosses(join(dir, 'a.jsonl'));
    const b = stepLosses(join(dir, 'b.jsonl'));
    expect([...a.keys()]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    for (let step = 1; step <= 8; step++) expect(a.get(step)).toBe(b.get(step));
  });

  it('leaves no live tensors behind (train, evaluate, sample, resume)', async () => {
    const before = memory().numTensors;
    await recurJson(
      'train',
      '--file',
      text,
      '--steps',
      '3',
      '--checkpoint',
      join(dir, 'leak.ckpt'),
      ...TINY,
    );
    await recurJson(
      'train',
      '--resume',
      '--file',
      text,
      '--checkpoint',
      join(dir, 'leak.ckpt'),
      '--steps',
      '5',
      '--length',
      '5',
    );
    await recurJson('sample', '--checkpoint', join(dir, 'leak.ckpt'), '--length', '5');
    expect(memory().numTensors).toBe(before);
  });

  it('refuses to resume with a flag that changes the model', async () => {
    const run = await recur(
      'train',
      '--resume',
      '--checkpoint',
      checkpoint,
      '--hidden',
      '16',
      '--steps',
      '9',
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `recur train: --hidden 16 differs from the run saved in ${checkpoint} (8); leave it out to resume, or train a new model with another --checkpoint\n`,
    );
  });

  it('anneals the rate over the run by default (warm-up, cosine to 5 %); --schedule constant keeps it', async () => {
    const rates = async (...flags: string[]) => {
      const log = join(dir, `rates-${flags.join('')}.jsonl`);
      const out = await recurJson(
        'train',
        '--file',
        text,
        '--steps',
        '50',
        '--lr',
        '0.01',
        '--checkpoint',
        join(dir, `rates-${flags.join('')}.ckpt`),
        ...TINY,
        ...flags,
        '--log',
        log,
      );
      const lrs: number[] = [];
      for (const line of readFileSync(log, 'utf8').trim().split('\n')) {
        const record = JSON.parse(line) as { type: string; lr: number };
        if (record.type === 'step') lrs.push(record.lr);
      }
      return { out, lrs };
    };
    const cosine = await rates();
    expect(cosine.out.schedule).toBe('cosine');
    expect(cosine.lrs).toHaveLength(50);
    expect(cosine.lrs[0]).toBeCloseTo(0.001, 6); // warm-up from a tenth (2 % of 50: one update)
    expect(cosine.lrs[1]).toBeCloseTo(0.01, 6);
    const falling = cosine.lrs.slice(1);
    expect(falling.every((lr, i) => i === 0 || lr < falling[i - 1]!)).toBe(true);
    expect(cosine.lrs[49]).toBeCloseTo(
      0.01 * (0.05 + 0.95 * ((1 + Math.cos((Math.PI * 48) / 49)) / 2)),
      6,
    );
    const constant = await rates('--schedule', 'constant');
    expect(constant.out.schedule).toBe('constant');
    expect(new Set(constant.lrs)).toEqual(new Set([0.01]));
  });

  it('validates a fixed held-out slice during training, keeps the best checkpoint beside the last and says which model it used', async () => {
    const path = join(dir, 'val.ckpt');
    const log = join(dir, 'val.jsonl');
    const out = await recurJson(
      'train',
      '--file',
      text,
      '--steps',
      '12',
      '--checkpoint',
      path,
      ...TINY,
      '--val-every',
      '1',
      '--log',
      log,
    );
    const validations = out.validations as { step: number; loss: number }[];
    expect(validations.length).toBeGreaterThanOrEqual(1);
    expect(validations.at(-1)!.step).toBe(12); // and always at the end
    const best = out.best as { step: number; loss: number; checkpoint: string };
    expect(best.loss).toBe(Math.min(...validations.map((v) => v.loss)));
    expect(best.checkpoint).toBe(join(dir, 'val.best.ckpt'));
    expect(existsSync(best.checkpoint)).toBe(true);
    expect(out.model).toBe(best.step === 12 ? 'last' : 'best');
    // The report scores the model kept: its validation loss is the best one.
    expect((out.validation as { natsPerChar: number }).natsPerChar).toBe(best.loss);
    const records = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; step: number; loss: number });
    expect(records.filter((r) => r.type === 'validation').map((r) => r.step)).toEqual(
      validations.map((v) => v.step),
    );
    // The best checkpoint is a checkpoint of the run: sample from it, resume from it.
    const sampled = await recurJson('sample', '--checkpoint', best.checkpoint, '--length', '5');
    expect(sampled.step).toBe(best.step);
    const human = await recur(
      'train',
      '--file',
      text,
      '--steps',
      '3',
      '--checkpoint',
      join(dir, 'val-human.ckpt'),
      ...TINY,
    );
    expect(human.stdout).toMatch(
      /Using the (last model: step 3, validation loss \d\.\d{3}, the best of 1 validation|best model: step \d+)/,
    );
    expect(human.stdout).toMatch(/validation: the first 200 characters of the validation split/);
  });

  it('stops by the clock with --minutes', async () => {
    const started = performance.now();
    const out = await recurJson(
      'train',
      '--file',
      text,
      '--minutes',
      '0.03',
      '--checkpoint',
      join(dir, 'm.ckpt'),
      ...TINY,
    );
    expect(out.stopReason).toBe('time');
    expect(out.updates as number).toBeGreaterThan(0);
    expect(out.seconds as number).toBeLessThan(2.5);
    expect(performance.now() - started).toBeLessThan(15_000);
  });

  it('prints a human summary with the baselines and the sample', async () => {
    const run = await recur(
      'train',
      '--file',
      text,
      '--steps',
      '2',
      '--checkpoint',
      join(dir, 'c.ckpt'),
      ...TINY,
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('recur train: lm · LSTM H=8, 1 layer, embedding 4');
    expect(run.stdout).toMatch(/Trained 2 updates \(step 2, stopped by steps\)/);
    expect(run.stdout).toMatch(/LSTM \(this model\) +\d\.\d{3} nats\/char +\d\.\d{3} bits\/char/);
    expect(run.stdout).toMatch(/bigram baseline +\d\.\d{3} nats\/char/);
    expect(run.stdout).toContain('Generated text (temperature 0.8, prompt "the white sea")');
    expect(run.stderr).toMatch(/step 2\/2 epoch 1 loss \d/); // the trainer's progress line
  });
});

describe('recur train for the other architectures, then their commands', () => {
  const dir = tempDir();

  it('seq2seq on a TSV file → translate', async () => {
    const before = memory().numTensors;
    const pairs = join(dir, 'pairs.tsv');
    const lines = Array.from({ length: 40 }, (_, i) => `${i} apples\t${i} pommes`);
    writeFileSync(pairs, `${lines.join('\n')}\n`);
    const checkpoint = join(dir, 's2s.ckpt');
    const out = await recurJson(
      'train',
      '--arch',
      'seq2seq',
      '--file',
      pairs,
      '--steps',
      '3',
      '--hidden',
      '8',
      '--batch',
      '8',
      '--checkpoint',
      checkpoint,
      '--show',
      '2',
    );
    expect(out).toMatchObject({ step: 3, options: { arch: 'seq2seq', dataset: 'file' } });
    expect(out.heldOut).toMatchObject({ pairs: 4 });
    expect(out.examples).toHaveLength(2);
    const translated = await recurJson(
      'translate',
      '--checkpoint',
      checkpoint,
      '7 apples',
      '12 apples',
      '--beam',
      '2',
    );
    const results = translated.results as { source: string; translation: string }[];
    expect(results.map((r) => r.source)).toEqual(['7 apples', '12 apples']);
    for (const r of results) expect(typeof r.translation).toBe('string');
    // Held-out pairs come from the training file named again, never from the saved path.
    const unnamed = await recur('translate', '--checkpoint', checkpoint, '--examples', '3');
    expect(unnamed.code).toBe(2);
    expect(unnamed.stderr).toMatch(/name it again with --file <path> to score held-out pairs/);
    const heldOut = await recurJson(
      'translate',
      '--checkpoint',
      checkpoint,
      '--file',
      pairs,
      '--examples',
      '3',
    );
    expect(heldOut.results).toHaveLength(3);
    expect(heldOut.exactMatch).toBeGreaterThanOrEqual(0);
    expect(memory().numTensors).toBe(before); // no tensors left behind
  });

  it('classify on a CSV file → classify texts', async () => {
    const before = memory().numTensors;
    const csv = join(dir, 'reviews.csv');
    const rows = Array.from({ length: 40 }, (_, i) =>
      i % 2 ? `"great, loved it ${i}",positive` : `"dull and slow ${i}",negative`,
    );
    writeFileSync(csv, `review,sentiment\n${rows.join('\n')}\n`);
    const checkpoint = join(dir, 'cls.ckpt');
    const out = await recurJson(
      'train',
      '--arch',
      'classify',
      '--file',
      csv,
      '--steps',
      '3',
      '--hidden',
      '8',
      '--batch',
      '8',
      '--checkpoint',
      checkpoint,
    );
    expect(out.heldOut).toMatchObject({ examples: 4 });
    const classified = await recurJson(
      'classify',
      '--checkpoint',
      checkpoint,
      'loved it',
      'so dull',
    );
    const results = classified.results as { label: string; probability: number }[];
    expect(results).toHaveLength(2);
    for (const r of results) {
      expect(['negative', 'positive']).toContain(r.label);
      expect(r.probability).toBeGreaterThanOrEqual(0.5);
    }
    const wrong = await recur('translate', '--checkpoint', checkpoint, 'x');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toBe(
      `recur translate: ${checkpoint} holds a sequence classifier; translate needs an encoder-decoder (seq2seq) (recur train --arch seq2seq)\n`,
    );
    expect(memory().numTensors).toBe(before); // no tensors left behind
  });

  it('caption on MNIST strips → caption --digits', async () => {
    const before = memory().numTensors;
    const checkpoint = join(dir, 'cap.ckpt');
    const out = await recurJson(
      'train',
      '--arch',
      'caption',
      '--examples',
      '40',
      '--steps',
      '2',
      '--hidden',
      '8',
      '--batch',
      '8',
      '--checkpoint',
      checkpoint,
      '--show',
      '1',
    );
    expect(out).toMatchObject({ step: 2, options: { arch: 'caption', dataset: 'mnist-strips' } });
    expect(out.heldOut).toMatchObject({ strips: 500 });
    const captioned = await recurJson('caption', '--checkpoint', checkpoint, '--digits', '31');
    const [result] = captioned.results as { caption: string; digits: string }[];
    expect(result!.digits).toBe('31');
    expect(result!.caption).toMatch(
      /^((zero|one|two|three|four|five|six|seven|eight|nine)( |$))*$/,
    );
    const drawn = await recur('caption', '--checkpoint', checkpoint, '--digits', '31');
    expect(drawn.stdout.split('\n').filter((l) => /[#@%]/.test(l)).length).toBeGreaterThan(5);
    expect(memory().numTensors).toBe(before); // no tensors left behind
  });
});
