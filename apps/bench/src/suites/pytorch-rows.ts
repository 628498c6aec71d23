import {
  probeTorch,
  runTorch,
  TORCH_THREADS,
  type TorchOutput,
  type TorchProbe,
  type TorchRequest,
  type TorchThreads,
  threadsLabel,
  torchTiming,
} from '../peers/pytorch.js';
import type { BenchRow } from '../results.js';
import { type RowBase, rateRow, type SuiteContext, statusRow, timingOptions } from '../suite.js';
import { type CharBatch, forwardFlops, type LmSize, trainFlops } from '../workloads/char-lm.js';

const LABEL = { lstm: 'LSTM', rnn: 'RNN' } as const;
const MODES = ['train', 'infer'] as const;

/** How the PyTorch rows reach Python: replaced in tests. */
export interface TorchRunner {
  probe: () => TorchProbe;
  run: (request: TorchRequest) => TorchOutput;
  configs: readonly TorchThreads[];
}

let probed: TorchProbe | null = null;

/** The real runner: `/usr/bin/python3`, probed once per process. */
export const SYSTEM_TORCH: TorchRunner = {
  probe: () => {
    probed ??= probeTorch();
    return probed;
  },
  run: (request) => runTorch(request),
  configs: TORCH_THREADS,
};

/**
 * The PyTorch CPU rows of one (cell, configuration): a training and an inference row per thread
 * configuration, from one Python process each; `skipped` rows saying why when torch does not
 * import; `failed` rows (with the message) when the script fails, so one broken case never stops
 * the run.
 */
export function pytorchRows(
  context: SuiteContext,
  cell: 'lstm' | 'rnn',
  config: string,
  size: LmSize,
  batch: CharBatch,
  runner: TorchRunner = SYSTEM_TORCH,
): BenchRow[] {
  const base = (mode: string, variant?: string): RowBase => ({
    suite: 'e2e',
    case: `${LABEL[cell]} ${config} ${mode}`,
    lib: 'pytorch',
    backend: 'cpu',
    params: { config, cell, ...size },
    ...(variant ? { variant } : {}),
  });
  const probe = runner.probe();
  if (!probe.ok) return MODES.map((mode) => statusRow(base(mode), 'skipped', probe.reason));
  context.note(
    `PyTorch ${probe.version} on the CPU (nn.${cell === 'lstm' ? 'LSTM' : 'RNN'} + nn.Linear, run by /usr/bin/python3); each thread configuration runs in its own process.`,
  );
  const timing = timingOptions(context.options, 'step');
  const rows: BenchRow[] = [];
  for (const threads of runner.configs) {
    const variant = threadsLabel(threads);
    context.log(`e2e: ${LABEL[cell]} ${config} pytorch cpu (${variant})`);
    let output: TorchOutput;
    try {
      output = runner.run({ cell, size, batch, threads, modes: MODES, timing });
    } catch (error) {
      const message = (error as Error)?.message?.split('\n')[0] ?? String(error);
      context.log(`  FAILED ${LABEL[cell]} ${config} [pytorch cpu]: ${message}`);
      rows.push(...MODES.map((mode) => statusRow(base(mode, variant), 'failed', message)));
      continue;
    }
    for (const mode of MODES) {
      const samples = output.results[mode];
      if (!samples) {
        rows.push(
          statusRow(base(mode, variant), 'failed', `the script reported no ${mode} samples`),
        );
        continue;
      }
      const measured = torchTiming(samples, timing.repeats);
      const row = rateRow(
        base(mode, variant),
        measured,
        size.B * size.T,
        'tokens/s',
        timing.repeats,
      );
      const flops = mode === 'train' ? trainFlops(cell, size) : forwardFlops(cell, size);
      row.extra = {
        effectiveGflops: Number((flops / measured.summary.median / 1e9).toPrecision(3)),
        torchThreads: output.threads,
      };
      rows.push(row);
    }
  }
  return rows;
}
