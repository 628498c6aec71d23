import v8 from 'node:v8';
import { CpuBackend } from '@recur/tensor';
import { expect } from 'vitest';
import { describeConformance } from './index.js';

// Node 20 validates relaxed SIMD only behind this flag (Node 22 and browsers ship it). Each test
// file runs in its own process (vitest pool `forks`), so the flag stays in this file.
v8.setFlagsFromString('--experimental-wasm-relaxed-simd');

describeConformance('cpu (relaxed-SIMD FMA GEMM, wasm at every size)', () => {
  const backend = new CpuBackend({ wasm: 'always', fma: true });
  expect(backend.wasmSimd).toBe('relaxed-simd');
  return backend;
});
