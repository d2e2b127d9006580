import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Kept apart from catalog-data.ts (YAML, zod) so that `ccheck --version` and `ccheck date` find
// the package and the user's data folder without loading any library.

/** The package root, found from this file whether it runs from src/ (tests) or dist/ (the CLI). */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'data', 'catalog'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error('ccheck: cannot find the package root (data/catalog)');
    dir = up;
  }
}

/**
 * Where a user's own data lives: `CCHECK_HOME`, else the XDG data directory. Taken from the
 * environment here, in the shell, never inside the core.
 */
export function resolveHome(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CCHECK_HOME) return path.resolve(env.CCHECK_HOME);
  const xdg = env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share');
  return path.join(xdg, 'ccheck');
}
