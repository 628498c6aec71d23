import { describe, it } from 'vitest';
import { gpuBackendForTests } from '../testing/gpu.js';
import { describeConformance } from '../testing/index.js';
import { CONFORMANCE_TOLERANCE } from './differential-checks.js';
import type { GpuBackend } from './gpu-backend.js';

// One backend (one WebGL context) for the whole suite. Without a usable GPU the suite is
// skipped with the reason printed (in CI, gpuBackendForTests throws and the run fails).
const gpu: GpuBackend | null = gpuBackendForTests();

if (gpu) {
  describeConformance('gpu (gpu.js on WebGL)', () => gpu, { tolerance: CONFORMANCE_TOLERANCE });
} else {
  describe.skip('backend conformance: gpu (gpu.js on WebGL)', () => {
    it('needs a WebGL context', () => {});
  });
}
