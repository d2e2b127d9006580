import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The corpus tier: the tests in test/corpus/ read public artefacts nobody on the project wrote
 * (NIST's OSCAL schemas, vendors' real configurations, endoflife.date files …) from the
 * workplace's shared folder, which is never copied into the repository. Every other test reads
 * only what the repository holds, so a fresh clone passes without the folder.
 *
 * Which folder: CCHECK_CORPUS, else ../shared beside the checkout. The tier runs when that folder
 * has external/; CI (CI=true) always runs it, and a missing corpus there fails the run instead of
 * silently testing less.
 */
export interface CorpusTier {
  /** the folder holding external/ (the workplace's shared folder) */
  readonly dir: string;
  readonly run: boolean;
  readonly ci: boolean;
  /** the one line printed when the tier does not run, or the error when CI lacks the corpus */
  readonly message: string;
}

export const CORPUS_GLOB = 'test/corpus/**';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export function corpusTier(env: NodeJS.ProcessEnv = process.env): CorpusTier {
  const dir = path.resolve(ROOT, env.CCHECK_CORPUS || path.join('..', 'shared'));
  const present = existsSync(path.join(dir, 'external'));
  const ci = /^(1|true|yes)$/i.test(env.CI ?? '');
  const message = present
    ? ''
    : ci
      ? `corpus tier: CI must run test/corpus/, but ${path.join(dir, 'external')} does not exist (set CCHECK_CORPUS to the shared folder that holds external/)`
      : `corpus tier (test/corpus/) did not run: no corpus at ${path.join(dir, 'external')}; run it with CCHECK_CORPUS=<shared folder> npm test (e.g. CCHECK_CORPUS=../shared npm test)`;
  return { dir, run: present || ci, ci, message };
}
