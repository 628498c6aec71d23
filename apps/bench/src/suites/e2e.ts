import { lmConfigs } from '../configs.js';
import { BrainCharLm } from '../peers/brain.js';
import { quietly, TfCharLm, tfSession } from '../peers/tfjs.js';
import { recurModels } from '../recur/models.js';
import type { BenchRow } from '../results.js';
import {
  attempt,
  measurePrepared,
  type RowBase,
  rateRow,
  type Suite,
  type SuiteContext,
  statusRow,
  timingOptions,
} from '../suite.js';
import {
  type CharBatch,
  charBatch,
  forwardFlops,
  type LmSize,
  trainFlops,
} from '../workloads/char-lm.js';
import { Feasibility } from './feasibility.js';
import { skippedRows, type Target, targets } from './libs.js';
import { pytorchRows } from './pytorch-rows.js';

/** The cells the end-to-end suite trains (TF.js: LSTM and SimpleRNN). */
type E2eCell = 'lstm' | 'rnn';
const E2E_CELLS: readonly E2eCell[] = ['lstm', 'rnn'];
const CELL_LABEL: Record<E2eCell, string> = { lstm: 'LSTM', rnn: 'RNN' };

/** How each library is driven, named once so that the report and the README agree. */
export const VARIANTS = {
  recurTrain: 'Adam + clipGradNorm 5',
  tfClipped: 'variableGrads + global-norm clip 5 + Adam',
  tfTrainOnBatch: 'trainOnBatch (Adam; TF.js has no clipnorm)',
  brainTrain: 'trainPattern: batch 1, RMSProp-style + clip by value 5',
  infer: 'forward, logits downloaded',
  brainInfer: 'trainInput: forward with teacher forcing, batch 1',
} as const;

/** One timed use of a model: a training step or an inference pass. */
interface Mode<M> {
  mode: 'train' | 'infer';
  variant: string;
  call: (model: M) => unknown;
}

/** A library's char LM for one (configuration, cell): how to build it and how it is timed. */
interface Driver<M> {
  lib: string;
  backend: string;
  /** Sequences one call processes: B, or 1 for brain.js (it has no batches). */
  sequencesPerCall: number;
  /** Said on every row of this driver. */
  note?: string;
  /** Builds the model (on first use, right before its first case). */
  create: () => M | Promise<M>;
  dispose: (model: M) => void;
  modes: Mode<M>[];
}

const driver = <M>(d: Driver<M>): Driver<unknown> => d as Driver<unknown>;

/** The driver of a recur or TF.js target for one (cell, size, batch). */
function driverFor(
  context: SuiteContext,
  target: Target,
  cell: E2eCell,
  size: LmSize,
  batch: CharBatch,
): Driver<unknown> {
  if (target.kind === 'recur') {
    return driver({
      lib: 'recur',
      backend: target.backendName,
      sequencesPerCall: size.B,
      create: async () => new (await recurModels()).RecurCharLm(target.backend, cell, size, batch),
      dispose: (m) => m.dispose(),
      modes: [
        { mode: 'train', variant: VARIANTS.recurTrain, call: (m) => m.trainStep() },
        { mode: 'infer', variant: VARIANTS.infer, call: (m) => m.infer() },
      ],
    });
  }
  return driver({
    lib: 'tfjs',
    backend: target.backendName,
    sequencesPerCall: size.B,
    create: async () => {
      const session = await tfSession(target.backendName);
      context.note(`TF.js ${session.description}`);
      return quietly(() => new TfCharLm(session, cell, size, batch));
    },
    dispose: (m) => m.dispose(),
    modes: [
      { mode: 'train', variant: VARIANTS.tfClipped, call: (m) => m.clippedStep() },
      { mode: 'train', variant: VARIANTS.tfTrainOnBatch, call: (m) => m.trainOnBatch() },
      { mode: 'infer', variant: VARIANTS.infer, call: (m) => m.infer() },
    ],
  });
}

/** brain.js's LSTM: one string per call (it has no batching). */
function brainDriver(size: LmSize): Driver<unknown> {
  return driver({
    lib: 'brain.js',
    backend: 'js',
    sequencesPerCall: 1,
    note: 'per sequence: brain.js trains and runs one string at a time (no batching)',
    create: () => BrainCharLm.create('lstm', size.H, charBatch(Math.min(size.B, 8), size.T, 7)),
    dispose: () => {},
    modes: [
      { mode: 'train', variant: VARIANTS.brainTrain, call: (m) => m.trainSequence() },
      { mode: 'infer', variant: VARIANTS.brainInfer, call: (m) => m.inferSequence() },
    ],
  });
}

/**
 * Times every mode of a driver, building its model once. A mode whose one call is predicted
 * (from a smaller configuration of the same kind, scaled by flops) to exceed `--max-call` is
 * reported as infeasible; a model that fails to build fails each of its rows.
 */
async function runDriver(
  context: SuiteContext,
  feasibility: Feasibility,
  d: Driver<unknown>,
  cell: E2eCell,
  config: string,
  size: LmSize,
): Promise<BenchRow[]> {
  const { options, log } = context;
  const perCall = { ...size, B: d.sequencesPerCall };
  let model: unknown = null;
  const rows: BenchRow[] = [];
  log(`e2e: ${CELL_LABEL[cell]} ${config} ${d.lib} ${d.backend}`);
  try {
    for (const { mode, variant, call } of d.modes) {
      const base: RowBase = {
        suite: 'e2e',
        case: `${CELL_LABEL[cell]} ${config} ${mode}`,
        lib: d.lib,
        backend: d.backend,
        variant,
        params: { config, cell, ...size },
        ...(d.note ? { note: d.note } : {}),
      };
      const flops = mode === 'train' ? trainFlops(cell, perCall) : forwardFlops(cell, perCall);
      const key = `${d.lib}|${d.backend}|${variant}|${cell}`;
      const estimate = feasibility.estimate(key, flops);
      if (estimate !== null && estimate > options.maxCallSeconds) {
        const why = `one call ≈ ${estimate.toFixed(0)} s (extrapolated by flops from a smaller configuration), over --max-call ${options.maxCallSeconds} s`;
        rows.push(statusRow(base, 'infeasible', why));
        continue;
      }
      const row = await attempt(base, log, async () => {
        model ??= await d.create();
        const m = model;
        const timing = timingOptions(options, 'step');
        const measured = await measurePrepared({ run: () => call(m), dispose: () => {} }, timing);
        feasibility.record(key, flops, measured.summary.median);
        const out = rateRow(base, measured, perCall.B * perCall.T, 'tokens/s', timing.repeats);
        const gflops = flops / measured.summary.median / 1e9;
        out.extra = { effectiveGflops: Number(gflops.toPrecision(3)) };
        if (d.sequencesPerCall !== size.B) {
          const batch = (measured.summary.median * size.B) / d.sequencesPerCall;
          out.note = `${out.note}; a full batch of ${size.B} strings ≈ ${batch.toPrecision(2)} s`;
        }
        return out;
      });
      rows.push(row);
    }
  } finally {
    if (model !== null) d.dispose(model);
  }
  return rows;
}

/**
 * (3) + (4): end-to-end char-LM training and inference throughput in tokens/s, recur beside
 * TF.js (cpu and wasm) and brain.js on the same configurations.
 */
export const e2eSuite: Suite = {
  name: 'e2e',
  title: 'End to end: character-LM training and inference, recur beside TF.js and brain.js',
  description:
    'One-layer character LM (V = 65, one-hot input → LSTM or tanh RNN → dense → softmax cross-entropy), trained with Adam and global gradient-norm clipping at 5, on configurations S (H=128, B=32, T=64), M (H=256, B=64, T=64) and L (H=512, B=64, T=128). Throughput is tokens/s (B·T per step). Effective GFLOP/s counts the same nominal flops for every library (3× the forward products for a training step). brain.js trains one string at a time with its own optimizer, so its rows are per-sequence throughput, not a like-for-like algorithm.',
  async run(context) {
    const { options } = context;
    const rows: BenchRow[] = [];
    const feasibility = new Feasibility();
    const { targets: list, missing } = targets(context);
    rows.push(...skippedRows('e2e', 'all configurations', missing));
    for (const { name: config, size } of lmConfigs(options.quick, options.configs)) {
      const batch = charBatch(size.B, size.T, 7);
      for (const cell of E2E_CELLS) {
        for (const target of list) {
          rows.push(
            ...(await runDriver(
              context,
              feasibility,
              driverFor(context, target, cell, size, batch),
              cell,
              config,
              size,
            )),
          );
        }
        if (options.libs.includes('pytorch')) {
          rows.push(...pytorchRows(context, cell, config, size, batch));
        }
        if (!options.libs.includes('brain')) continue;
        if (cell === 'lstm') {
          rows.push(
            ...(await runDriver(context, feasibility, brainDriver(size), cell, config, size)),
          );
        } else {
          const why =
            'brain.js recurrent.RNN is a ReLU RNN (not tanh): not the same model, so not compared';
          for (const mode of ['train', 'infer']) {
            const base: RowBase = {
              suite: 'e2e',
              case: `${CELL_LABEL[cell]} ${config} ${mode}`,
              lib: 'brain.js',
              backend: 'js',
              params: { config, cell, ...size },
            };
            rows.push(statusRow(base, 'skipped', why));
          }
        }
      }
    }
    return rows;
  },
};
