import { LM_CONFIGS, QUICK_CONFIG } from '../configs.js';
import type { Prepared } from '../measure.js';
import { tfSequenceLayer, tfSession } from '../peers/tfjs.js';
import { recurModels } from '../recur/models.js';
import type { LayerSize } from '../recur/sequence-layer.js';
import type { BenchRow } from '../results.js';
import {
  attempt,
  measurePrepared,
  type RowBase,
  type Suite,
  timeRow,
  timingOptions,
} from '../suite.js';
import { type CellKind, GATES } from '../workloads/char-lm.js';
import { skippedRows, targets } from './libs.js';

const CELLS: readonly CellKind[] = ['rnn', 'lstm', 'gru'];

/** Nominal flops of a sequence layer's forward pass: `2·B·T·gates·H·(I + H)`. */
export function layerForwardFlops(cell: CellKind, { I, H, B, T }: LayerSize): number {
  return 2 * B * T * GATES[cell] * H * (I + H);
}

/**
 * (2) Cells: recur's sequence layers (fused kernels) per time step, forward alone and
 * forward + backward (BPTT into the weight gradients), for RNN, LSTM and GRU, with the same
 * tf.layers layers on TF.js wasm for reference.
 */
export const cellsSuite: Suite = {
  name: 'cells',
  title: 'Cells: time per step of the fused sequence layers (TF.js wasm for reference)',
  description:
    'A RecurrentLayer over a random [B, T, I] input (I = 65, the one-hot width of the char LM) at the S and M sizes: microseconds per time step (the whole sequence divided by T), forward alone and forward + backward (BPTT into every weight gradient, seeded with the sum of the outputs). extra.gflops counts 2·B·T·gates·H·(I+H) per forward, three times that for forward + backward. TF.js wasm runs the same tf.layers layer (forward + backward through tf.variableGrads) for reference.',
  async run(context) {
    const { options, log } = context;
    const sizes: { name: string; size: LayerSize }[] = options.quick
      ? [
          {
            name: 'quick',
            size: { I: QUICK_CONFIG.V, H: QUICK_CONFIG.H, B: QUICK_CONFIG.B, T: QUICK_CONFIG.T },
          },
        ]
      : (['S', 'M'] as const).map((name) => {
          const c = LM_CONFIGS[name];
          return { name, size: { I: c.V, H: c.H, B: c.B, T: c.T } };
        });
    const timing = timingOptions(options, 'step');
    const rows: BenchRow[] = [];
    const { targets: list, missing } = targets(context, ['recur-cpu', 'recur-gpu', 'tfjs-wasm']);
    rows.push(...skippedRows('cells', 'all cells', missing));
    for (const target of list) {
      const session = target.kind === 'tfjs' ? await tfSession(target.backendName) : null;
      for (const { name, size } of sizes) {
        for (const cell of CELLS) {
          for (const mode of ['forward', 'forwardBackward'] as const) {
            const label = mode === 'forward' ? 'forward' : 'forward+backward';
            const base: RowBase = {
              suite: 'cells',
              case: `${cell.toUpperCase()} ${name} ${label}`,
              lib: target.lib,
              backend: target.backendName,
              variant:
                target.kind === 'recur'
                  ? 'RecurrentLayer (fused kernel)'
                  : 'tf.layers (variableGrads)',
              params: { cell, mode: label, size: name, ...size },
            };
            log(`cells: ${base.case} ${target.backendName}`);
            rows.push(
              await attempt(base, log, async () => {
                let prepared: Prepared;
                if (target.kind === 'recur') {
                  const { recurSequenceLayer } = await recurModels();
                  prepared = recurSequenceLayer(target.backend, cell, size, mode);
                } else {
                  prepared = tfSequenceLayer(session!, cell, size, mode);
                }
                const t = await measurePrepared(prepared, timing);
                const row = timeRow(base, t, 1e6 / size.T, 'µs/step', timing.repeats);
                const flops = layerForwardFlops(cell, size) * (mode === 'forward' ? 1 : 3);
                row.extra = { gflops: Number((flops / t.summary.median / 1e9).toPrecision(3)) };
                return row;
              }),
            );
          }
        }
      }
    }
    return rows;
  },
};
