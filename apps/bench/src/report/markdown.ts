import type { BenchRow, BenchRun } from '../results.js';
import { bestOfRatios, evaluateTargets, ratios } from './analysis.js';
import { formatNumber } from './svg.js';

/** Title and description of a suite, for its section. */
export interface SuiteInfo {
  name: string;
  title: string;
  description: string;
}

/** Escapes a table cell (pipes and newlines). */
export function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** Renders rows of cells as a GitHub Markdown table. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const lines = [`| ${header.map(cell).join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const row of rows) lines.push(`| ${row.map(cell).join(' | ')} |`);
  return lines.join('\n');
}

function extraText(extra: BenchRow['extra']): string {
  if (!extra) return '';
  return Object.entries(extra)
    .map(([k, v]) => `${k}=${typeof v === 'number' ? formatNumber(v) : v}`)
    .join(', ');
}

function rowCells(row: BenchRow): string[] {
  const m = row.metric;
  const value = m ? formatNumber(m.median) : '';
  const range = m && m.min !== m.max ? `${formatNumber(m.min)} – ${formatNumber(m.max)}` : '';
  const status = row.status === 'ok' ? '' : `**${row.status}**`;
  const notes = [status, row.note ?? '', extraText(row.extra)].filter((s) => s).join('; ');
  return [
    row.case,
    `${row.lib} ${row.backend}`,
    row.variant ?? '',
    value,
    range,
    m?.unit ?? '',
    row.timing ? String(row.timing.n) : '',
    notes,
  ];
}

/**
 * The Markdown report of a run: machine, noise warning, targets, ratios of recur to its peers,
 * then one table per suite (median with min–max, samples, status and notes).
 */
export function renderMarkdown(run: BenchRun, suites: readonly SuiteInfo[]): string {
  const m = run.machine;
  const out: string[] = [];
  const quick = run.quick ? ' (quick smoke run: sizes are tiny, numbers mean nothing)' : '';
  const partial = run.complete === false ? ' — INCOMPLETE run (interrupted)' : '';
  out.push(`# recur benchmarks${quick}${partial}`, '');
  out.push(
    table(
      [
        'started',
        'duration',
        'CPU',
        'cores',
        'memory',
        'Node',
        'V8',
        'wasm SIMD',
        'load (1/5/15 min)',
        'GPU',
        'commit',
      ],
      [
        [
          run.startedAt,
          `${run.durationSeconds.toFixed(0)} s`,
          m.cpuModel,
          String(m.cores),
          `${m.totalMemoryGiB} GiB (${m.freeMemoryGiB} free)`,
          m.nodeVersion,
          m.v8Version,
          m.wasmSimd ? 'yes' : 'no',
          m.loadAverage.join(' / '),
          m.gpu.startsWith('no GPU') || m.gpu.startsWith('not tried') ? 'none (see notes)' : m.gpu,
          m.gitCommit,
        ],
      ],
    ),
    '',
  );
  out.push(`Command: \`bench ${run.argv.join(' ')}\``, '');
  if (run.notes.length) {
    for (const note of run.notes) out.push(`- ${note}`);
    out.push('');
  }
  const targets = run.quick ? [] : evaluateTargets(run.rows);
  if (targets.some((t) => t.status !== 'not measured')) {
    out.push('## Targets (reported, not asserted)', '');
    out.push(
      table(
        ['target', 'required', 'measured', 'status', 'detail'],
        targets.map((t) => [t.name, t.required, t.actual, t.status, t.detail]),
      ),
      '',
    );
  }
  for (const suite of ['e2e', 'kernels', 'cells']) {
    const list = [
      ...ratios(run.rows, suite),
      ...bestOfRatios(run.rows, suite, { lib: 'pytorch', backend: 'cpu' }),
    ].sort((x, y) => (x.case < y.case ? -1 : x.case > y.case ? 1 : 0));
    if (!list.length) continue;
    out.push(`## Ratios: recur CPU ÷ peer (${suite}; above 1 = recur faster)`, '');
    out.push(
      table(
        ['case', 'peer', 'ratio', 'range'],
        list.map((r) => [
          r.case,
          r.peer,
          `${r.ratio.toFixed(2)}×`,
          `${r.low.toFixed(2)} – ${r.high.toFixed(2)}`,
        ]),
      ),
      '',
    );
  }
  for (const info of suites) {
    const rows = run.rows.filter((r) => r.suite === info.name);
    if (!rows.length) continue;
    out.push(`## ${info.title}`, '', info.description, '');
    out.push(
      table(
        ['case', 'library', 'variant', 'median', 'min – max', 'unit', 'n', 'notes'],
        rows.map(rowCells),
      ),
      '',
    );
  }
  return `${out.join('\n')}\n`;
}
