import { defineConfig } from 'vitest/config';

/** The CLI's tests: in-process runs of `runCli`, and a few through the compiled `dist/main.js`. */
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
