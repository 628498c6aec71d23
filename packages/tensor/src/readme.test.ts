import { describeReadme } from '@recur/tooling/readme';
import * as gpuKernels from './gpu/authoring.js';
import * as gpu from './gpu/index.js';
import * as self from './index.js';

// Every ```ts block of the README runs as written against these sources.
describeReadme(new URL('../README.md', import.meta.url), {
  modules: {
    '@recur/tensor': self,
    '@recur/tensor/gpu': gpu,
    '@recur/tensor/gpu-kernels': gpuKernels,
  },
  load: (name) => import(name),
});
