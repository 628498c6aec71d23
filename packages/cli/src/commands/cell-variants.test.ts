import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { disposeModel, loadModelWithExtras } from '@recur/architectures';
import { memory } from '@recur/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTrainedModel } from '../checkpoint.js';
import { recur, recurJson, tempDir } from '../testing/run-recur.js';

const TINY = ['--hidden', '4', '--embedding', '3', '--batch', '2', '--seq-len', '6'];
const REPORT = ['--val-chars', '100', '--length', '5'];

/** The tensor names in a safetensors file's header. */
function safetensorsNames(path: string): string[] {
  const bytes = readFileSync(path);
  const size = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + size).toString('utf8')) as object;
  return Object.keys(header).filter((name) => name !== '__metadata__');
}

describe('recur train --reset-after / --recurrent-activation', () => {
  const dir = tempDir();
  const text = join(dir, 'text.txt');
  const gru = join(dir, 'gru.ckpt');
  const lstm = join(dir, 'lstm.ckpt');

  beforeAll(() => {
    writeFileSync(text, 'the quick brown fox jumps over the lazy dog. '.repeat(20));
  });

  it('trains a reset-after GRU, saves the variant, resumes, samples and exports it with PyTorch names', async () => {
    const before = memory().numTensors;
    const train = (...more: string[]) =>
      recurJson('train', '--file', text, '--checkpoint', gru, ...TINY, ...REPORT, ...more);
    const out = await train('--cell', 'gru', '--reset-after', '--steps', '2');
    expect(out.options).toMatchObject({ cell: 'gru', cellOptions: { resetAfter: true } });
    const trained = loadTrainedModel('test', gru, 'lm');
    expect(trained.model.config).toMatchObject({ cell: 'gru', cellOptions: { resetAfter: true } });
    expect(trained.metadata.options.cellOptions).toEqual({ resetAfter: true });
    disposeModel(trained.model);

    const resumed = await recurJson(
      'train',
      '--resume',
      '--file',
      text,
      '--checkpoint',
      gru,
      '--steps',
      '3',
      ...REPORT,
    );
    expect(resumed).toMatchObject({ step: 3, resumedFrom: 2 });
    expect(resumed.options).toMatchObject({ cellOptions: { resetAfter: true } });
    const changed = await recur(
      'train',
      '--resume',
      '--file',
      text,
      '--checkpoint',
      gru,
      '--recurrent-activation',
      'hardSigmoid',
      '--steps',
      '4',
    );
    expect(changed.code).toBe(2);
    expect(changed.stderr).toBe(
      `recur train: --recurrent-activation hardSigmoid differs from the run saved in ${gru} (sigmoid); leave it out to resume, or train a new model with another --checkpoint\n`,
    );

    const sample = await recurJson(
      'sample',
      '--checkpoint',
      gru,
      '--prompt',
      'the',
      '--length',
      '4',
    );
    expect(sample).toMatchObject({ command: 'sample', step: 3 });

    const file = join(dir, 'gru.safetensors');
    await recurJson('export', '--checkpoint', gru, '--out', file);
    expect(safetensorsNames(file)).toContain('rnn.bias_hh_l0');
    const { model } = loadModelWithExtras(readFileSync(file));
    expect(model.config).toMatchObject({ cell: 'gru', cellOptions: { resetAfter: true } });
    disposeModel(model);
    expect(memory().numTensors).toBe(before);
  });

  it('hardSigmoid gates are saved, and export keeps recur names (no PyTorch module computes them)', async () => {
    const out = await recurJson(
      'train',
      '--file',
      text,
      '--checkpoint',
      lstm,
      '--cell',
      'lstm',
      '--recurrent-activation',
      'hardSigmoid',
      '--steps',
      '2',
      ...TINY,
      ...REPORT,
    );
    expect(out.options).toMatchObject({ cellOptions: { recurrentActivation: 'hardSigmoid' } });
    const file = join(dir, 'lstm.safetensors');
    await recurJson('export', '--checkpoint', lstm, '--out', file);
    expect(safetensorsNames(file).some((name) => name.startsWith('rnn.weight_ih_l0'))).toBe(false);
    const { model } = loadModelWithExtras(readFileSync(file));
    expect(model.config).toMatchObject({ cellOptions: { recurrentActivation: 'hardSigmoid' } });
    disposeModel(model);
  });

  it('passes the variant to the other architectures too (seq2seq: encoder and decoder), and translate loads it', async () => {
    const pairs = join(dir, 'pairs.tsv');
    const lines = Array.from({ length: 20 }, (_, i) => `${i} apples\t${i} pommes`);
    writeFileSync(pairs, `${lines.join('\n')}\n`);
    const checkpoint = join(dir, 's2s.ckpt');
    await recurJson(
      'train',
      '--arch',
      'seq2seq',
      '--file',
      pairs,
      '--cell',
      'gru',
      '--reset-after',
      '--recurrent-activation',
      'hardSigmoid',
      '--steps',
      '2',
      '--hidden',
      '4',
      '--batch',
      '4',
      '--show',
      '1',
      '--checkpoint',
      checkpoint,
    );
    const trained = loadTrainedModel('test', checkpoint, 'seq2seq');
    expect(trained.model.config).toMatchObject({
      cell: 'gru',
      cellOptions: { resetAfter: true, recurrentActivation: 'hardSigmoid' },
    });
    disposeModel(trained.model);
    const translated = await recur('translate', '--checkpoint', checkpoint, '3 apples');
    expect(translated.code).toBe(0);
  });

  it('refuses the flags for a cell that does not take them, naming the cell, before training', async () => {
    const lstmResetAfter = await recur(
      'train',
      '--file',
      text,
      '--cell',
      'lstm',
      '--reset-after',
      '--steps',
      '1',
    );
    expect(lstmResetAfter.code).toBe(2);
    expect(lstmResetAfter.stderr).toBe(
      "recur train: --reset-after: model.cellOptions: resetAfter is not an option of a 'lstm' cell (it takes recurrentActivation)\n",
    );
    const rnn = await recur(
      'train',
      '--file',
      text,
      '--cell',
      'rnn',
      '--reset-after',
      '--recurrent-activation',
      'hardSigmoid',
    );
    expect(rnn.code).toBe(2);
    expect(rnn.stderr).toMatch(
      /^recur train: --reset-after and --recurrent-activation: model\.cellOptions: \w+ is not an option of a 'rnn' cell \(it takes none\)/,
    );
    const badChoice = await recur('train', '--cell', 'gru', '--recurrent-activation', 'tanh');
    expect(badChoice.code).toBe(2);
    expect(badChoice.stderr).toMatch(
      /--recurrent-activation must be one of sigmoid, hardSigmoid; got 'tanh'/,
    );
  });

  it('says in recur export --help which GRUs keep recur names', async () => {
    const help = await recur('export', '--help');
    expect(help.stdout).toContain('a reset-after GRU (--reset-after)\nhas PyTorch nn.GRU names');
    expect(help.stdout).not.toContain('GRU models keep recur names');
  });
});
