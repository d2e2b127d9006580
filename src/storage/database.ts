import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { CoreError } from '../core/errors.js';
import { migrationProvider } from './migrations.js';
import type { Database } from './schema.js';
import { WriteQueue } from './write-queue.js';

export type DialectName = 'sqlite' | 'postgres';

export interface OpenDatabase {
  readonly db: Kysely<Database>;
  readonly dialect: DialectName;
  /** Where the data is, without a password: for messages and backup manifests. */
  readonly location: string;
  /** SQLite: the first-come-first-served order of writing processes (write-queue.ts). */
  readonly writeQueue?: WriteQueue;
  close(): Promise<void>;
}

const isPostgresUrl = (url: string) => /^postgres(ql)?:\/\//i.test(url);

/** `DATABASE_URL` (postgres://…) for a server; otherwise the embedded SQLite file in the ccheck home. */
export function databaseUrlFor(env: NodeJS.ProcessEnv, home: string): string {
  return env.DATABASE_URL?.trim() || path.join(home, 'ccheck.db');
}

function redact(url: string): string {
  return isPostgresUrl(url) ? url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@') : url;
}

/**
 * Opens the store. SQLite runs in WAL mode with foreign keys on, full sync and a busy timeout,
 * so that two ccheck processes wait for each other instead of failing or corrupting the file.
 */
export function openDatabase(url: string, options: { create?: boolean } = {}): OpenDatabase {
  if (isPostgresUrl(url)) {
    const pool = new pg.Pool({ connectionString: url, max: 4 });
    // An idle connection dropped by the server (restart, admin) must not crash the process;
    // the next query gets a fresh connection, and a query in flight reports its own error.
    pool.on('error', () => undefined);
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, dialect: 'postgres', location: redact(url), close: () => db.destroy() };
  }
  if (!options.create && !existsSync(url)) {
    throw new CoreError('STORE_NOT_INITIALISED', `no ccheck database at ${url}: run ccheck init first`, { location: url });
  }
  mkdirSync(path.dirname(url), { recursive: true });
  const file = new SqliteDatabase(url);
  file.pragma('journal_mode = WAL');
  file.pragma('foreign_keys = ON');
  file.pragma('synchronous = FULL');
  file.pragma('busy_timeout = 15000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: file }) });
  return { db, dialect: 'sqlite', location: url, writeQueue: new WriteQueue(url), close: () => db.destroy() };
}

/** Brings the schema up to date; the migrator holds its own lock, so concurrent starts are safe. */
export async function migrate(db: Kysely<Database>): Promise<void> {
  const { error, results } = await new Migrator({ db, provider: migrationProvider }).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`migration ${failed} failed: ${error instanceof Error ? error.message : JSON.stringify(error)}`);
  }
}

/** True once `ccheck init` has created the schema. */
export async function isInitialised(db: Kysely<Database>): Promise<boolean> {
  try {
    await sql`select count(*) from kysely_migration`.execute(db);
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs `fn` in a transaction that no other writer can interleave with: SQLite takes the write
 * lock up front (BEGIN IMMEDIATE, so no deadlock on upgrade), after waiting its turn in the
 * writers' queue so that no process starves; PostgreSQL takes a transaction advisory lock, whose
 * waiters the server queues in order. The audit chain needs exactly this: one writer appends at a
 * time, and every writer gets its turn however busy the machine is.
 */
export async function withWriteTransaction<T>(open: Pick<OpenDatabase, 'db' | 'dialect' | 'writeQueue'>, fn: (tx: Kysely<Database>) => Promise<T>): Promise<T> {
  if (open.dialect === 'postgres') {
    return open.db.transaction().execute(async (tx) => {
      await sql`select pg_advisory_xact_lock(727274)`.execute(tx);
      return fn(tx);
    });
  }
  const leave = open.writeQueue ? await open.writeQueue.enter() : () => {};
  try {
    return await sqliteImmediate(open.db, fn);
  } finally {
    leave();
  }
}

async function sqliteImmediate<T>(db: Kysely<Database>, fn: (tx: Kysely<Database>) => Promise<T>): Promise<T> {
  return db.connection().execute(async (conn) => {
    try {
      await sql`begin immediate`.execute(conn);
    } catch (e) {
      throw new CoreError('STORE_BUSY', `the database is busy (another ccheck is writing): ${(e as Error).message}`, {});
    }
    try {
      const result = await fn(conn);
      await sql`commit`.execute(conn);
      return result;
    } catch (e) {
      await sql`rollback`.execute(conn);
      throw e;
    }
  });
}
