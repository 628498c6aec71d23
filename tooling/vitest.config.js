// @ts-check
import { defineConfig } from 'vitest/config';

/** Shared vitest settings: colocated `src/**\/*.test.ts`, Node environment. */
export const sharedTestConfig = defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    exclude: [
      '**/node_modules/**',
      '**/dist/**',
      'src/**/*.gpu.test.ts',
      'src/**/*.browser.test.ts',
    ],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});

/**
 * The GPU tests (`src/**\/*.gpu.test.ts`, run by `test:gpu`): real OpenGL through headless-gl
 * (under `xvfb-run -a` on Linux without a display; Mesa's llvmpipe is a software OpenGL). One
 * file at a time, so OpenGL contexts do not compete for the CPU. A test file gets its backend
 * from `gpuBackendForTests()` (`@recur/tensor/gpu`): without a context it skips with the reason
 * printed, except in CI (env CI set), where it fails.
 */
export const gpuTestConfig = defineConfig({
  test: {
    include: ['src/**/*.gpu.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    environment: 'node',
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 120_000,
  },
});
