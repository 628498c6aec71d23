import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as gpu from './gpu/index.js';
import * as main from './index.js';
import * as testingGpu from './testing/gpu.js';

describe('public entries', () => {
  it('@recur/tensor/gpu exports no test helpers: they live in @recur/tensor/testing/gpu', () => {
    for (const helper of ['gpuBackendForTests', 'inCI']) {
      expect(Object.keys(gpu)).not.toContain(helper);
      expect(Object.keys(main)).not.toContain(helper);
      expect(Object.keys(testingGpu)).toContain(helper);
    }
  });

  it('the tensor package knows nothing of RNNs: no recurrent kernels in its entries or backends', () => {
    for (const name of ['rnnStep', 'rnnStepGpu', 'lstmGates', 'lstmGatesGpu']) {
      expect(Object.keys(gpu)).not.toContain(name);
      expect(Object.keys(main)).not.toContain(name);
    }
    expect('lstmCellInto' in main.CpuBackend.prototype).toBe(false);
    expect(typeof main.CpuBackend.prototype.linkWasm).toBe('function');
  });

  it('has no test-runner peer: the conformance suite is @recur/conformance', () => {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(Object.keys(manifest.peerDependencies ?? {})).not.toContain('vitest');
    expect(Object.keys(manifest.exports)).not.toContain('./testing');
  });
});
