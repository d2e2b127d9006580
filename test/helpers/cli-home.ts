import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { runCcheck, type CliRun } from './cli.js';
import { TEMPLATE } from './profiles.js';
import { tempDir } from './shared.js';

export const LICENCE = '金管證總字第0000號';

export interface CliHome {
  /** The test's folder (the CLI's working directory); `firm.yaml` in it holds the template profile. */
  readonly dir: string;
  /** CCHECK_HOME in dir/home with its SQLite database, English messages, CCHECK_USER alice. */
  readonly env: NodeJS.ProcessEnv;
  readonly ccheck: (...args: string[]) => Promise<CliRun>;
  /** The environment of a second, empty home (dir/home2) with the first home's evidence key: where a backup is restored. */
  readonly otherHome: () => NodeJS.ProcessEnv;
}

/** A fresh CLI home for every test of the suite (embedded SQLite), removed afterwards. */
export function useCliHome(): CliHome {
  let tmp: { dir: string; cleanup: () => void } | undefined;
  let env: NodeJS.ProcessEnv = {};
  beforeEach(() => {
    tmp = tempDir();
    writeFileSync(path.join(tmp.dir, 'firm.yaml'), TEMPLATE);
    // DATABASE_URL named, so a child process never picks up the server the test run itself uses.
    env = { CCHECK_HOME: path.join(tmp.dir, 'home'), DATABASE_URL: path.join(tmp.dir, 'home', 'ccheck.db'), LANG: 'en_US.UTF-8', CCHECK_USER: 'alice' };
  });
  afterEach(() => tmp?.cleanup());
  return {
    get dir() {
      return tmp!.dir;
    },
    get env() {
      return env;
    },
    ccheck: (...args: string[]) => runCcheck(args, { env, cwd: tmp!.dir }),
    otherHome: () => ({
      ...env,
      CCHECK_HOME: path.join(tmp!.dir, 'home2'),
      DATABASE_URL: path.join(tmp!.dir, 'home2', 'ccheck.db'),
      CCHECK_VAULT_KEY: readFileSync(path.join(tmp!.dir, 'home', 'vault.key'), 'utf8').trim(),
    }),
  };
}

/** The arguments of `ccheck result set` for one item of the 2026-11 inspection. */
export const resultSetArgs = (item: string, status: string, justification: string, expires: string): string[] => [
  'result',
  'set',
  '--firm',
  LICENCE,
  '--period',
  '2026-11',
  '--item',
  item,
  '--status',
  status,
  '--justification',
  justification,
  '--expires',
  expires,
];
