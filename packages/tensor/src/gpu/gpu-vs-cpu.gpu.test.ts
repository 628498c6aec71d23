import { afterAll, describe, expect, it } from 'vitest';
import { CpuBackend } from '../cpu/cpu-backend.js';
import { memory } from '../memory.js';
import { gpuBackendForTests } from '../testing/gpu.js';
import { differentialChecks, runCheck } from './differential-checks.js';

const gpu = gpuBackendForTests();
const cpu = new CpuBackend();

describe.skipIf(!gpu)('gpu backend gives the CPU backend results (differential checks)', () => {
  afterAll(() => gpu?.destroy());

  for (const check of differentialChecks()) {
    it(check.name, () => {
      const before = memory().numTensors;
      runCheck(check, cpu, gpu!);
      expect(memory().numTensors).toBe(before);
    });
  }
});
