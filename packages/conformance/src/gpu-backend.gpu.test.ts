import type { GpuBackend } from '@recur/tensor/gpu';
import { gpuBackendForTests } from '@recur/tensor/testing/gpu';
import { describe, it } from 'vitest';
import { describeConformance } from './index.js';

// One backend (one WebGL context) for the whole suite. Without a usable GPU the suite is
// skipped with the reason printed (in CI, gpuBackendForTests throws and the run fails).
const gpu: GpuBackend | null = gpuBackendForTests();

if (gpu) {
  // The GPU backend passes at the default tolerance (what the CPU backend's float32 kernels meet).
  describeConformance('gpu (gpu.js on WebGL)', () => gpu);
} else {
  describe.skip('backend conformance: gpu (gpu.js on WebGL)', () => {
    it('needs a WebGL context', () => {});
  });
}
