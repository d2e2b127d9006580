import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { catalogDataDir, packageRoot } from '../../src/io/catalog-data.js';

/**
 * The seed, the catalog's source, as the repository ships it (data/catalog/seed/). Tests of
 * ccheck's own behaviour read only the repository; public artefacts are the corpus tier's
 * (test/corpus/, test/helpers/corpus.ts).
 */
export const SEED = path.join(catalogDataDir(), 'seed', '000_4136b11f0be4be61.txt');

/** The fixtures the project wrote itself, modelled on the real formats (test/fixtures/). */
export const FIXTURES = path.join(packageRoot(), 'test', 'fixtures');

/**
 * The shared folder that holds the corpus (`external/`), for tests in test/corpus/ only: the
 * corpus tier's switch includes them only when it is there (test/setup/corpus-tier.ts).
 */
export { CORPUS_DIR as SHARED } from './corpus.js';

export function tempDir(prefix = 'ccheck-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
