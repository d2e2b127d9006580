import { randomBytes } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';

export type DialectUnderTest = 'sqlite' | 'postgres';
export const DIALECTS: readonly DialectUnderTest[] = ['sqlite', 'postgres'];

/**
 * A fresh, empty store for one test: a new SQLite file in the test's home, or a new database on
 * the PostgreSQL server. Returns the environment ccheck reads (DATABASE_URL) and a cleanup.
 */
export async function freshStore(dialect: DialectUnderTest, home: string): Promise<{ env: NodeJS.ProcessEnv; drop: () => Promise<void> }> {
  const base = { CCHECK_HOME: home };
  if (dialect === 'sqlite') return { env: { ...base, DATABASE_URL: path.join(home, 'ccheck.db') }, drop: async () => {} };
  const admin = inject('postgresAdminUrl');
  const name = `ccheck_t_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`create database ${name}`);
  // A commit still reaches every other session at once; only the wait for the WAL flush to disk
  // goes, which guards against the server crashing, and no test crashes the server. Without it
  // each audited write waited on an fsync, and the storage tests on PostgreSQL took twice as
  // long as on SQLite.
  await client.query(`alter database ${name} set synchronous_commit = off`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    env: { ...base, DATABASE_URL: url.toString() },
    drop: async () => {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}
