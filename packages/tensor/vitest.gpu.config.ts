import { defineConfig } from 'vitest/config';

/**
 * The GPU tests: real OpenGL through headless-gl (run under `xvfb-run -a` on Linux without a
 * display; Mesa's llvmpipe is a real software OpenGL). One file at a time, so the OpenGL
 * contexts do not compete for the CPU. Without a display the tests skip with the reason printed,
 * except in CI (env CI set), where they fail.
 */
export default defineConfig({
  test: {
    include: ['src/gpu/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    environment: 'node',
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
