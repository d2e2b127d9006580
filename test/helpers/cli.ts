import { Readable } from 'node:stream';
import { runCli } from '../../src/cli/main.js';

export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs the CLI in-process with its output captured: the same code path as the installed bin. */
export async function runCcheck(args: readonly string[], options: { env: NodeJS.ProcessEnv; cwd: string; stdin?: string; columns?: number }): Promise<CliRun> {
  let out = '';
  let err = '';
  const code = await runCli(args, {
    stdout: { write: (s: string) => (out += s), columns: options.columns ?? 140 },
    stderr: { write: (s: string) => (err += s) },
    env: options.env,
    cwd: options.cwd,
    stdin: options.stdin === undefined ? undefined : Readable.from([options.stdin]),
  });
  return { code, out, err };
}
