import { configDefaults, defineConfig } from 'vitest/config';
import { CORPUS_GLOB, corpusTier } from './test/setup/corpus-tier.js';

// test/corpus/ reads public artefacts from the shared folder; it runs when that folder is there
// and always in CI (test/setup/corpus-tier.ts). Every other test reads only the repository.
const corpus = corpusTier();

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: [...configDefaults.exclude, ...(corpus.run ? [] : [CORPUS_GLOB])],
    provide: { corpusDir: corpus.dir },
    reporters: ['default', './test/summary-reporter.ts'],
    globalSetup: ['./test/setup/corpus.ts', './test/setup/postgres.ts'],
    testTimeout: 30_000,
    pool: 'forks',
  },
});
