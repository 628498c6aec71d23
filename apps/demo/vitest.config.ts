import { defineConfig } from 'vitest/config';

/** The web demo's training-loop and plot tests (web/src/), in Node. The CLI's are in packages/cli. */
export default defineConfig({
  test: {
    include: ['web/src/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
