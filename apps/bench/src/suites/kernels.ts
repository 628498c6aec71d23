import { MATMUL_SHAPES } from '../configs.js';
import type { Prepared } from '../measure.js';
import { type ElementwiseOp, tfElementwise, tfMatmul, tfSession } from '../peers/tfjs.js';
import { recurElementwise, recurMatmul } from '../recur/ops.js';
import type { BenchRow } from '../results.js';
import {
  attempt,
  measurePrepared,
  type RowBase,
  rateRow,
  type Suite,
  statusRow,
  timingOptions,
} from '../suite.js';
import { targets } from './libs.js';

const ELEMENTWISE: readonly { op: ElementwiseOp; arrays: number }[] = [
  { op: 'add', arrays: 3 },
  { op: 'mul', arrays: 3 },
  { op: 'tanh', arrays: 2 },
  { op: 'sigmoid', arrays: 2 },
];

const shapeName = (m: number, k: number, n: number) => `matmul [${m}×${k}]·[${k}×${n}]`;

/**
 * (1) Kernels: matmul GFLOP/s (`2·m·k·n` per product) for the three shapes of issue 3 — the
 * input-plus-recurrent products of an LSTM step at S and M — plus larger squares, and
 * elementwise GB/s (bytes read + written) over 2²⁰ values, per backend.
 */
export const kernelsSuite: Suite = {
  name: 'kernels',
  title: 'Kernels: matmul GFLOP/s and elementwise GB/s',
  description:
    'Matmul throughput (2·m·k·n flops per product) on the shapes issue 3 names — [32×193]·[193×512] and [64×321]·[321×1024] are the fused input+recurrent products of an LSTM step at S and M — and on squares; elementwise throughput in GB/s (bytes read and written per op). GPU timings include one download per sample.',
  async run(context) {
    const { options, log } = context;
    const shapes = options.quick
      ? MATMUL_SHAPES
      : [...MATMUL_SHAPES, [512, 512, 512] as const, [1024, 1024, 1024] as const];
    const n = options.quick ? 4096 : 1 << 20;
    const timing = timingOptions(options, 'micro');
    const rows: BenchRow[] = [];
    const { targets: list, missing } = targets(context);
    for (const { name, reason } of missing) {
      rows.push(
        statusRow(
          {
            suite: 'kernels',
            case: 'all kernels',
            lib: 'recur',
            backend: name.replace('recur-', ''),
            params: {},
          },
          'skipped',
          reason,
        ),
      );
    }
    for (const target of list) {
      const session = target.kind === 'tfjs' ? await tfSession(target.backendName) : null;
      const backend = target.backendName;
      log(`kernels: ${target.lib} ${backend}`);
      for (const [m, k, nn] of shapes) {
        const base: RowBase = {
          suite: 'kernels',
          case: shapeName(m, k, nn),
          lib: target.lib,
          backend,
          params: { m, k, n: nn },
        };
        rows.push(
          await attempt(base, log, async () => {
            const prepared: Prepared =
              target.kind === 'recur'
                ? recurMatmul(target.backend, m, k, nn)
                : tfMatmul(session!, m, k, nn);
            const t = await measurePrepared(prepared, timing);
            return rateRow(base, t, (2 * m * k * nn) / 1e9, 'GFLOP/s', timing.repeats);
          }),
        );
      }
      for (const { op, arrays } of ELEMENTWISE) {
        const base: RowBase = {
          suite: 'kernels',
          case: `${op} (${n} values)`,
          lib: target.lib,
          backend,
          params: { op, n },
        };
        rows.push(
          await attempt(base, log, async () => {
            const prepared =
              target.kind === 'recur'
                ? recurElementwise(target.backend, op, n)
                : tfElementwise(session!, op, n);
            const t = await measurePrepared(prepared, timing);
            return rateRow(base, t, (arrays * 4 * n) / 1e9, 'GB/s', timing.repeats);
          }),
        );
      }
    }
    return rows;
  },
};
