import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { BenchRow, BenchRun } from '../results.js';
import { renderMarkdown, type SuiteInfo } from './markdown.js';
import { type BarGroup, barChart, logLogChart } from './svg.js';

/** A bar label: library and backend, plus the TF.js training path when it is trainOnBatch. */
export function shortLabel(row: BenchRow): string {
  const base = `${row.lib} ${row.backend}`;
  return row.variant?.startsWith('trainOnBatch') ? `${base} trainOnBatch` : base;
}

/** Bar groups (one per case, in first-seen order) of the measured rows that `pick` selects. */
export function barGroups(rows: readonly BenchRow[], pick: (row: BenchRow) => boolean): BarGroup[] {
  const groups = new Map<string, BarGroup>();
  for (const row of rows) {
    if (row.status !== 'ok' || !row.metric || !pick(row)) continue;
    const group = groups.get(row.case) ?? { label: row.case, bars: [] };
    group.bars.push({ label: shortLabel(row), value: row.metric.median });
    groups.set(row.case, group);
  }
  return [...groups.values()];
}

/** The charts of a run, by file name: only those with data. */
export function charts(run: BenchRun): Record<string, string> {
  const out: Record<string, string> = {};
  const e2e = barGroups(run.rows, (r) => r.suite === 'e2e');
  if (e2e.length)
    out['e2e.svg'] = barChart({
      title: 'Character LM throughput (higher is better)',
      unit: 'tokens/s (log scale)',
      groups: e2e,
    });
  const matmul = barGroups(run.rows, (r) => r.suite === 'kernels' && r.metric?.unit === 'GFLOP/s');
  if (matmul.length)
    out['kernels-matmul.svg'] = barChart({
      title: 'Matmul throughput',
      unit: 'GFLOP/s (log scale)',
      groups: matmul,
    });
  const elementwise = barGroups(
    run.rows,
    (r) => r.suite === 'kernels' && r.metric?.unit === 'GB/s',
  );
  if (elementwise.length) {
    out['kernels-elementwise.svg'] = barChart({
      title: 'Elementwise throughput',
      unit: 'GB/s (log scale)',
      groups: elementwise,
    });
  }
  for (const axis of ['T', 'H', 'B']) {
    const series = new Map<string, [number, number][]>();
    const exponents = new Map<string, number>();
    for (const row of run.rows) {
      if (row.suite !== 'scaling' || row.status !== 'ok' || !row.metric || row.params.axis !== axis)
        continue;
      const key = `${row.lib} ${row.backend}`;
      if (row.metric.unit === 'exponent') exponents.set(key, row.metric.median);
      else
        series.set(key, [
          ...(series.get(key) ?? []),
          [Number(row.params.value), row.metric.median],
        ]);
    }
    if (!series.size) continue;
    out[`scaling-${axis}.svg`] = logLogChart({
      title: `LSTM training step against ${axis} (the other sizes fixed)`,
      xLabel: `${axis} (log scale)`,
      yLabel: 'ms per step (log scale)',
      series: [...series.entries()].map(([label, points]) => {
        const k = exponents.get(label);
        return { label: k === undefined ? label : `${label}: k = ${k.toFixed(2)}`, points };
      }),
    });
  }
  return out;
}

/** Writes the run so far to `results.json` (`complete: false`), so an interrupted run leaves its data. */
export async function writePartial(run: BenchRun, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'results.json'), `${JSON.stringify(run, null, 2)}\n`);
}

/** Writes `report.md` and the SVG charts of `run` into `dir`. Returns the paths written. */
export async function writeReport(
  run: BenchRun,
  suites: readonly SuiteInfo[],
  dir: string,
): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files: Record<string, string> = {
    'report.md': renderMarkdown(run, suites),
    ...charts(run),
  };
  const written: string[] = [];
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    await writeFile(file, content);
    written.push(file);
  }
  return written;
}

/**
 * Writes `results.json` (the whole run), `report.md` and the SVG charts into `dir`, and a copy
 * of the JSON under `history/` named by the start time. Returns the paths written.
 */
export async function writeResults(
  run: BenchRun,
  suites: readonly SuiteInfo[],
  dir: string,
): Promise<string[]> {
  await mkdir(path.join(dir, 'history'), { recursive: true });
  const json = `${JSON.stringify(run, null, 2)}\n`;
  const history = path.join(dir, 'history', `${run.startedAt.replace(/[:.]/g, '-')}.json`);
  await writeFile(path.join(dir, 'results.json'), json);
  await writeFile(history, json);
  return [path.join(dir, 'results.json'), history, ...(await writeReport(run, suites, dir))];
}
