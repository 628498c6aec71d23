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
