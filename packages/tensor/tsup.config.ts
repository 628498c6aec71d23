import { libraryConfig } from '@recur/tooling/tsup';

export default libraryConfig({
  index: 'src/index.ts',
  'testing-gpu': 'src/testing/gpu.ts',
  gpu: 'src/gpu/index.ts',
  'gpu-kernels': 'src/gpu/authoring.ts',
});
