import { availableParallelism } from 'node:os';
import { configDefaults, defineConfig } from 'vitest/config';
import { CORPUS_GLOB, corpusTier } from './test/setup/corpus-tier.js';

// test/corpus/ reads public artefacts from the shared folder; it runs when that folder is there
// and always in CI (test/setup/corpus-tier.ts). Every other test reads only the repository.
const corpus = corpusTier();

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'web/src/**/*.test.ts'],
    exclude: [...configDefaults.exclude, ...(corpus.run ? [] : [CORPUS_GLOB])],
    provide: { corpusDir: corpus.dir },
    reporters: ['default', './test/summary-reporter.ts'],
    globalSetup: ['./test/setup/corpus.ts', './test/setup/postgres.ts'],
    // A time limit only catches a hang: tests judge what was done, never how fast (speed is
    // measured by npm run bench). Tests that spawn processes took over 30 s on a busy two-core
    // machine (load average above 30), so the limits are generous.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
    // Vitest's default is one worker fewer than the cores: on CI's two cores that ran every file
    // one after another, and the worker waited on PostgreSQL, child processes and Chromium a
    // quarter of the time with the other core idle.
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
