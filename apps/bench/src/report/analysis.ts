import { MATMUL_SHAPES } from '../configs.js';
import type { BenchRow } from '../results.js';

/** How one row compares with the reference row of the same case. */
export interface Ratio {
  case: string;
  /** The peer: `lib backend (variant)`. */
  peer: string;
  /** Reference median ÷ peer median for throughputs (peer ÷ reference for times): > 1 means the reference is faster. */
  ratio: number;
  /** The ratio's range from the samples' extremes (worst and best case). */
  low: number;
  high: number;
}

/** `lib backend` or `lib backend (variant)`. */
export function rowLabel(
  row: Pick<BenchRow, 'lib' | 'backend' | 'variant'>,
  withVariant = true,
): string {
  return withVariant && row.variant
    ? `${row.lib} ${row.backend} (${row.variant})`
    : `${row.lib} ${row.backend}`;
}

/**
 * Ratios of the reference (default recur on the CPU) to every other measured row of the same
 * suite and case. For throughputs (higher is better) ratio = ref / peer; for times, peer / ref —
 * either way a ratio above 1 means the reference is faster.
 */
export function ratios(
  rows: readonly BenchRow[],
  suite: string,
  reference = { lib: 'recur', backend: 'cpu' },
): Ratio[] {
  const out: Ratio[] = [];
  const ok = rows.filter((r) => r.suite === suite && r.status === 'ok' && r.metric);
  for (const ref of ok) {
    if (ref.lib !== reference.lib || ref.backend !== reference.backend) continue;
    for (const peer of ok) {
      if (peer === ref || peer.case !== ref.case) continue;
      if (peer.lib === reference.lib && peer.backend === reference.backend) continue;
      const a = ref.metric!;
      const b = peer.metric!;
      const higher = a.higherIsBetter;
      out.push({
        case: ref.case,
        peer: rowLabel(peer),
        ratio: higher ? a.median / b.median : b.median / a.median,
        low: higher ? a.min / b.max : b.min / a.max,
        high: higher ? a.max / b.min : b.max / a.min,
      });
    }
  }
  return out;
}

/**
 * Ratios of the reference to the fastest row of one peer library per case (e.g. PyTorch in its
 * best thread configuration), labelled `lib backend (best: variant)`; cases where the peer has a
 * single row are left to {@link ratios}.
 */
export function bestOfRatios(
  rows: readonly BenchRow[],
  suite: string,
  peer: { lib: string; backend: string },
  reference = { lib: 'recur', backend: 'cpu' },
): Ratio[] {
  const ok = rows.filter((r) => r.suite === suite && r.status === 'ok' && r.metric);
  const out: Ratio[] = [];
  for (const ref of ok) {
    if (ref.lib !== reference.lib || ref.backend !== reference.backend) continue;
    const candidates = ok.filter(
      (r) => r.case === ref.case && r.lib === peer.lib && r.backend === peer.backend,
    );
    if (candidates.length < 2) continue;
    const top = candidates.reduce((b, r) => (r.metric!.median > b.metric!.median ? r : b));
    const a = ref.metric!;
    const b = top.metric!;
    out.push({
      case: ref.case,
      peer: `${peer.lib} ${peer.backend} (best: ${top.variant?.split(':')[0] ?? '-'})`,
      ratio: a.median / b.median,
      low: a.min / b.max,
      high: a.max / b.min,
    });
  }
  return out;
}

/** A target of issue 12 (or 3) and where it stands in this run. */
export interface TargetResult {
  name: string;
  /** The bar, e.g. `≥ 10×`. */
  required: string;
  /** The measured figure, e.g. `3.2×`; `—` when not measured. */
  actual: string;
  status: 'met' | 'not met' | 'not measured';
  detail: string;
}

const find = (rows: readonly BenchRow[], pred: (r: BenchRow) => boolean): BenchRow[] =>
  rows.filter((r) => r.status === 'ok' && r.metric !== undefined && pred(r));

const best = (list: readonly BenchRow[]): BenchRow | undefined =>
  list.reduce<BenchRow | undefined>(
    (b, r) => (!b || r.metric!.median > b.metric!.median ? r : b),
    undefined,
  );

/** A peer a ratio target compares with: its fastest row (any variant) in the case. */
interface PeerRef {
  lib: string;
  backend: string;
  label: string;
}

const TF_WASM: PeerRef = { lib: 'tfjs', backend: 'wasm', label: 'TF.js wasm' };
const PYTORCH: PeerRef = { lib: 'pytorch', backend: 'cpu', label: 'PyTorch CPU (best threads)' };

function ratioTarget(
  rows: readonly BenchRow[],
  caseName: string,
  factor: number,
  what: string,
  peer: PeerRef = TF_WASM,
): TargetResult {
  const name = `recur CPU ${what} ≥ ${factor}× ${peer.label} (${caseName})`;
  const recur = find(
    rows,
    (r) => r.suite === 'e2e' && r.case === caseName && r.lib === 'recur' && r.backend === 'cpu',
  )[0];
  const other = best(
    find(
      rows,
      (r) =>
        r.suite === 'e2e' &&
        r.case === caseName &&
        r.lib === peer.lib &&
        r.backend === peer.backend,
    ),
  );
  if (!recur || !other) {
    return {
      name,
      required: `≥ ${factor}×`,
      actual: '—',
      status: 'not measured',
      detail:
        `${caseName}: ${recur ? '' : 'no recur CPU row'} ${other ? '' : `no ${peer.label} row`}`.trim(),
    };
  }
  const ratio = recur.metric!.median / other.metric!.median;
  return {
    name,
    required: `≥ ${factor}×`,
    actual: `${ratio.toFixed(2)}×`,
    status: ratio >= factor ? 'met' : 'not met',
    detail: `recur ${recur.metric!.median.toFixed(0)} vs ${peer.label} ${other.metric!.median.toFixed(0)} tokens/s (fastest variant: ${other.variant ?? '-'})`,
  };
}

/**
 * The performance targets of issue 12 (and issue 3's matmul one, issue 18's PyTorch parity), evaluated on a run's rows.
 * They are reported, never asserted: a noisy machine can miss them.
 */
export function evaluateTargets(rows: readonly BenchRow[]): TargetResult[] {
  const results: TargetResult[] = [];
  for (const config of ['S', 'M']) {
    results.push(ratioTarget(rows, `LSTM ${config} train`, 10, 'training throughput'));
    results.push(ratioTarget(rows, `LSTM ${config} infer`, 3, 'inference throughput'));
  }
  // Issue 18: parity with PyTorch on the same CPU, in its best thread configuration.
  for (const caseName of ['LSTM S train', 'LSTM S infer', 'LSTM M train', 'LSTM M infer']) {
    const what = caseName.endsWith('train') ? 'training throughput' : 'inference throughput';
    results.push(ratioTarget(rows, caseName, 1, what, PYTORCH));
  }
  results.push(ratioTarget(rows, 'RNN S train', 1, 'training throughput', PYTORCH));
  const shapeCases = MATMUL_SHAPES.map(([m, k, n]) => `matmul [${m}×${k}]·[${k}×${n}]`);
  const tfMatmuls = find(
    rows,
    (r) =>
      r.suite === 'kernels' &&
      r.lib === 'tfjs' &&
      r.backend === 'wasm' &&
      shapeCases.includes(r.case),
  );
  const tfBest = best(tfMatmuls);
  for (const config of ['S', 'M']) {
    const name = `effective GFLOP/s of a recur CPU LSTM ${config} training step ≥ ½ TF.js wasm matmul GFLOP/s`;
    const recur = find(
      rows,
      (r) =>
        r.suite === 'e2e' &&
        r.case === `LSTM ${config} train` &&
        r.lib === 'recur' &&
        r.backend === 'cpu',
    )[0];
    const effective = recur?.extra?.effectiveGflops;
    if (!tfBest || typeof effective !== 'number') {
      results.push({
        name,
        required: '≥ 0.5×',
        actual: '—',
        status: 'not measured',
        detail: `${tfBest ? '' : 'no TF.js wasm matmul row; '}${typeof effective === 'number' ? '' : 'no recur CPU training row'}`,
      });
      continue;
    }
    const ratio = effective / tfBest.metric!.median;
    results.push({
      name,
      required: '≥ 0.5×',
      actual: `${ratio.toFixed(2)}×`,
      status: ratio >= 0.5 ? 'met' : 'not met',
      detail: `${effective.toFixed(2)} GFLOP/s vs TF.js wasm best matmul ${tfBest.metric!.median.toFixed(2)} GFLOP/s (${tfBest.case})`,
    });
  }
  for (const shape of shapeCases) {
    const name = `recur CPU ${shape} ≥ ½ TF.js wasm (issue 3)`;
    const recur = find(
      rows,
      (r) => r.suite === 'kernels' && r.case === shape && r.lib === 'recur' && r.backend === 'cpu',
    )[0];
    const tf = find(
      rows,
      (r) => r.suite === 'kernels' && r.case === shape && r.lib === 'tfjs' && r.backend === 'wasm',
    )[0];
    if (!recur || !tf) {
      results.push({
        name,
        required: '≥ 0.5×',
        actual: '—',
        status: 'not measured',
        detail: 'kernels suite not run or a row failed',
      });
      continue;
    }
    const ratio = recur.metric!.median / tf.metric!.median;
    results.push({
      name,
      required: '≥ 0.5×',
      actual: `${ratio.toFixed(2)}×`,
      status: ratio >= 0.5 ? 'met' : 'not met',
      detail: `${recur.metric!.median.toFixed(2)} vs ${tf.metric!.median.toFixed(2)} GFLOP/s`,
    });
  }
  return results;
}
