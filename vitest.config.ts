import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
    globalSetup: ['./test/setup/postgres.ts'],
    testTimeout: 30_000,
    // Tests that re-import the seed and drive the CLI read ../shared; a missing folder fails loudly.
    pool: 'forks',
  },
});
