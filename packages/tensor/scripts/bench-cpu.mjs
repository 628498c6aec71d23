#!/usr/bin/env node
// GFLOP/s of the CPU backend's matmul (wasm SIMD vs pure TypeScript vs a naive triple loop) and
// elementwise throughput, wasm vs TypeScript, across sizes: the numbers behind the thresholds in
// src/cpu/cpu-backend.ts. Not a test. Run after a build:
//
//   pnpm --filter @recur/tensor build && node packages/tensor/scripts/bench-cpu.mjs [--quick]
import {
  abs,
  add,
  CpuBackend,
  dispose,
  exp,
  mul,
  relu,
  sigmoid,
  sqrt,
  tanh,
  tensor,
  withBackend,
} from '../dist/index.js';

const quick = process.argv.includes('--quick');
const wasm = new CpuBackend({ wasm: 'always' });
const ts = new CpuBackend({ wasm: 'never' });
if (!wasm.usesWasm)
  console.warn('WebAssembly SIMD is unavailable here: both columns are TypeScript');

function random(n, seed) {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 32 - 0.5;
  }
  return out;
}

/** Median milliseconds per call of fn, over enough repetitions to fill `budget` ms. */
function time(fn, budget = quick ? 150 : 600) {
  fn();
  const t0 = performance.now();
  fn();
  const once = Math.max(performance.now() - t0, 1e-3);
  const reps = Math.max(3, Math.min(200, Math.ceil(budget / 7 / once)));
  const samples = [];
  for (let s = 0; s < 7; s++) {
    const start = performance.now();
    for (let r = 0; r < reps; r++) fn();
    samples.push((performance.now() - start) / reps);
  }
  samples.sort((x, y) => x - y);
  return samples[3];
}

function naive(a, b, out, m, n, k) {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let p = 0; p < k; p++) acc += a[i * k + p] * b[p * n + j];
      out[i * n + j] = acc;
    }
  }
}

console.log('matmul GFLOP/s (2·m·n·k / time); median of 7 runs');
console.log('shape                         naive    TS      wasm    wasm(tA) wasm(tB)');
const shapes = [
  [32, 193, 512],
  [64, 321, 1024],
  [256, 256, 256],
  [8, 64, 64],
  [1, 256, 1024],
  [16, 16, 16],
  [4, 8, 8],
];
for (const [m, k, n] of shapes) {
  const a = random(m * k, 1);
  const b = random(k * n, 2);
  const out = new Float32Array(m * n);
  const gf = (ms) => ((2 * m * n * k) / ms / 1e6).toFixed(2).padStart(7);
  const tNaive = time(() => naive(a, b, out, m, n, k), quick ? 100 : 300);
  const tTs = time(() => ts.gemm(a, b, m, n, k, false, false, out));
  const tWasm = time(() => wasm.gemm(a, b, m, n, k, false, false, out));
  const tWasmA = time(() => wasm.gemm(a, b, m, n, k, true, false, out));
  const tWasmB = time(() => wasm.gemm(a, b, m, n, k, false, true, out));
  const label = `[${m}×${k}]·[${k}×${n}]`.padEnd(28);
  console.log(`${label} ${gf(tNaive)} ${gf(tTs)} ${gf(tWasm)} ${gf(tWasmA)}  ${gf(tWasmB)}`);
}

console.log('\nelementwise, ns per element through the Tensor API (TS / wasm incl. copies)');
const ops = [
  ['add', (x, y) => add(x, y)],
  ['add row', (x, _y, row) => add(x, row)],
  ['mul scalar', (x) => mul(x, 0.5)],
  ['exp', (x) => exp(x)],
  ['sigmoid', (x) => sigmoid(x)],
  ['tanh', (x) => tanh(x)],
  ['relu', (x) => relu(x)],
  ['abs+sqrt', (x) => sqrt(abs(x))],
];
const sizes = quick ? [256, 16384] : [64, 256, 1024, 4096, 16384, 65536, 262144];
console.log(`op          ${sizes.map((s) => String(s).padStart(14)).join('')}`);
for (const [name, fn] of ops) {
  const cells = [];
  for (const size of sizes) {
    const cols = Math.min(size, 256);
    const shape = [size / cols, cols];
    const per = {};
    for (const [label, backend] of [
      ['ts', ts],
      ['wasm', wasm],
    ]) {
      withBackend(backend, () => {
        const x = tensor(random(size, 3), shape);
        const y = tensor(random(size, 4), shape);
        const row = tensor(random(cols, 5), [cols]);
        per[label] = (time(() => fn(x, y, row).dispose(), quick ? 60 : 200) * 1e6) / size;
        dispose([x, y, row]);
      });
    }
    cells.push(`${per.ts.toFixed(2)}/${per.wasm.toFixed(2)}`.padStart(14));
  }
  console.log(`${name.padEnd(12)}${cells.join('')}`);
}
