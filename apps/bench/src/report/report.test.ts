import { describe, expect, it } from 'vitest';
import type { MachineInfo } from '../machine.js';
import type { BenchRow, BenchRun } from '../results.js';
import { bestOfRatios, evaluateTargets, ratios } from './analysis.js';
import { cell, renderMarkdown, table } from './markdown.js';
import { barGroups, charts } from './write.js';

const machine: MachineInfo = {
  cpuModel: 'Test CPU',
  cores: 2,
  totalMemoryGiB: 8,
  freeMemoryGiB: 4,
  platform: 'Linux',
  arch: 'x64',
  nodeVersion: 'v20.0.0',
  v8Version: '11',
  loadAverage: [0.1, 0.2, 0.3],
  wasmSimd: true,
  gitCommit: 'abc123',
  gpu: 'none',
};

function row(
  partial: Partial<BenchRow> & Pick<BenchRow, 'suite' | 'case' | 'lib' | 'backend'>,
  median?: number,
  extra?: BenchRow['extra'],
): BenchRow {
  return {
    params: {},
    status: 'ok',
    ...(median === undefined
      ? {}
      : {
          metric: {
            unit: 'tokens/s',
            median,
            min: median * 0.9,
            max: median * 1.1,
            higherIsBetter: true,
          },
        }),
    ...(extra ? { extra } : {}),
    ...partial,
  };
}

const rows: BenchRow[] = [
  row({ suite: 'e2e', case: 'LSTM S train', lib: 'recur', backend: 'cpu' }, 20_000, {
    effectiveGflops: 6,
  }),
  row({ suite: 'e2e', case: 'LSTM S train', lib: 'tfjs', backend: 'wasm', variant: 'clip' }, 1_000),
  row(
    {
      suite: 'e2e',
      case: 'LSTM S train',
      lib: 'tfjs',
      backend: 'wasm',
      variant: 'trainOnBatch (Adam)',
    },
    2_500,
  ),
  row({ suite: 'e2e', case: 'LSTM S infer', lib: 'recur', backend: 'cpu' }, 20_000),
  row({ suite: 'e2e', case: 'LSTM S infer', lib: 'tfjs', backend: 'wasm' }, 10_000),
  row({
    suite: 'e2e',
    case: 'LSTM S train',
    lib: 'brain.js',
    backend: 'js',
    status: 'infeasible',
    note: 'too slow',
  }),
  {
    ...row({ suite: 'kernels', case: 'matmul [32×193]·[193×512]', lib: 'tfjs', backend: 'wasm' }),
    metric: { unit: 'GFLOP/s', median: 10, min: 9, max: 11, higherIsBetter: true },
  },
  {
    ...row({
      suite: 'scaling',
      case: 'vs H: H=64',
      lib: 'recur',
      backend: 'cpu',
      params: { axis: 'H', value: 64 },
    }),
    metric: { unit: 'ms/step', median: 2, min: 2, max: 2, higherIsBetter: false },
  },
  {
    ...row({
      suite: 'scaling',
      case: 'vs H: H=128',
      lib: 'recur',
      backend: 'cpu',
      params: { axis: 'H', value: 128 },
    }),
    metric: { unit: 'ms/step', median: 8, min: 8, max: 8, higherIsBetter: false },
  },
  {
    ...row({
      suite: 'scaling',
      case: 'exponent vs H',
      lib: 'recur',
      backend: 'cpu',
      params: { axis: 'H' },
    }),
    metric: { unit: 'exponent', median: 2, min: 2, max: 2, higherIsBetter: false },
  },
];

const run: BenchRun = {
  startedAt: '2025-01-01T00:00:00.000Z',
  durationSeconds: 12,
  complete: true,
  quick: false,
  argv: ['--suite', 'e2e'],
  machine,
  suites: ['e2e'],
  rows,
  notes: ['noisy'],
};

describe('ratios', () => {
  it('divides recur CPU by every other row of the same case, with the range from the extremes', () => {
    const list = ratios(rows, 'e2e');
    const clip = list.find((r) => r.peer === 'tfjs wasm (clip)')!;
    expect(clip.ratio).toBeCloseTo(20, 10);
    expect(clip.low).toBeCloseTo((20_000 * 0.9) / 1100, 10);
    expect(clip.high).toBeCloseTo((20_000 * 1.1) / 900, 10);
    expect(list.map((r) => r.case)).toEqual(['LSTM S train', 'LSTM S train', 'LSTM S infer']);
  });

  it('inverts for times, so above 1 always means the reference is faster', () => {
    const timed: BenchRow[] = [
      {
        ...row({ suite: 'x', case: 'c', lib: 'recur', backend: 'cpu' }),
        metric: { unit: 'ms', median: 1, min: 1, max: 1, higherIsBetter: false },
      },
      {
        ...row({ suite: 'x', case: 'c', lib: 'tfjs', backend: 'wasm' }),
        metric: { unit: 'ms', median: 3, min: 3, max: 3, higherIsBetter: false },
      },
    ];
    expect(ratios(timed, 'x')[0]!.ratio).toBe(3);
  });
});

describe('bestOfRatios', () => {
  it('compares recur with the fastest of a peer’s configurations, per case', () => {
    const torch = (variant: string, median: number) =>
      row({ suite: 'e2e', case: 'LSTM S train', lib: 'pytorch', backend: 'cpu', variant }, median);
    const list = bestOfRatios([...rows, torch('A: one', 40_000), torch('B: two', 16_000)], 'e2e', {
      lib: 'pytorch',
      backend: 'cpu',
    });
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ case: 'LSTM S train', peer: 'pytorch cpu (best: A)' });
    expect(list[0]!.ratio).toBeCloseTo(0.5, 10);
    expect(
      bestOfRatios([...rows, torch('A: one', 1)], 'e2e', { lib: 'pytorch', backend: 'cpu' }),
    ).toEqual([]);
  });
});

describe('evaluateTargets', () => {
  it('compares with the fastest TF.js wasm variant and reports unmeasured targets as such', () => {
    const targets = evaluateTargets(rows);
    const train = targets.find((t) => t.name.includes('(LSTM S train)'))!;
    expect(train).toMatchObject({ actual: '8.00×', status: 'not met' });
    expect(targets.find((t) => t.name.includes('(LSTM S infer)'))).toMatchObject({
      actual: '2.00×',
      status: 'not met',
    });
    expect(targets.find((t) => t.name.includes('(LSTM M train)'))!.status).toBe('not measured');
    const gflops = targets.find((t) => t.name.includes('LSTM S training step ≥ ½'))!;
    expect(gflops).toMatchObject({ actual: '0.60×', status: 'met' });
  });

  it('compares with the fastest PyTorch thread configuration (issue 18)', () => {
    const torch = (variant: string, median: number) =>
      row({ suite: 'e2e', case: 'LSTM S train', lib: 'pytorch', backend: 'cpu', variant }, median);
    const targets = evaluateTargets([...rows, torch('A', 40_000), torch('B', 16_000)]);
    const parity = targets.find(
      (t) => t.name.includes('PyTorch') && t.name.includes('(LSTM S train)'),
    )!;
    expect(parity).toMatchObject({ actual: '0.50×', status: 'not met', required: '≥ 1×' });
    expect(parity.detail).toContain('fastest variant: A');
    const met = evaluateTargets([...rows, torch('B', 16_000)]).find(
      (t) => t.name.includes('PyTorch') && t.name.includes('(LSTM S train)'),
    )!;
    expect(met).toMatchObject({ actual: '1.25×', status: 'met' });
    const rnn = targets.find(
      (t) => t.name.includes('PyTorch') && t.name.includes('(RNN S train)'),
    )!;
    expect(rnn.status).toBe('not measured');
  });
});

describe('Markdown report', () => {
  it('escapes pipes in cells and renders a table', () => {
    expect(cell('a|b\nc')).toBe('a\\|b c');
    expect(table(['x', 'y'], [['1', '2']])).toBe('| x | y |\n|---|---|\n| 1 | 2 |');
  });

  it('shows the machine, notes, targets, ratios and one section per suite with statuses', () => {
    const md = renderMarkdown(run, [
      { name: 'e2e', title: 'End to end', description: 'what it measures' },
    ]);
    expect(md).toContain('| Test CPU | 2 |');
    expect(md).toContain('- noisy');
    expect(md).toContain('## Targets');
    expect(md).toContain('| LSTM S train | tfjs wasm (clip) | 20.00× |');
    expect(md).toContain('## End to end');
    expect(md).toContain('**infeasible**; too slow');
    expect(md).toContain('effectiveGflops=6');
    expect(md).not.toContain('INCOMPLETE');
    expect(renderMarkdown({ ...run, complete: false }, [])).toContain('INCOMPLETE');
  });
});

describe('charts', () => {
  it('groups measured rows by case and labels trainOnBatch bars apart', () => {
    const groups = barGroups(rows, (r) => r.suite === 'e2e');
    expect(groups.map((g) => g.label)).toEqual(['LSTM S train', 'LSTM S infer']);
    expect(groups[0]!.bars.map((b) => b.label)).toEqual([
      'recur cpu',
      'tfjs wasm',
      'tfjs wasm trainOnBatch',
    ]);
  });

  it('makes the e2e, matmul and scaling charts when their rows exist', () => {
    const files = charts(run);
    expect(Object.keys(files).sort()).toEqual(['e2e.svg', 'kernels-matmul.svg', 'scaling-H.svg']);
    expect(files['scaling-H.svg']).toContain('recur cpu: k = 2.00');
  });
});
