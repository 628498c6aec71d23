import { defineConfig } from 'vitest/config';

/**
 * Unit tests of the web demo's training loop and plot helpers, in Node on the CPU backend:
 * `npx vitest run --root web` from apps/demo. (The browser itself is tested by e2e/run.mjs.)
 */
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    pool: 'forks',
  },
});
