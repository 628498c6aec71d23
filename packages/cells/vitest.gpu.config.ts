import { defineConfig } from 'vitest/config';

/**
 * The GPU tests (`src/**\/*.gpu.test.ts`): real OpenGL through headless-gl (under `xvfb-run -a`
 * on Linux without a display). Without a GPU context they skip with the reason printed, except
 * in CI (env CI set), where they fail.
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
