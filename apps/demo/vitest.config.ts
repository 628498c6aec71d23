import { defineConfig } from 'vitest/config';

/** The CLI's tests (src/) and the web demo's training-loop and plot tests (web/src/), in Node. */
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'web/src/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
