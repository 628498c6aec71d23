import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { RecurError } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import {
  NOT_INSTALLED,
  parseTorchOutput,
  probeTorch,
  TORCH_THREADS,
  threadsLabel,
  torchTiming,
} from './pytorch.js';

const good = {
  torch: '1.13.1',
  threads: 1,
  results: {
    train: { samples: [0.03, 0.01, 0.02], warmupCounted: false },
    infer: { samples: [0.005], warmupCounted: true },
  },
};

/** A stand-in interpreter: a shell script that prints `stderr` and exits with `status`. */
function fakePython(stderr: string, status: number): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'fake-python-'));
  const file = path.join(dir, 'python3');
  writeFileSync(file, `#!/bin/sh\necho '${stderr}' >&2\nexit ${status}\n`);
  chmodSync(file, 0o755);
  return file;
}

describe('parseTorchOutput', () => {
  it('reads the last line of output as the result object', () => {
    const out = parseTorchOutput(`a warning from torch\n${JSON.stringify(good)}\n`);
    expect(out.torch).toBe('1.13.1');
    expect(out.threads).toBe(1);
    expect(out.results.train?.samples).toEqual([0.03, 0.01, 0.02]);
    expect(out.results.infer?.warmupCounted).toBe(true);
  });

  it.each([
    ['not JSON', 'Traceback (most recent call last):', /one JSON object/],
    ['no version', JSON.stringify({ ...good, torch: 1 }), /"torch"/],
    ['no thread count', JSON.stringify({ ...good, threads: 'two' }), /"threads"/],
    ['no results', JSON.stringify({ torch: '1', threads: 1 }), /"results"/],
    ['an unknown mode', JSON.stringify({ ...good, results: { fit: good.results.train } }), /modes/],
    [
      'empty samples',
      JSON.stringify({ ...good, results: { train: { samples: [] } } }),
      /results\.train\.samples/,
    ],
    [
      'a negative sample',
      JSON.stringify({ ...good, results: { infer: { samples: [0.1, -1] } } }),
      /results\.infer\.samples/,
    ],
  ])('rejects output with %s', (_what, stdout, message) => {
    expect(() => parseTorchOutput(stdout)).toThrow(RecurError);
    expect(() => parseTorchOutput(stdout)).toThrow(message);
  });

  it('turns samples into a timing like measure.ts makes', () => {
    const timing = torchTiming(good.results.train, 5);
    expect(timing.summary.median).toBe(0.02);
    expect(timing.summary.n).toBe(3);
    expect(timing.truncated).toBe(true);
    expect(torchTiming(good.results.train, 3).truncated).toBe(false);
  });
});

describe('probeTorch', () => {
  it('skips when the interpreter is missing', () => {
    const probe = probeTorch('/nonexistent/python3');
    expect(probe.ok).toBe(false);
    if (!probe.ok) expect(probe.reason).toMatch(new RegExp(`^${NOT_INSTALLED} \\(/nonexistent`));
  });

  it('skips with Python’s last error line when torch does not import', () => {
    const python = fakePython('ModuleNotFoundError: No module named torch', 1);
    const probe = probeTorch(python);
    expect(probe).toEqual({
      ok: false,
      reason: `${NOT_INSTALLED} (${python}: ModuleNotFoundError: No module named torch)`,
    });
  });
});

describe('thread configurations', () => {
  it('covers the ones issue 18 names, each labelled with both thread counts', () => {
    expect(TORCH_THREADS.map(threadsLabel)).toEqual([
      'A: set_num_threads(1), OpenBLAS default threads',
      'A1: set_num_threads(1), OPENBLAS_NUM_THREADS=1',
      'B: set_num_threads(2), OpenBLAS default threads',
      'C: set_num_threads(2), OPENBLAS_NUM_THREADS=1',
    ]);
  });
});
