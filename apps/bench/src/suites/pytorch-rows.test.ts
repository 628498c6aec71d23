import { describe, expect, it } from 'vitest';
import { parseCli } from '../cli.js';
import type { TorchRequest } from '../peers/pytorch.js';
import type { SuiteContext } from '../suite.js';
import { charBatch } from '../workloads/char-lm.js';
import { pytorchRows, type TorchRunner } from './pytorch-rows.js';

const size = { H: 8, B: 2, T: 3, V: 65 };
const batch = charBatch(2, 3, 7);

function context(): SuiteContext & { notes: string[] } {
  const notes: string[] = [];
  return {
    options: parseCli(['--repeats', '2'], '/out'),
    backends: {} as SuiteContext['backends'],
    log: () => {},
    note: (line) => notes.push(line),
    notes,
  };
}

const configs = [
  { name: 'A', torchThreads: 1, openblasThreads: null },
  { name: 'B', torchThreads: 2, openblasThreads: 1 },
];

describe('pytorchRows', () => {
  it('gives one skipped row per mode, with the reason, when torch does not import', () => {
    const runner: TorchRunner = {
      probe: () => ({ ok: false, reason: 'python3-torch not installed (/usr/bin/python3: …)' }),
      run: () => {
        throw new Error('must not run');
      },
      configs,
    };
    const rows = pytorchRows(context(), 'lstm', 'S', size, batch, runner);
    expect(rows.map((r) => [r.case, r.lib, r.status])).toEqual([
      ['LSTM S train', 'pytorch', 'skipped'],
      ['LSTM S infer', 'pytorch', 'skipped'],
    ]);
    expect(rows[0]!.note).toMatch(/^python3-torch not installed/);
  });

  it('turns each configuration’s samples into tokens/s rows, and a failure into failed rows', () => {
    const requests: TorchRequest[] = [];
    const runner: TorchRunner = {
      probe: () => ({ ok: true, version: '1.13.1' }),
      run: (request) => {
        requests.push(request);
        if (request.threads.name === 'B') throw new Error('Segmentation fault\nmore');
        return {
          torch: '1.13.1',
          threads: 1,
          results: {
            train: { samples: [0.6, 0.5, 0.4], warmupCounted: false },
            infer: { samples: [0.1, 0.2], warmupCounted: false },
          },
        };
      },
      configs,
    };
    const ctx = context();
    const rows = pytorchRows(ctx, 'rnn', 'M', size, batch, runner);
    expect(requests.map((r) => [r.threads.name, r.cell, r.timing.repeats, r.modes])).toEqual([
      ['A', 'rnn', 2, ['train', 'infer']],
      ['B', 'rnn', 2, ['train', 'infer']],
    ]);
    expect(rows.map((r) => [r.case, r.variant, r.status])).toEqual([
      ['RNN M train', 'A: set_num_threads(1), OpenBLAS default threads', 'ok'],
      ['RNN M infer', 'A: set_num_threads(1), OpenBLAS default threads', 'ok'],
      ['RNN M train', 'B: set_num_threads(2), OPENBLAS_NUM_THREADS=1', 'failed'],
      ['RNN M infer', 'B: set_num_threads(2), OPENBLAS_NUM_THREADS=1', 'failed'],
    ]);
    expect(rows[0]!.metric!.median).toBeCloseTo(6 / 0.5, 10);
    expect(rows[1]!.metric!.median).toBeCloseTo(6 / 0.15, 10);
    expect(rows[2]!.note).toBe('Segmentation fault');
    expect(ctx.notes[0]).toMatch(/^PyTorch 1\.13\.1 on the CPU/);
  });
});
