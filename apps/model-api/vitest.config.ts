import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Each file gets its own throwaway database; real MySQL round trips need more than the default.
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
