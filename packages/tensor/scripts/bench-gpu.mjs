#!/usr/bin/env node
import { createGpuBackend } from '../dist/gpu.js';
// CPU backend vs gpu.js backend, per op and per RNN training step, over sizes. Not a test. The GPU
// side is whatever OpenGL headless-gl finds: on a machine without a GPU that is Mesa's llvmpipe
// (software), where only correctness counts; run it on a machine with a GPU for real numbers.
// Times are medians per call with the GPU pipeline drained (gl.finish) after every call, results
// left on the device (no readback), kernels compiled before timing.
//
//   pnpm --filter @recur/tensor build
//   xvfb-run -a node packages/tensor/src/gpu/bench-gpu.mjs [--quick]
import {
  add,
  CpuBackend,
  dispose,
  matmul,
  mul,
  randomNormal,
  softmax,
  square,
  sub,
  sum,
  tanh,
  tidy,
  withBackend,
} from '../dist/index.js';

const quick = process.argv.includes('--quick');
const cpu = new CpuBackend();
const gpu = createGpuBackend();
const renderer = (() => {
  const gl = gpu.context;
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  return info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER);
})();
console.log(`GPU: gpu.js ${gpu.kernelClass} on ${renderer}${quick ? ' (quick)' : ''}`);

/** Median ms per call of `fn` on `backend` (inputs made by `setup` there, outside the timing). */
function time(backend, setup, fn, budget = quick ? 200 : 800) {
  return withBackend(backend, () => {
    const inputs = setup();
    const drain = backend === gpu ? () => gpu.context.finish() : () => {};
    const once = () => {
      const t0 = performance.now();
      dispose(tidy(() => fn(...inputs)));
      drain();
      return performance.now() - t0;
    };
    once(); // compile (GPU) / warm up
    const samples = [];
    const end = performance.now() + budget;
    while (samples.length < 3 || (performance.now() < end && samples.length < 200))
      samples.push(once());
    dispose(inputs);
    samples.sort((a, b) => a - b);
    return samples[Math.floor(samples.length / 2)];
  });
}

const normal = (shape, seed) => randomNormal(shape, { seed });
const fmt = (ms) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(3));

function row(label, setup, fn) {
  const c = time(cpu, setup, fn);
  const g = time(gpu, setup, fn);
  const ratio = c / g;
  console.log(
    `${label.padEnd(34)} ${fmt(c).padStart(9)} ${fmt(g).padStart(9)} ${ratio.toFixed(2).padStart(7)}x ${ratio > 1 ? 'GPU' : 'CPU'}`,
  );
  return ratio;
}

console.log(
  `\n${'op'.padEnd(34)} ${'cpu ms'.padStart(9)} ${'gpu ms'.padStart(9)} ${'cpu/gpu'.padStart(8)} faster`,
);
for (const n of quick ? [1e3, 1e5] : [1e3, 1e5, 1e6]) {
  row(`add [${n}] + [${n}]`, () => [normal([n], 1), normal([n], 2)], add);
  row(`tanh [${n}]`, () => [normal([n], 3)], tanh);
  row(
    `sum [${n}]`,
    () => [normal([n], 4)],
    (x) => sum(x),
  );
}
for (const n of quick ? [64, 256] : [64, 256, 512]) {
  row(
    `matmul [${n},${n}]·[${n},${n}]`,
    () => [normal([n, n], 5), normal([n, n], 6)],
    (a, b) => matmul(a, b),
  );
}
row(
  'softmax [32,1000] axis -1',
  () => [normal([32, 1000], 7)],
  (x) => softmax(x),
);

// One vanilla RNN training step (forward, loss, hand-written backward, SGD update): the
// launches of a real step, at hidden size H and batch B.
function rnnTrainingStep(x, aPrev, wx, wa, b, y) {
  const a = tanh(add(add(matmul(x, wx), matmul(aPrev, wa)), b));
  const diff = sub(a, y);
  const dz = mul(mul(diff, 2 / diff.size), sub(1, square(a)));
  const dwx = matmul(x, dz, { transposeA: true });
  const dwa = matmul(aPrev, dz, { transposeA: true });
  const db = sum(dz, { axis: 0 });
  return [sub(wx, mul(dwx, 0.1)), sub(wa, mul(dwa, 0.1)), sub(b, mul(db, 0.1))];
}

console.log(
  `\n${'RNN training step'.padEnd(34)} ${'cpu ms'.padStart(9)} ${'gpu ms'.padStart(9)} ${'cpu/gpu'.padStart(8)} faster`,
);
const crossover = [];
for (const h of quick ? [64, 256] : [64, 256, 1024]) {
  for (const bsz of quick ? [1, 32] : [1, 32, 256]) {
    if (!quick && h === 1024 && bsz === 256) continue; // minutes per step on software GL
    const setup = () => [
      normal([bsz, h], 10),
      normal([bsz, h], 11),
      normal([h, h], 12),
      normal([h, h], 13),
      normal([h], 14),
      normal([bsz, h], 15),
    ];
    const ratio = row(`H ${h}, B ${bsz}`, setup, rnnTrainingStep);
    if (ratio > 1) crossover.push(`H ${h} B ${bsz}`);
  }
}
console.log(
  `\nGPU faster for: ${crossover.length ? crossover.join(', ') : 'no training-step size measured here'}`,
);
console.log('kernels:', JSON.stringify(gpu.kernelStats()));
gpu.destroy();
