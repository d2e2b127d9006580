import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { packageRoot } from '../../src/io/catalog-data.js';

/** The workplace's shared folder beside the checkout; tests read the seed and external files there. */
export const SHARED = path.resolve(process.env.CCHECK_SHARED ?? path.join(packageRoot(), '..', 'shared'));
export const SEED = path.join(SHARED, 'seeds', '000_4136b11f0be4be61.txt');

if (!existsSync(SEED)) {
  // Never skipped: CI has ../shared, and a test that silently skipped would hide a broken importer.
  throw new Error(`the seed is missing at ${SEED}: tests read it from the shared folder beside the checkout (or set CCHECK_SHARED)`);
}

export function tempDir(prefix = 'ccheck-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
