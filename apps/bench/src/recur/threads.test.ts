import { CpuBackend } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { charBatch } from '../workloads/char-lm.js';
import { RecurCharLm } from './char-lm.js';

/**
 * Exact resume needs the CPU backend's results not to depend on its thread count: the pool
 * splits every large GEMM (the per-step recurrent products at H = 128, B = 16 among them) by
 * rows of the output, each computed by one thread in a fixed order.
 */
describe('training on 1, 2 and 3 threads', () => {
  it('gives bit-identical losses and parameters after two LSTM and RNN training steps', () => {
    const size = { H: 128, B: 16, T: 8, V: 65 };
    const batch = charBatch(size.B, size.T, 3);
    for (const cell of ['lstm', 'rnn'] as const) {
      const runs = [1, 2, 3].map((threads) => {
        const backend = new CpuBackend({ threads, threadMinFlops: 1 << 19 });
        expect(backend.threads).toBe(threads);
        const model = new RecurCharLm(backend, cell, size, batch);
        try {
          const losses = [model.trainStep(), model.trainStep()];
          const params = Object.entries(model.parameterValues()).map(
            ([name, values]) => [name, Array.from(new Uint32Array(values.buffer))] as const,
          );
          return { losses, params };
        } finally {
          model.dispose();
        }
      });
      expect(runs[0]!.losses[1]).not.toBe(runs[0]!.losses[0]);
      for (const run of runs.slice(1)) {
        expect(run.losses).toEqual(runs[0]!.losses);
        expect(run.params).toEqual(runs[0]!.params);
      }
    }
  });
});
