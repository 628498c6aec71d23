import { fitPowerLaw } from '../fit.js';
import type { Prepared } from '../measure.js';
import { quietly, TfCharLm, tfSession } from '../peers/tfjs.js';
import { recurModels } from '../recur/models.js';
import type { BenchRow } from '../results.js';
import {
  attempt,
  measurePrepared,
  type RowBase,
  type Suite,
  statusRow,
  timeRow,
  timingOptions,
} from '../suite.js';
import { charBatch, type LmSize, trainFlops } from '../workloads/char-lm.js';
import { Feasibility } from './feasibility.js';
import { skippedRows, targets } from './libs.js';

/** The size axes the scaling suite sweeps, one at a time around a base configuration. */
export type Axis = 'T' | 'H' | 'B';

/** The base size and the values each axis takes. */
export function scalingGrid(quick: boolean): { base: LmSize; axes: Record<Axis, number[]> } {
  if (quick)
    return { base: { H: 8, B: 2, T: 4, V: 65 }, axes: { T: [4, 8], H: [8, 16], B: [2, 4] } };
  return {
    base: { H: 128, B: 32, T: 32, V: 65 },
    axes: { T: [16, 32, 64, 128], H: [64, 128, 256, 512], B: [8, 16, 32, 64] },
  };
}

/**
 * (6) Scaling: seconds per LSTM training step against T, H and B (one axis at a time, the
 * others at the base), and the exponent of a log-log least-squares fit per axis. Expected about
 * 1 for T and B (less at small B, where per-step overheads dominate) and between 1 and 2 for H.
 */
export const scalingSuite: Suite = {
  name: 'scaling',
  title: 'Scaling: time per training step against T, H and B',
  description:
    'LSTM char-LM training steps (Adam + clip 5) swept along one axis at a time around H=128, B=32, T=32; each point is milliseconds per step, and each axis gets a fitted exponent k of time ∝ size^k (log-log least squares, with r²). Linear work in T and B gives k ≈ 1; the H² products give k → 2 at large H, less while per-element and per-call costs dominate.',
  async run(context) {
    const { options, log } = context;
    const { base, axes } = scalingGrid(options.quick);
    const timing = timingOptions(options, 'step');
    const rows: BenchRow[] = [];
    const feasibility = new Feasibility();
    const { targets: list, missing } = targets(context, ['recur-cpu', 'recur-gpu', 'tfjs-wasm']);
    rows.push(...skippedRows('scaling', 'all sizes', missing));
    for (const target of list) {
      const session = target.kind === 'tfjs' ? await tfSession(target.backendName) : null;
      const backend = target.backendName;
      for (const axis of ['T', 'H', 'B'] as const) {
        const xs: number[] = [];
        const ys: number[] = [];
        for (const value of axes[axis]) {
          const size: LmSize = { ...base, [axis]: value };
          const rowBase: RowBase = {
            suite: 'scaling',
            case: `LSTM train vs ${axis}: ${axis}=${value}`,
            lib: target.lib,
            backend,
            variant:
              target.kind === 'recur'
                ? 'Adam + clipGradNorm 5'
                : 'variableGrads + global-norm clip 5 + Adam',
            params: { axis, value, ...size },
          };
          const key = `${target.lib}|${backend}`;
          const flops = trainFlops('lstm', size);
          const estimate = feasibility.estimate(key, flops);
          if (estimate !== null && estimate > options.maxCallSeconds) {
            rows.push(
              statusRow(
                rowBase,
                'infeasible',
                `one step ≈ ${estimate.toFixed(0)} s (extrapolated), over --max-call`,
              ),
            );
            continue;
          }
          log(`scaling: ${rowBase.case} ${target.lib} ${backend}`);
          const row = await attempt(rowBase, log, async () => {
            const batch = charBatch(size.B, size.T, 5);
            let prepared: Prepared;
            if (target.kind === 'recur') {
              const { RecurCharLm } = await recurModels();
              const lm = new RecurCharLm(target.backend, 'lstm', size, batch);
              prepared = { run: () => lm.trainStep(), dispose: () => lm.dispose() };
            } else {
              const lm = quietly(() => new TfCharLm(session!, 'lstm', size, batch));
              prepared = { run: () => lm.clippedStep(), dispose: () => lm.dispose() };
            }
            const t = await measurePrepared(prepared, timing);
            feasibility.record(key, flops, t.summary.median);
            return timeRow(rowBase, t, 1e3, 'ms/step', timing.repeats);
          });
          rows.push(row);
          if (row.status === 'ok' && row.timing) {
            xs.push(value);
            ys.push(row.timing.median);
          }
        }
        const fitBase: RowBase = {
          suite: 'scaling',
          case: `exponent vs ${axis}`,
          lib: target.lib,
          backend,
          params: { axis, sizes: axes[axis].join(',') },
        };
        if (xs.length < 2) {
          rows.push(statusRow(fitBase, 'skipped', `fewer than two measured sizes along ${axis}`));
          continue;
        }
        const fit = fitPowerLaw(xs, ys);
        rows.push({
          ...fitBase,
          status: 'ok',
          metric: {
            unit: 'exponent',
            median: fit.exponent,
            min: fit.exponent,
            max: fit.exponent,
            higherIsBetter: false,
          },
          extra: { r2: Math.round(fit.r2 * 1000) / 1000, points: fit.n },
        });
      }
    }
    return rows;
  },
};
