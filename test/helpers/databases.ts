import { randomBytes } from 'node:crypto';
import { cpSync, existsSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { tempDir } from './shared.js';

export type DialectUnderTest = 'sqlite' | 'postgres';
export const DIALECTS: readonly DialectUnderTest[] = ['sqlite', 'postgres'];

/**
 * A fresh, empty store for one test: a new SQLite file in the test's home, or a new database on
 * the PostgreSQL server. Returns the environment ccheck reads (DATABASE_URL) and a cleanup.
 */
export async function freshStore(dialect: DialectUnderTest, home: string): Promise<{ env: NodeJS.ProcessEnv; drop: () => Promise<void> }> {
  return createStore(dialect, home, null);
}

/** A new database (a copy of `template` when given: CREATE DATABASE … TEMPLATE, a file copy). */
async function createStore(dialect: DialectUnderTest, home: string, template: string | null): Promise<{ env: NodeJS.ProcessEnv; drop: () => Promise<void> }> {
  const base = { CCHECK_HOME: home };
  if (dialect === 'sqlite') return { env: { ...base, DATABASE_URL: path.join(home, 'ccheck.db') }, drop: async () => {} };
  const admin = inject('postgresAdminUrl');
  const name = `ccheck_t_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(template ? `create database ${name} template ${template}` : `create database ${name}`);
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

export interface StoreCopy {
  /** the copy's home (CCHECK_HOME), a new temp folder */
  readonly home: string;
  readonly env: NodeJS.ProcessEnv;
  /** drops the copy's database and removes its home */
  readonly remove: () => Promise<void>;
}

/**
 * A store built once and copied for each test that starts from it: the home folder (the SQLite
 * file, vault, keys, witness log, kept packages) copied whole, and on PostgreSQL the database
 * copied with CREATE DATABASE … TEMPLATE. Each copy is a store of its own, byte for byte the one
 * built, so a test may change it freely; what took the building (dozens of audited writes, a
 * signed package) is paid once per describe instead of once per test. Take the snapshot with
 * every connection to the built store closed (PostgreSQL copies only an idle database).
 */
export class StoreSnapshot {
  private constructor(
    private readonly dialect: DialectUnderTest,
    private readonly home: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly database: string | null,
  ) {}

  static of(dialect: DialectUnderTest, home: string, env: NodeJS.ProcessEnv): StoreSnapshot {
    if (existsSync(path.join(home, 'ccheck.db-wal'))) throw new Error('snapshot of a SQLite store still open (its -wal file is there)');
    const database = dialect === 'postgres' ? new URL(env.DATABASE_URL!).pathname.slice(1) : null;
    return new StoreSnapshot(dialect, home, env, database);
  }

  async copy(): Promise<StoreCopy> {
    const tmp = tempDir();
    cpSync(this.home, tmp.dir, { recursive: true });
    const { env: storeEnv, drop } = await createStore(this.dialect, tmp.dir, this.database);
    // Every other setting naming the built home names the copy's.
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(this.env)) env[k] = v?.split(this.home).join(tmp.dir);
    Object.assign(env, storeEnv);
    return {
      home: tmp.dir,
      env,
      remove: async () => {
        await drop();
        tmp.cleanup();
      },
    };
  }
}
