import { MATMUL_SHAPES } from '../configs.js';
import type { Prepared } from '../measure.js';
import {
  type ElementwiseOp,
  tfElementwise,
  tfMatmul,
  tfOrthogonal,
  tfSession,
} from '../peers/tfjs.js';
import { recurElementwise, recurMatmul, recurOrthogonal } from '../recur/ops.js';
import type { BenchRow } from '../results.js';
import {
  attempt,
  measurePrepared,
  type RowBase,
  rateRow,
  type Suite,
  statusRow,
  timeRow,
  timingOptions,
} from '../suite.js';
import { skippedRows, targets } from './libs.js';

const ELEMENTWISE: readonly { op: ElementwiseOp; arrays: number }[] = [
  { op: 'add', arrays: 3 },
  { op: 'mul', arrays: 3 },
  { op: 'tanh', arrays: 2 },
  { op: 'sigmoid', arrays: 2 },
];

const shapeName = (m: number, k: number, n: number) => `matmul [${m}×${k}]·[${k}×${n}]`;

/**
 * Largest n at which TF.js's orthogonal initializer is timed: it runs a QR through its own ops
 * (~3 s at 128 on its cpu backend, ~100 s at 256), so larger sizes would take the whole budget.
 */
const TF_ORTHOGONAL_MAX = 128;

/**
 * (1) Kernels: matmul GFLOP/s (`2·m·k·n` per product) for the three shapes of issue 3 — the
 * input-plus-recurrent products of an LSTM step at S and M — plus larger squares, and
 * elementwise GB/s (bytes read + written) over 2²⁰ values, per backend.
 */
export const kernelsSuite: Suite = {
  name: 'kernels',
  title: 'Kernels: matmul GFLOP/s and elementwise GB/s',
  description:
    'Matmul throughput (2·m·k·n flops per product) on the shapes issue 3 names — [32×193]·[193×512] and [64×321]·[321×1024] are the fused input+recurrent products of an LSTM step at S and M — and on squares; elementwise throughput in GB/s (bytes read and written per op); the time to draw an orthogonal [n×n] recurrent-weight initializer (TF.js only up to n = 128: its QR through tensor ops takes ~100 s at 256). GPU timings include one download per sample.',
  async run(context) {
    const { options, log } = context;
    const shapes = options.quick
      ? MATMUL_SHAPES
      : [...MATMUL_SHAPES, [512, 512, 512] as const, [1024, 1024, 1024] as const];
    const n = options.quick ? 4096 : 1 << 20;
    const timing = timingOptions(options, 'micro');
    const rows: BenchRow[] = [];
    const { targets: list, missing } = targets(context);
    rows.push(...skippedRows('kernels', 'all kernels', missing));
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
      for (const n of options.quick ? [64] : [64, 128, 512, 1024]) {
        const base: RowBase = {
          suite: 'kernels',
          case: `orthogonal init [${n}×${n}]`,
          lib: target.lib,
          backend,
          params: { n },
        };
        if (target.kind === 'tfjs' && n > TF_ORTHOGONAL_MAX) {
          rows.push(
            statusRow(base, 'skipped', `TF.js orthogonal is timed up to n = ${TF_ORTHOGONAL_MAX}`),
          );
          continue;
        }
        rows.push(
          await attempt(base, log, async () => {
            const prepared =
              target.kind === 'recur'
                ? recurOrthogonal(target.backend, n)
                : tfOrthogonal(session!, n);
            const t = await measurePrepared(prepared, timingOptions(options, 'step'));
            return timeRow(base, t, 1e3, 'ms', options.repeats);
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
