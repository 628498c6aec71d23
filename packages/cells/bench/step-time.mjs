// Time per training batch of the fused and composed paths (forward, and forward + backward).
// Run after `pnpm --filter @recur/cells build`:  node packages/cells/bench/step-time.mjs [--composed]
import { backward, mul, sum, zeroGrad } from '@recur/autograd';
import { getBackend, Rng, randomNormal, tidy } from '@recur/tensor';
import { GRUCell, LSTMCell, RNNCell, sequence } from '../dist/index.js';

const withComposed = process.argv.includes('--composed');
const configs = [
  { H: 128, B: 32, T: 64 },
  { H: 256, B: 64, T: 64 },
];
const kinds = { rnn: RNNCell, lstm: LSTMCell, gru: GRUCell };

function time(fn, minMs = 1500, minRuns = 3) {
  fn(); // warm-up
  const runs = [];
  const start = performance.now();
  while (runs.length < minRuns || performance.now() - start < minMs) {
    const t0 = performance.now();
    fn();
    runs.push(performance.now() - t0);
  }
  runs.sort((a, b) => a - b);
  // The minimum: on a shared machine it is the least disturbed run.
  return runs[0];
}

const backend = getBackend();
console.log(
  `backend ${backend.name}${backend.usesWasm ? ' (wasm SIMD matmul)' : ''}; input width I = H; fastest of repeated runs, ms per batch`,
);
console.log('cell  H    B   T   path      forward   fwd+bwd   (per time step: fwd / fwd+bwd)');
for (const { H, B, T } of configs) {
  for (const [kind, Cell] of Object.entries(kinds)) {
    const cell = new Cell({ inputSize: H, hiddenSize: H, rng: new Rng(1) });
    const params = Object.values(cell.parameters());
    const x = randomNormal([B, T, H], { seed: 2 });
    const r = randomNormal([B, T, H], { seed: 3 });
    for (const fused of withComposed ? [true, false] : [true]) {
      const fwd = time(() => tidy(() => sequence(cell, x, { fused }).outputs));
      const train = time(() =>
        tidy(() => {
          backward(sum(mul(sequence(cell, x, { fused }).outputs, r)));
          zeroGrad(params);
        }),
      );
      const path = fused ? 'fused   ' : 'composed';
      console.log(
        `${kind.padEnd(5)} ${String(H).padEnd(4)} ${String(B).padEnd(3)} ${T}  ${path}  ${fwd.toFixed(1).padStart(7)}  ${train.toFixed(1).padStart(8)}   (${(fwd / T).toFixed(2)} / ${(train / T).toFixed(2)})`,
      );
    }
    x.dispose();
    r.dispose();
    cell.dispose();
  }
}
