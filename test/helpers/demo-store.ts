import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { runCcheck, type CliRun } from './cli.js';
import { tempDir } from './shared.js';

export interface DemoStore {
  /** the folder `ccheck demo` ran in; files written by commands land here */
  readonly dir: string;
  /** runs ccheck on the demo firm's store, in that folder */
  ccheck(...args: string[]): Promise<CliRun>;
  /** a JSON file written there, parsed */
  readJson<T = unknown>(file: string): T;
  cleanup(): void;
}

/** Runs `ccheck demo` (this month's inspection of the demo firm) in a fresh folder. */
export async function demoStore(): Promise<DemoStore> {
  const tmp = tempDir();
  const r = await runCcheck(['demo', 'demo', '--today', '2026-11-27'], { env: { LANG: 'zh_TW.UTF-8' }, cwd: tmp.dir });
  expect(r.code, r.err).toBe(0);
  const home = path.join(tmp.dir, 'demo', '.ccheck');
  const env = { LANG: 'zh_TW.UTF-8', CCHECK_HOME: home, DATABASE_URL: path.join(home, 'ccheck.db') };
  return {
    dir: tmp.dir,
    ccheck: (...args) => runCcheck(args, { env, cwd: tmp.dir }),
    readJson: <T>(file: string) => JSON.parse(readFileSync(path.join(tmp.dir, file), 'utf8')) as T,
    cleanup: tmp.cleanup,
  };
}
