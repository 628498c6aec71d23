import { defineConfig } from 'vitest/config';

/**
 * The GPU run: the four designs on the gpu.js backend (headless-gl; under `xvfb-run -a` on Linux
 * without a display), compared with the CPU. Skips with the reason printed when no OpenGL
 * context can be created.
 */
export default defineConfig({
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
