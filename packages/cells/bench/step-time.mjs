// Time per training batch of the fused and composed paths (forward, and forward + backward).
// Run after `pnpm --filter @recur/cells build`:
//   node packages/cells/bench/step-time.mjs [--composed] [--size H,B,T]…
//   xvfb-run -a node packages/cells/bench/step-time.mjs --gpu --composed --size 64,1,16
import { backward, mul, sum, zeroGrad } from '@recur/autograd';
import { getBackend, Rng, randomNormal, tidy } from '@recur/tensor';
import { CELLS, sequence } from '../dist/index.js';

const args = process.argv.slice(2);
const withComposed = args.includes('--composed');
if (args.includes('--gpu')) {
  const { useBackend } = await import('@recur/tensor/gpu');
  useBackend('gpu');
}
const sizes = args.flatMap((a, i) => (args[i - 1] === '--size' ? [a.split(',').map(Number)] : []));
const configs = sizes.length
  ? sizes.map(([H, B, T]) => ({ H, B, T }))
  : [
      { H: 128, B: 32, T: 64 },
      { H: 256, B: 64, T: 64 },
    ];
// Every registered kind but the IRNN (the RNN's kernel with ReLU).
const kinds = Object.fromEntries(Object.entries(CELLS).filter(([kind]) => kind !== 'irnn'));

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
  `backend ${backend.name}${backend.usesWasm ? ' (wasm SIMD matmul)' : ''}${backend.kernelClass ? ` (${backend.kernelClass})` : ''}; input width I = H; fastest of repeated runs, ms per batch`,
);
console.log('cell  H    B   T   path      forward   fwd+bwd   (per time step: fwd / fwd+bwd)');
for (const { H, B, T } of configs) {
  for (const [kind, definition] of Object.entries(kinds)) {
    const cell = definition.make({ inputSize: H, hiddenSize: H, rng: new Rng(1) });
    const params = Object.values(cell.parameters());
    const x = randomNormal([B, T, H], { seed: 2 });
    const r = randomNormal([B, T, H], { seed: 3 });
    for (const fused of withComposed ? [true, false] : [true]) {
      // Reading one value back makes the GPU finish its queued work inside the timed region.
      const fwd = time(() => tidy(() => sequence(cell, x, { fused }).outputs.value.data()[0]));
      const train = time(() =>
        tidy(() => {
          backward(sum(mul(sequence(cell, x, { fused }).outputs, r)));
          params[0].grad?.data();
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
