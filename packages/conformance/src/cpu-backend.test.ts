import { CpuBackend } from '@recur/tensor';
import { describeConformance } from './index.js';

describeConformance('cpu (auto: wasm where it pays)', () => new CpuBackend({ wasm: 'auto' }));
describeConformance('cpu (wasm SIMD at every size)', () => new CpuBackend({ wasm: 'always' }));
describeConformance('cpu (pure TypeScript)', () => new CpuBackend({ wasm: 'never' }));
