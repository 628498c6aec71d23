import { writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import { matmul, sum, type Variable } from '@recur/autograd';
import { type CellDefinition, type CellKind, type CellState, cellDefinition } from '@recur/cells';
import { type GradientFlowReport, gradientFlow, type SeriesAnalysis } from '@recur/clipping';
import { mul, randomNormal, randomUniform, slice, tidy } from '@recur/tensor';
import { BACKENDS, type BackendName, selectBackend } from '../backend.js';
import { type FlagSpecs, helpText, parseFlags } from '../flags.js';
import { table } from '../format.js';
import { type Command, type CommandIO, println } from '../io.js';
import { htmlPage, logPlotSvg, type Series } from '../plot.js';
import { CELLS } from '../tasks/task.js';

const specs: FlagSpecs = {
  cell: {
    type: 'string',
    short: 'c',
    default: 'rnn,lstm',
    value: '<cells>',
    help: `cells side by side, comma-separated: ${CELLS.join(', ')} or all`,
  },
  'seq-len': {
    type: 'string',
    short: 'T',
    kind: 'int',
    min: 2,
    max: 5000,
    default: '100',
    value: '<T>',
    help: 'time steps',
  },
  hidden: {
    type: 'string',
    kind: 'int',
    max: 4096,
    min: 1,
    default: '64',
    value: '<n>',
    help: 'hidden units',
  },
  batch: {
    type: 'string',
    short: 'b',
    kind: 'int',
    max: 4096,
    min: 1,
    default: '4',
    value: '<n>',
    help: 'sequences (inputs U[0,1], one feature per step)',
  },
  scale: {
    type: 'string',
    kind: 'number',
    max: 1000,
    min: 0,
    default: '1',
    value: '<s>',
    help: 'multiply the recurrent weights (W_ah, W_a) by s after initialisation',
  },
  'forget-bias': {
    type: 'string',
    kind: 'number',
    min: -100,
    max: 100,
    default: '1',
    value: '<b>',
    help: "the LSTM's initial forget-gate bias",
  },
  seed: {
    type: 'string',
    kind: 'int',
    max: 2 ** 31 - 1,
    min: 0,
    default: '1',
    value: '<n>',
    help: 'seed of the weights and inputs',
  },
  out: {
    type: 'string',
    short: 'o',
    kind: 'path',
    value: '<file>',
    help: 'write the plot: an .svg image or an .html page',
  },
  backend: { type: 'string', choices: BACKENDS, default: 'cpu', help: 'tensor backend' },
  json: { type: 'boolean', help: 'print one JSON object (norms included)' },
};

const NOTES = `No training happens: each cell gets fresh weights (its default initialisation, seeded), reads
one batch of random sequences, and the loss is a fixed random projection of its last hidden
state a<T>. One reverse pass gives every ||dL/da<t>|| (and ||dL/dc<t>|| for the LSTM); the
verdict of @recur/clipping compares the fitted change from t = T back to t = 1 with 1/100
(vanishing) and 100 (exploding).

Examples:
  recur diagnose --out gradients.svg                    RNN vs LSTM over 100 steps
  recur diagnose --cell all --seq-len 50 --out flow.html
  recur diagnose --cell rnn --scale 3                   exploding: large recurrent weights`;

const COLORS: Record<CellKind, string> = {
  rnn: '#d62728',
  irnn: '#ff7f0e',
  lstm: '#1f77b4',
  gru: '#2ca02c',
};

interface Settings {
  T: number;
  H: number;
  B: number;
  scale: number;
  forgetBias: number;
  seed: number;
}

/** ‖∂L/∂a⟨t⟩‖ (and ‖∂L/∂c⟨t⟩‖) of `kind` for a loss at the last step, no training. */
export function diagnoseCell(kind: CellKind, s: Settings): GradientFlowReport {
  const definition: CellDefinition = cellDefinition('recur diagnose: --cell', kind);
  const cell = definition.make({
    inputSize: 1,
    hiddenSize: s.H,
    seed: s.seed,
    // --forget-bias goes to the cells that have a forget gate
    ...(definition.optionKeys.includes('forgetBias') ? { forgetBias: s.forgetBias } : {}),
  });
  try {
    const recurrent = cell.parameters()[definition.parameters.recurrent];
    if (s.scale !== 1 && recurrent) recurrent.assign(mul(recurrent.value, s.scale));
    return tidy(() => {
      const x = randomUniform([s.B, s.T, 1], { seed: s.seed + 100 });
      const a: Variable[] = [];
      const c: Variable[] = [];
      let state: CellState = cell.zeroState(s.B);
      for (let t = 0; t < s.T; t++) {
        state = cell.step(slice(x, [0, t, 0], [s.B, 1, 1]).reshape([s.B, 1]), state);
        a.push(state.a);
        if ('c' in state) c.push(state.c);
      }
      const loss = sum(matmul(a[s.T - 1]!, randomNormal([s.H, 1], { seed: s.seed + 200 })));
      return gradientFlow(loss, c.length > 0 ? { a, c } : { a });
    });
  } finally {
    cell.dispose();
  }
}

function parseCells(spec: string, fail: (message: string) => Error): CellKind[] {
  const names = spec === 'all' ? [...CELLS] : spec.split(',').map((n) => n.trim());
  for (const n of names) {
    if (!(CELLS as readonly string[]).includes(n)) {
      throw fail(
        `--cell must be a comma-separated list of ${CELLS.join(', ')} (or all); got '${n}'`,
      );
    }
  }
  return [...new Set(names)] as CellKind[];
}

const sci = (x: number) => (Number.isFinite(x) ? x.toExponential(2) : String(x));
const summary = (a: SeriesAnalysis) => ({
  verdict: a.verdict,
  ratio: a.ratio,
  ratePerStep: a.ratePerStep,
  change: a.change,
  r2: a.r2,
  norms: a.norms,
});

async function run(argv: readonly string[], io: CommandIO): Promise<void> {
  const flags = parseFlags('diagnose', argv, specs);
  if (flags.bool('help')) {
    io.stdout.write(
      helpText(
        'diagnose',
        'per-step gradient norms and the vanishing/exploding verdict',
        'recur diagnose [--cell rnn,lstm] [--seq-len 100] [--out plot.svg|plot.html] [options]',
        specs,
        NOTES,
      ),
    );
    return;
  }
  const cells = parseCells(flags.string('cell')!, (m) => flags.error(m));
  const out = flags.string('out');
  const format = out === undefined ? null : extname(out).toLowerCase();
  if (format !== null && format !== '.svg' && format !== '.html' && format !== '.htm') {
    throw flags.error(`--out must name an .svg or .html file; got '${out}'`);
  }
  await selectBackend(flags.string('backend') as BackendName, io.stderr);
  const s: Settings = {
    T: flags.number('seq-len')!,
    H: flags.number('hidden')!,
    B: flags.number('batch')!,
    scale: flags.number('scale')!,
    forgetBias: flags.number('forget-bias')!,
    seed: flags.number('seed')!,
  };
  const reports = cells.map((kind) => ({ kind, report: diagnoseCell(kind, s) }));

  const title = `‖∂L/∂a⟨t⟩‖ for a loss at t = ${s.T} (H = ${s.H}, batch ${s.B}, untrained)`;
  const series: Series[] = [];
  for (const { kind, report } of reports) {
    series.push({
      label: `${kind.toUpperCase()} a: ${report.verdict}`,
      values: report.norms,
      color: COLORS[kind],
    });
    if (report.cell)
      series.push({
        label: `${kind.toUpperCase()} c: ${report.cell.verdict}`,
        values: report.cell.norms,
        color: COLORS[kind],
        dashed: true,
      });
  }
  const rows = reports.flatMap(({ kind, report }) => {
    const row = (name: string, a: SeriesAnalysis) => [
      name,
      a.verdict,
      sci(a.ratio),
      Number.isFinite(a.ratePerStep) ? `${a.ratePerStep.toFixed(3)}×` : String(a.ratePerStep),
      Number.isFinite(a.r2) ? a.r2.toFixed(3) : '-',
    ];
    const list = [row(`${kind.toUpperCase()} ‖∂L/∂a⟨t⟩‖`, report)];
    if (report.cell) list.push(row(`${kind.toUpperCase()} ‖∂L/∂c⟨t⟩‖`, report.cell));
    return list;
  });
  const headers = ['series', 'verdict', '‖at t=1‖ / ‖at t=T‖', 'per step back', 'R² (exp. fit)'];
  if (out !== undefined && format !== null) {
    const svg = logPlotSvg({
      title,
      xLabel: 'time step t',
      yLabel: '‖∂L/∂a⟨t⟩‖ (log scale)',
      series,
    });
    const csv = [
      ['t', ...series.map((x) => x.label.split(':')[0]!)].join(','),
      ...Array.from({ length: s.T }, (_, t) =>
        [t + 1, ...series.map((x) => x.values[t])].join(','),
      ),
    ].join('\n');
    const notes = `Untrained cells, inputs U[0,1], loss = a⟨T⟩·v for a random v; recurrent weights × ${s.scale}, LSTM forget bias ${s.forgetBias}, seed ${s.seed}. Verdict: fitted change from T back to 1 below 1/100 = vanishing, above 100 = exploding.`;
    writeFileSync(
      out,
      format === '.svg' ? svg : htmlPage({ title, svg, headers, rows, notes, csv }),
    );
  }
  if (flags.bool('json')) {
    println(
      io.stdout,
      JSON.stringify(
        {
          command: 'diagnose',
          seqLen: s.T,
          hidden: s.H,
          batch: s.B,
          scale: s.scale,
          forgetBias: s.forgetBias,
          seed: s.seed,
          out: out ?? null,
          cells: reports.map(({ kind, report }) => ({
            cell: kind,
            hidden: summary(report),
            ...(report.cell ? { cellState: summary(report.cell) } : {}),
          })),
        },
        (_key, value) =>
          typeof value === 'number' && !Number.isFinite(value) ? String(value) : value,
      ),
    );
    return;
  }
  println(io.stdout, `recur diagnose: ${title}`);
  println(io.stdout, table([headers, ...rows]));
  const every = Math.max(1, Math.ceil(s.T / 10));
  const steps = [
    ...new Set([
      1,
      ...Array.from({ length: Math.floor(s.T / every) }, (_, i) => (i + 1) * every),
      s.T,
    ]),
  ].filter((t) => t <= s.T);
  println(io.stdout, '');
  println(
    io.stdout,
    table([
      ['t', ...series.map((x) => x.label.split(':')[0]!)],
      ...steps.map((t) => [String(t), ...series.map((x) => sci(x.values[t - 1]!))]),
    ]),
  );
  if (out !== undefined) println(io.stdout, `\nPlot: ${out}`);
}

/** `recur diagnose`. */
export const diagnoseCommand: Command = {
  summary: 'gradient norms per time step, vanishing/exploding verdict, SVG/HTML plot',
  run,
};
