import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { CoreError, isCoreError } from '../core/errors.js';
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
    // 10, pg's default: a page reads several tables at once (run page: the results, their evidence links
    // and the analyzer reports together), so 4 made concurrent requests wait for a connection.
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    // An idle connection dropped by the server (restart, admin) must not crash the process;
    // the next query gets a fresh connection, and a query in flight reports its own error.
    pool.on('error', () => undefined);
    // Every connection goes through here: a refused login or a stopped server becomes
    // DATABASE_UNREACHABLE wherever it first shows (init, the "is it set up" check, a write).
    const guarded = {
      connect: async () => {
        try {
          return await pool.connect();
        } catch (e) {
          throw connectionError(e, url) ?? e;
        }
      },
      end: () => pool.end(),
    };
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: guarded }) });
    return { db, dialect: 'postgres', location: redact(url), close: () => db.destroy() };
  }
  if (!options.create && !existsSync(url)) {
    throw new CoreError('STORE_NOT_INITIALISED', `no ccheck database at ${url}: it is not set up`, { location: url });
  }
  // The database holds firms' inspection data: the folder and the files for their owner only.
  // SQLite gives its -wal and -shm files the database file's mode, so creating it 0600 first
  // covers all three; files made before this by an older ccheck are narrowed on open.
  mkdirSync(path.dirname(url), { recursive: true, mode: 0o700 });
  if (!existsSync(url)) {
    try {
      closeSync(openSync(url, 'wx', 0o600));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e; // another ccheck created it just now
    }
  }
  for (const f of [url, `${url}-wal`, `${url}-shm`]) narrowMode(f);
  const file = new SqliteDatabase(url);
  file.pragma('journal_mode = WAL');
  file.pragma('foreign_keys = ON');
  file.pragma('synchronous = FULL');
  file.pragma('busy_timeout = 15000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: keepingStatements(file) }) });
  return { db, dialect: 'sqlite', location: url, writeQueue: new WriteQueue(url), close: () => db.destroy() };
}

/** Prepared statements kept per SQL text, at most (a query with an IN list has one text per list length). */
const STATEMENTS_KEPT = 512;

/**
 * The database as Kysely's SQLite driver sees it, keeping each prepared statement for its SQL text:
 * the driver prepares every query afresh, which cost a run page about a tenth of its time
 * (measured: 6 statements, ~50 µs each). Nothing here iterates a statement (no `.stream()`), the
 * one use in which a kept statement could be asked for while busy; SQLite re-prepares a kept
 * statement itself when a migration changes the schema under it.
 */
function keepingStatements(file: SqliteDatabase.Database): { close(): void; prepare(sql: string): SqliteDatabase.Statement } {
  const kept = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => {
      kept.clear();
      file.close();
    },
    prepare(sql: string) {
      let statement = kept.get(sql);
      if (statement) {
        kept.delete(sql); // least recently used first
      } else {
        statement = file.prepare(sql);
        if (kept.size >= STATEMENTS_KEPT) kept.delete(kept.keys().next().value!);
      }
      kept.set(sql, statement);
      return statement;
    },
  };
}

/** Takes group and other permissions off a data file we own (a file of another owner is left as it is). */
function narrowMode(file: string): void {
  const st = statSync(file, { throwIfNoEntry: false });
  if (!st || (st.mode & 0o077) === 0 || (typeof process.getuid === 'function' && st.uid !== process.getuid())) return;
  chmodSync(file, st.mode & 0o700);
}

/** `host:port` of a PostgreSQL URL, for messages: never the user's password. */
export function serverOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname || 'localhost'}:${u.port || '5432'}`;
  } catch {
    return redact(url);
  }
}

// Socket errors, and the SQLSTATE classes for a login refused (28), a missing database (3D000),
// a server starting or shutting down (57P0x) and a broken connection (08).
const CONNECTION_ERRNO = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EPIPE']);

/**
 * DATABASE_UNREACHABLE when `e` says the server could not be reached or refused the login, so
 * that a wrong password or a stopped server is not mistaken for an empty store ("run ccheck
 * init") or an unexpected error. The message names the host, never the password.
 */
export function connectionError(e: unknown, url: string): CoreError | null {
  if (!isPostgresUrl(url) || e === null || typeof e !== 'object') return null;
  const err = e as { code?: unknown; message?: unknown; errors?: unknown };
  const code = typeof err.code === 'string' ? err.code : '';
  // AggregateError (IPv4 and IPv6 both refused) carries the socket errors inside.
  const inner = Array.isArray(err.errors) ? (err.errors as { code?: unknown }[]).map((x) => (typeof x.code === 'string' ? x.code : '')) : [];
  const message = typeof err.message === 'string' ? err.message : '';
  const socket = CONNECTION_ERRNO.has(code) || inner.some((c) => CONNECTION_ERRNO.has(c)) || /Connection terminated|timeout expired/i.test(message);
  const login = /^28/.test(code);
  const noDatabase = code === '3D000';
  if (!socket && !login && !noDatabase && !/^57P0|^08/.test(code)) return null;
  const host = serverOf(url);
  const [reason, reasonZh] = login
    ? ['the server refused the login (user or password)', '伺服器拒絕登入（帳號或密碼錯誤）']
    : noDatabase
      ? ['the database named in DATABASE_URL does not exist on the server', 'DATABASE_URL 所指的資料庫不存在']
      : ['no answer from the server (down, or wrong host or port)', '伺服器沒有回應（未啟動，或主機、埠號錯誤）'];
  // pg's own messages name the user at most, never the password; a URL in them is redacted anyway.
  const detail = redact(message || code).replace(/postgres(ql)?:\/\/\S+/gi, (m) => redact(m));
  return new CoreError('DATABASE_UNREACHABLE', `cannot use the PostgreSQL server at ${host}: ${reason} (${detail})`, {
    host,
    reason,
    reason_zh: reasonZh,
  });
}

/** Brings the schema up to date; the migrator holds its own lock, so concurrent starts are safe. */
export async function migrate(db: Kysely<Database>): Promise<void> {
  const { error, results } = await new Migrator({ db, provider: migrationProvider }).migrateToLatest();
  if (isCoreError(error)) throw error;
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`migration ${failed} failed: ${error instanceof Error ? error.message : JSON.stringify(error)}`);
  }
}

/** True once `ccheck init` has created the schema; DATABASE_UNREACHABLE when the server cannot be used at all. */
export async function isInitialised(db: Kysely<Database>): Promise<boolean> {
  try {
    await sql`select count(*) from kysely_migration`.execute(db);
    return true;
  } catch (e) {
    if (isCoreError(e) && e.code === 'DATABASE_UNREACHABLE') throw e;
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
