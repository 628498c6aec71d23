import { gpuTestConfig } from '@recur/tooling/vitest';

export default gpuTestConfig;
