import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { disposeModel, Forecaster, loadModelWithExtras } from '@recur/architectures';
import { Standardizer } from '@recur/datasets';
import { dispose, memory } from '@recur/tensor';
import { loadCheckpoint } from '@recur/train/node';
import { describe, expect, it } from 'vitest';
import { editCheckpoint } from '../testing/edit-checkpoint.js';
import { recur, recurJson, tempDir } from '../testing/run-recur.js';

/**
 * 400 rows of `t,a,b,level`: two smooth series and a level far from 0 (about 1000), so a forecast
 * that skipped the saved z-scores on the way back would land near 0 instead.
 */
function writeSeries(path: string): number[][] {
  const rows: number[][] = [];
  for (let t = 0; t < 400; t++) {
    rows.push([t, Math.sin(t / 9), Math.cos(t / 13) + 0.002 * t, 1000 + 5 * Math.sin(t / 20)]);
  }
  writeFileSync(
    path,
    `t,a,b,level\n${rows.map((r) => r.map((v) => v.toFixed(5)).join(',')).join('\n')}\n`,
  );
  return rows;
}

const TINY = ['--hidden', '8', '--batch', '16', '--steps', '20'];

describe('recur train --arch forecast → recur forecast', () => {
  const dir = tempDir();
  const csv = join(dir, 'data.csv');
  const rows = writeSeries(csv);

  it('trains on chosen CSV columns and reports the validation error beside the baselines', async () => {
    const before = memory().numTensors;
    const checkpoint = join(dir, 'ab.ckpt');
    const out = await recurJson(
      'train',
      '--arch',
      'forecast',
      '--file',
      csv,
      '--columns',
      'a,level',
      '--target',
      'level',
      '--window',
      '16',
      '--horizon',
      '4',
      '--checkpoint',
      checkpoint,
      ...TINY,
    );
    expect(out).toMatchObject({ command: 'train', step: 20, stopReason: 'steps' });
    expect((out.options as { series: unknown }).series).toEqual({
      columns: ['a', 'level'],
      target: ['level'],
      window: 16,
      horizon: 4,
    });
    const validation = out.validation as { windows: number; mse: Record<string, number> };
    // The last 15 % of 400 rows (60) validate: 60 − 16 − 4 + 1 windows.
    expect(validation.windows).toBe(41);
    expect(Object.keys(validation.mse).sort()).toEqual(
      ['forecaster', 'lastValue', 'linear', 'linearDifferenced', 'seasonalNaive'].sort(),
    );
    for (const value of Object.values(validation.mse)) expect(Number.isFinite(value)).toBe(true);
    expect(memory().numTensors).toBe(before);
  });

  it('saves the z-scores fitted on the training rows in the checkpoint', () => {
    const saved = loadCheckpoint(join(dir, 'ab.ckpt'));
    try {
      const z = Standardizer.fromJSON(
        (saved.vocabulary as { normalization: unknown }).normalization,
      );
      expect(z.columns).toEqual(['a', 'level']);
      // Fitted on the first 85 % of the rows (340), never on the validation part.
      const train = rows.slice(0, 340);
      const mean = train.reduce((s, r) => s + r[3]!, 0) / train.length;
      const std = Math.sqrt(train.reduce((s, r) => s + (r[3]! - mean) ** 2, 0) / train.length);
      expect(z.mean[1]).toBeCloseTo(mean, 3);
      expect(z.std[1]).toBeCloseTo(std, 3);
    } finally {
      dispose(saved);
    }
  });

  it('exports to safetensors with the z-scores in the model file', async () => {
    const out = join(dir, 'ab.safetensors');
    await recurJson('export', '--checkpoint', join(dir, 'ab.ckpt'), '--out', out);
    const { model, vocabulary } = loadModelWithExtras(readFileSync(out));
    try {
      expect(model).toBeInstanceOf(Forecaster);
      const z = Standardizer.fromJSON((vocabulary as { normalization: unknown }).normalization);
      expect(z.columns).toEqual(['a', 'level']);
      expect(z.mean[1]).toBeGreaterThan(990);
    } finally {
      disposeModel(model);
    }
  });

  it('forecasts the steps after the end of a CSV, in its units', async () => {
    const before = memory().numTensors;
    const out = await recurJson(
      'forecast',
      '--checkpoint',
      join(dir, 'ab.ckpt'),
      '--file',
      csv,
      '--steps',
      '4',
    );
    expect(out).toMatchObject({ command: 'forecast', after: 400, window: 16, columns: ['level'] });
    const forecast = out.forecast as number[][];
    expect(forecast).toHaveLength(4);
    for (const row of forecast) {
      expect(row).toHaveLength(1);
      // Differenced from the last value (≈ 1000 − 5): near it, not near 0.
      expect(Math.abs(row[0]! - rows[399]![3]!)).toBeLessThan(5);
    }
    const text = await recur('forecast', '--checkpoint', join(dir, 'ab.ckpt'), '--file', csv);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^Forecast of level for the 4 steps after row 400 of /);
    expect(text.stdout.trim().split('\n')).toHaveLength(2 + 1 + 4); // title, header, last, +1…+4
    expect(memory().numTensors).toBe(before);
  });

  it('forecasts past the horizon by feeding predictions back when every column is a target', async () => {
    const checkpoint = join(dir, 'all.ckpt');
    const out = await recurJson(
      'train',
      '--arch',
      'forecast',
      '--file',
      csv,
      '--window',
      '8',
      '--horizon',
      '2',
      '--checkpoint',
      checkpoint,
      ...TINY,
    );
    // Without --columns and --target: every column of the file, all of them forecast.
    expect((out.options as { series: unknown }).series).toEqual({
      columns: ['t', 'a', 'b', 'level'],
      target: ['t', 'a', 'b', 'level'],
      window: 8,
      horizon: 2,
    });
    const long = await recurJson(
      'forecast',
      '--checkpoint',
      checkpoint,
      '--file',
      csv,
      '--steps',
      '10',
    );
    expect(long.forecast as number[][]).toHaveLength(10);
    const before = memory().numTensors;
    const refused = await recur(
      'forecast',
      '--checkpoint',
      join(dir, 'ab.ckpt'),
      '--file',
      csv,
      '--steps',
      '5',
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/forecast at most 4 steps/);
    expect(memory().numTensors).toBe(before); // the refused run freed its model and window
  });

  it('resumes with the saved series (the CSV named again)', async () => {
    const out = await recurJson(
      'train',
      '--resume',
      '--arch',
      'forecast',
      '--file',
      csv,
      '--checkpoint',
      join(dir, 'ab.ckpt'),
      '--steps',
      '25',
    );
    expect(out).toMatchObject({ resumedFrom: 20, step: 25 });
    expect((out.options as { series: { columns: string[] } }).series.columns).toEqual([
      'a',
      'level',
    ]);
    const changed = await recur(
      'train',
      '--resume',
      '--arch',
      'forecast',
      '--file',
      csv,
      '--checkpoint',
      join(dir, 'ab.ckpt'),
      '--window',
      '10',
      '--steps',
      '30',
    );
    expect(changed.code).toBe(2);
    expect(changed.stderr).toMatch(/^recur train: --window 10 differs from the run saved in/);
  });

  it('refuses a checkpoint whose saved z-scores are not a standardizer', async () => {
    const hostile = join(dir, 'hostile.ckpt');
    editCheckpoint(join(dir, 'ab.ckpt'), hostile, (c) => {
      (c.vocabulary as { normalization: { std: number[] } }).normalization.std = [1, -2];
    });
    const run = await recur('forecast', '--checkpoint', hostile, '--file', csv);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^recur forecast: .*hostile\.ckpt holds a vocabulary recur train never writes: normalization: Standardizer\.fromJSON: .*std/,
    );
  });

  it('refuses a checkpoint whose saved series recur train would refuse', async () => {
    const hostile = join(dir, 'series.ckpt');
    const options = (c: { metadata?: Record<string, unknown> }) =>
      (c.metadata!.recur as { options: { series: Record<string, unknown> } }).options;
    editCheckpoint(join(dir, 'ab.ckpt'), hostile, (c) => {
      options(c).series.window = 0;
    });
    const zero = await recur('forecast', '--checkpoint', hostile, '--file', csv);
    expect(zero.code).toBe(2);
    expect(zero.stderr.trim()).toBe(
      `recur forecast: ${hostile} holds run options that recur train refuses: --window must be an integer >= 1; got '0'`,
    );
    editCheckpoint(join(dir, 'ab.ckpt'), hostile, (c) => {
      options(c).series.extra = 'x';
    });
    const extra = await recur('forecast', '--checkpoint', hostile, '--file', csv);
    expect(extra.stderr).toMatch(
      /holds run options that recur train refuses: series must be \{ columns, target, window, horizon \}/,
    );
  });

  it('refuses series flags that do not fit, in one line', async () => {
    const usage = async (...args: string[]) => {
      const run = await recur(...args);
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
      return run.stderr.trim();
    };
    expect(await usage('train', '--window', '8')).toBe(
      'recur train: --window is for --arch forecast only',
    );
    expect(
      await usage(
        'train',
        '--arch',
        'forecast',
        '--file',
        csv,
        '--columns',
        'a,b',
        '--target',
        'level',
      ),
    ).toBe(
      'recur train: --target level is not among the columns the model reads (a,b); add it to --columns',
    );
    expect(await usage('train', '--arch', 'forecast', '--file', csv, '--columns', 'a,,b')).toMatch(
      /--columns must be distinct column names separated by commas/,
    );
    expect(await usage('train', '--arch', 'forecast', '--file', csv, '--window', '100')).toBe(
      'recur train: the validation part has 60 steps; a window of 100 and a horizon of 12 need 112 (lower --window or --horizon, or use more rows)',
    );
    expect(await usage('forecast', '--checkpoint', join(dir, 'ab.ckpt'))).toMatch(
      /was trained on a file; name a CSV with its columns \(a,level\) with --file <path>$/,
    );
  });
});

describe('recur train --arch forecast --dataset sensors', () => {
  it('trains on the sensor network (humidity and temperature) and forecasts from its end', async () => {
    const dir = tempDir();
    const checkpoint = join(dir, 'sensors.ckpt');
    const out = await recurJson(
      'train',
      '--arch',
      'forecast',
      '--dataset',
      'sensors',
      '--checkpoint',
      checkpoint,
      '--hidden',
      '4',
      '--steps',
      '3',
    );
    expect(out.options).toMatchObject({
      dataset: 'sensors',
      series: { columns: ['humidity', 'temperature'], target: ['humidity', 'temperature'] },
    });
    // The documented split's validation part: 755 steps → 755 − 24 − 12 + 1 windows.
    expect((out.validation as { windows: number }).windows).toBe(720);
    const forecast = await recurJson('forecast', '--checkpoint', checkpoint);
    expect(forecast).toMatchObject({ after: 5039, columns: ['humidity', 'temperature'] });
    // In °C and % humidity: mote 3 ends the evening near 45 % and 23 °C.
    const first = (forecast.forecast as number[][])[0]!;
    expect(first[0]).toBeGreaterThan(35);
    expect(first[0]).toBeLessThan(60);
    expect(first[1]).toBeGreaterThan(18);
    expect(first[1]).toBeLessThan(28);
  });
});
