import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { packageRoot } from '../../src/io/catalog-data.js';

// The loader by its own path, so a child may run in any folder (a test's temp dir has no node_modules).
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export interface ChildRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly out: string;
  readonly err: string;
}

/** Runs the CLI from source in a child process (to crash or race it); `done` resolves when it exits. */
export function spawnCcheck(args: readonly string[], env: NodeJS.ProcessEnv, cwd = packageRoot()): { proc: ChildProcess; done: Promise<ChildRun> } {
  const proc = spawn(process.execPath, ['--import', TSX, path.join(packageRoot(), 'test', 'helpers', 'cli-entry.ts'), ...args], {
    env: { ...process.env, ...env },
    cwd,
  });
  let out = '';
  let err = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<ChildRun>((resolve) => proc.on('close', (code, signal) => resolve({ code, signal, out, err })));
  return { proc, done };
}

export const child = (args: readonly string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<ChildRun> => spawnCcheck(args, env, cwd).done;

/**
 * Waits until a child stopped itself (CCHECK_FAULT=<point>:stop sends it SIGSTOP): a state read
 * from /proc, not a guess of how long something takes. Fails if the child exits first.
 */
export async function waitUntilStopped(c: { proc: ChildProcess; done: Promise<ChildRun> }): Promise<void> {
  let exited: ChildRun | null = null;
  void c.done.then((r) => (exited = r));
  for (;;) {
    if (exited) throw new Error(`the child exited before it stopped: ${JSON.stringify(exited)}`);
    const stat = readFileSync(`/proc/${c.proc.pid}/stat`, 'utf8');
    if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('T')) return;
    await sleep(20);
  }
}
