import path from 'node:path';
import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The shared folder whose external/ holds the public corpus (test/setup/corpus-tier.ts). */
    corpusDir: string;
  }
}

/**
 * The public artefacts of the corpus tier, read where they lie and never copied into the
 * repository. Only tests under test/corpus/ may import this: that folder is what the tier's
 * switch includes or leaves out.
 */
export const CORPUS_DIR = inject('corpusDir');
export const EXTERNAL = path.join(CORPUS_DIR, 'external');
export const FIREWALL = path.join(EXTERNAL, 'firewall');
