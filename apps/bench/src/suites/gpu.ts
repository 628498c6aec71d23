import type { Backend } from '@recur/tensor';
import type { Prepared } from '../measure.js';
import { recurModels } from '../recur/models.js';
import { recurElementwise, recurMatmul } from '../recur/ops.js';
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
import { charBatch, trainFlops } from '../workloads/char-lm.js';
import { Feasibility } from './feasibility.js';

type Kind = 'matmul' | 'tanh' | 'train';

/** Sizes of the CPU-vs-GPU sweep. */
export function crossoverGrid(quick: boolean): {
  H: number[];
  B: number[];
  trainH: number[];
  T: number;
} {
  if (quick) return { H: [8, 16], B: [1, 4], trainH: [8], T: 4 };
  return { H: [64, 128, 256, 512, 1024], B: [1, 16, 64, 256], trainH: [64, 256, 1024], T: 16 };
}

/**
 * The smallest H at which the GPU's median time is below the CPU's, per (kind, B), from the
 * sweep's rows; null when the GPU never wins in the range.
 */
export function crossovers(
  rows: readonly BenchRow[],
): { kind: string; B: number; H: number | null }[] {
  const times = new Map<string, { cpu?: number; gpu?: number }>();
  for (const row of rows) {
    if (row.status !== 'ok' || !row.timing || row.suite !== 'gpu') continue;
    const key = `${row.params.kind}|${row.params.B}|${row.params.H}`;
    const entry = times.get(key) ?? {};
    if (row.backend === 'cpu' || row.backend === 'gpu') entry[row.backend] = row.timing.median;
    times.set(key, entry);
  }
  const groups = new Map<string, { H: number; gpuWins: boolean }[]>();
  for (const [key, { cpu, gpu }] of times) {
    if (cpu === undefined || gpu === undefined) continue;
    const [kind, B, H] = key.split('|');
    const group = `${kind}|${B}`;
    const list = groups.get(group) ?? [];
    list.push({ H: Number(H), gpuWins: gpu < cpu });
    groups.set(group, list);
  }
  return [...groups.entries()].map(([group, list]) => {
    const [kind, B] = group.split('|');
    const win = list.sort((a, b) => a.H - b.H).find((p) => p.gpuWins);
    return { kind: kind!, B: Number(B), H: win ? win.H : null };
  });
}

/**
 * (issue 4) CPU against GPU per op (the `[B×H]·[H×4H]` product of an LSTM step, tanh over
 * `B×4H`) and per LSTM training step, over H and B, and where the GPU starts to win.
 */
export const gpuSuite: Suite = {
  name: 'gpu',
  title: 'CPU vs GPU: per op, per training step, and the crossover',
  description:
    'recur CPU against the gpu.js backend over H = 64…1024 and B = 1…256: the recurrent product [B×H]·[H×4H], tanh over B×4H values, and an LSTM char-LM training step (T = 16). Times include one download per sample. The crossover rows give, per kind and B, the smallest H at which the GPU is faster. On a software OpenGL (Mesa llvmpipe, SwiftShader) only correctness counts: the GPU rows there measure an emulator.',
  async run(context) {
    const { options, log, backends } = context;
    const base = (
      kind: string,
      backend: string,
      params: Record<string, number | string>,
    ): RowBase => ({
      suite: 'gpu',
      case: `${kind} B=${params.B} H=${params.H}`,
      lib: 'recur',
      backend,
      params: { kind, ...params },
    });
    if (!backends.gpu) {
      return [
        statusRow(base('all', 'gpu', { B: '-', H: '-' }), 'skipped', backends.gpuDescription),
      ];
    }
    const grid = crossoverGrid(options.quick);
    const rows: BenchRow[] = [];
    const feasibility = new Feasibility();
    const pairs: [string, Backend][] = [
      ['cpu', backends.cpu],
      ['gpu', backends.gpu],
    ];
    const cases: { kind: Kind; B: number; H: number }[] = [];
    for (const B of grid.B) {
      for (const H of grid.H) cases.push({ kind: 'matmul', B, H }, { kind: 'tanh', B, H });
      for (const H of grid.trainH) cases.push({ kind: 'train', B, H });
    }
    for (const { kind, B, H } of cases) {
      for (const [name, backend] of pairs) {
        const params: Record<string, number> = kind === 'train' ? { B, H, T: grid.T } : { B, H };
        const rowBase = base(kind, name, params);
        const size = { H, B, T: grid.T, V: 65 };
        const flops =
          kind === 'train'
            ? trainFlops('lstm', size)
            : kind === 'matmul'
              ? 2 * B * H * 4 * H
              : 4 * B * H;
        const key = `${name}|${kind}`;
        const estimate = feasibility.estimate(key, flops);
        if (estimate !== null && estimate > options.maxCallSeconds) {
          rows.push(
            statusRow(
              rowBase,
              'infeasible',
              `one call ≈ ${estimate.toFixed(0)} s (extrapolated), over --max-call`,
            ),
          );
          continue;
        }
        log(`gpu: ${rowBase.case} ${name}`);
        rows.push(
          await attempt(rowBase, log, async () => {
            let prepared: Prepared;
            if (kind === 'matmul') prepared = recurMatmul(backend, B, H, 4 * H);
            else if (kind === 'tanh') prepared = recurElementwise(backend, 'tanh', B * 4 * H);
            else {
              const { RecurCharLm } = await recurModels();
              const lm = new RecurCharLm(backend, 'lstm', size, charBatch(B, grid.T, 9));
              prepared = { run: () => lm.trainStep(), dispose: () => lm.dispose() };
            }
            const timing = timingOptions(options, kind === 'train' ? 'step' : 'micro');
            const t = await measurePrepared(prepared, timing);
            feasibility.record(key, flops, t.summary.median);
            return timeRow(rowBase, t, 1e3, 'ms', timing.repeats);
          }),
        );
      }
    }
    for (const { kind, B, H } of crossovers(rows)) {
      rows.push({
        suite: 'gpu',
        case: `crossover ${kind} B=${B}`,
        lib: 'recur',
        backend: 'gpu vs cpu',
        params: { kind, B },
        status: 'ok',
        note:
          H === null ? 'the GPU is slower at every H measured' : `the GPU is faster from H = ${H}`,
        extra: { crossoverH: H ?? 'none' },
      });
    }
    return rows;
  },
};
