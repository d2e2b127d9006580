import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import { CoreError } from '../core/errors.js';
import { verifyAuditTrail } from './audited-writer.js';
import { migrate, type OpenDatabase } from './database.js';
import type { EvidenceVault } from './evidence-vault.js';
import type { Database } from './schema.js';

/** Tables in the order a restore inserts them: parents before children, the chain last. */
const TABLES: { name: keyof Database; order: string[] }[] = [
  { name: 'firms', order: ['id'] },
  { name: 'catalog_versions', order: ['id'] },
  { name: 'inspection_runs', order: ['id'] },
  { name: 'item_results', order: ['id'] },
  { name: 'result_recordings', order: ['id'] },
  { name: 'evidence', order: ['id'] },
  { name: 'result_evidence', order: ['result_id', 'evidence_id'] },
  { name: 'approvals', order: ['id'] },
  { name: 'result_rejections', order: ['id'] },
  { name: 'findings', order: ['opened_at', 'id'] }, // a repeat finding points at an earlier one
  { name: 'analyzer_reports', order: ['id'] },
  { name: 'run_revisions', order: ['revision', 'id'] },
  { name: 'run_signoffs', order: ['id'] },
  { name: 'firm_retention', order: ['id'] },
  { name: 'accounts', order: ['id'] },
  { name: 'account_grants', order: ['id'] },
  { name: 'second_factors', order: ['id'] },
  { name: 'recovery_codes', order: ['id'] },
  { name: 'login_attempts', order: ['seq'] },
  { name: 'audit_events', order: ['seq'] },
];

export interface BackupManifest {
  readonly format: 'ccheck-backup/1';
  readonly createdAt: string;
  readonly source: { readonly dialect: string; readonly location: string };
  readonly auditHead: string;
  readonly auditEvents: number;
  readonly tables: readonly { readonly name: string; readonly file: string; readonly rows: number; readonly sha256: string }[];
  readonly blobs: readonly { readonly sha256: string; readonly file: string; readonly fileSha256: string }[];
}

const sha256File = (file: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(file)
      .on('data', (c) => h.update(c))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')));
  });

/* eslint-disable @typescript-eslint/no-explicit-any -- tables are iterated by name */
async function readSnapshot<T>(open: OpenDatabase, fn: (db: Kysely<any>) => Promise<T>): Promise<T> {
  if (open.dialect === 'postgres') {
    return open.db
      .transaction()
      .setIsolationLevel('repeatable read')
      .execute((tx) => fn(tx as unknown as Kysely<any>));
  }
  // In WAL mode a read transaction sees one consistent snapshot while writers go on.
  return open.db.connection().execute(async (conn) => {
    await sql`begin`.execute(conn);
    try {
      return await fn(conn);
    } finally {
      await sql`commit`.execute(conn);
    }
  });
}

/**
 * Writes a consistent snapshot: every table as JSON Lines from one read transaction, the
 * evidence blobs as stored (still encrypted), and a manifest with the SHA-256 of every file.
 * The format is logical, so a backup of SQLite restores into PostgreSQL and back.
 */
export async function backup(open: OpenDatabase, vault: EvidenceVault, dir: string, now: string): Promise<BackupManifest> {
  if (existsSync(dir) && readdirSync(dir).length > 0) throw new CoreError('OUTPUT_EXISTS', `${dir} is not empty; back up into a new folder`, {}, { file: dir });
  const existed = existsSync(dir);
  try {
    return await writeBackup(open, vault, dir, now);
  } catch (e) {
    // A backup that cannot be trusted is not left behind to be trusted later.
    if (existed) for (const f of readdirSync(dir)) rmSync(path.join(dir, f), { recursive: true, force: true });
    else rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

/** The audit trail as one error naming its first problem, or nothing when it is intact. */
export async function assertAuditIntact(db: Kysely<Database>, doing: string): Promise<{ head: string; events: number }> {
  const check = await verifyAuditTrail(db);
  const first = check.problems[0];
  if (!check.ok && first) {
    throw new CoreError(
      'AUDIT_CHAIN_BROKEN',
      `${doing} refused: the audit trail has ${check.problems.length} problem(s), the first: ${first.kind}${first.seq !== null ? ` #${first.seq}` : ''} ${first.entity ?? ''}${first.label ? ` (${first.label})` : ''} ${first.detail} (run ccheck audit verify)`,
      { problems: check.problems.length, first: `${first.kind} ${first.entity ?? ''} ${first.label ?? first.entityId ?? ''}`.trim() },
    );
  }
  return { head: check.head, events: check.events };
}

async function writeBackup(open: OpenDatabase, vault: EvidenceVault, dir: string, now: string): Promise<BackupManifest> {
  // Backups are data at rest too: the folder for its owner only, files 0600.
  mkdirSync(path.join(dir, 'tables'), { recursive: true, mode: 0o700 });
  const { tables, shas } = await readSnapshot(open, async (db) => {
    // Verified first, in the same snapshot that is copied: a tampered store is not backed up as if intact.
    // eslint-disable-next-line @typescript-eslint/no-unsafe-argument -- the snapshot is the same database, typed loosely to iterate tables by name
    await assertAuditIntact(db, 'backup');
    const out: { name: string; file: string; rows: number; sha256: string }[] = [];
    const shas: string[] = [];
    for (const t of TABLES) {
      let q = db.selectFrom(t.name).selectAll();
      for (const o of t.order) q = q.orderBy(o);
      const rows = (await q.execute()) as Record<string, unknown>[];
      if (t.name === 'evidence') shas.push(...rows.map((r) => String(r.sha256)));
      const file = path.join('tables', `${t.name}.jsonl`);
      const body = rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : '');
      writeFileSync(path.join(dir, file), body, { mode: 0o600 });
      out.push({ name: t.name, file, rows: rows.length, sha256: createHash('sha256').update(body).digest('hex') });
    }
    return { tables: out, shas };
  });
  const blobs: { sha256: string; file: string; fileSha256: string }[] = [];
  for (const sha of [...new Set(shas)].sort()) {
    const file = path.join('vault', sha.slice(0, 2), `${sha}.enc`);
    mkdirSync(path.join(dir, path.dirname(file)), { recursive: true, mode: 0o700 });
    // Each blob is decrypted and re-hashed before it is copied: a flipped byte stops the backup here.
    await vault.verify(sha);
    copyFileSync(vault.fileOf(sha), path.join(dir, file));
    chmodSync(path.join(dir, file), 0o600);
    blobs.push({ sha256: sha, file, fileSha256: await sha256File(path.join(dir, file)) });
  }
  const audit = tables.find((t) => t.name === 'audit_events')!;
  const lastEvent = readFileSync(path.join(dir, audit.file), 'utf8').trim().split('\n').pop();
  const manifest: BackupManifest = {
    format: 'ccheck-backup/1',
    createdAt: now,
    source: { dialect: open.dialect, location: open.location },
    auditHead: lastEvent ? String((JSON.parse(lastEvent) as { hash: string }).hash) : 'none',
    auditEvents: audit.rows,
    tables,
    blobs,
  };
  const text = `${JSON.stringify(manifest, null, 2)}\n`;
  writeFileSync(path.join(dir, 'manifest.json'), text, { mode: 0o600 });
  writeFileSync(path.join(dir, 'manifest.sha256'), `${createHash('sha256').update(text).digest('hex')}  manifest.json\n`, { mode: 0o600 });
  return manifest;
}

/**
 * Restores a backup into an empty database. Every hash is checked first — the manifest, each
 * table file, each blob file, and each blob's decrypted content with the vault key — and only
 * then is anything written, in one transaction; the audit trail is verified afterwards.
 */
export async function restore(open: OpenDatabase, vault: EvidenceVault, dir: string): Promise<{ manifest: BackupManifest; verified: boolean }> {
  const bad = (file: string, what: string): never => {
    throw new CoreError('BACKUP_INVALID', `${path.join(dir, file)}: ${what}`, { what }, { file: path.join(dir, file) });
  };
  if (!existsSync(path.join(dir, 'manifest.json'))) bad('manifest.json', 'missing: not a ccheck backup');
  const text = readFileSync(path.join(dir, 'manifest.json'), 'utf8');
  const recorded = existsSync(path.join(dir, 'manifest.sha256')) ? readFileSync(path.join(dir, 'manifest.sha256'), 'utf8').split(/\s+/)[0] : '';
  if (createHash('sha256').update(text).digest('hex') !== recorded) bad('manifest.json', 'does not match manifest.sha256');
  const manifest = JSON.parse(text) as BackupManifest;
  if (manifest.format !== 'ccheck-backup/1') bad('manifest.json', `unknown format ${String(manifest.format)}`);
  for (const t of manifest.tables) {
    if (!existsSync(path.join(dir, t.file))) bad(t.file, 'missing');
    if ((await sha256File(path.join(dir, t.file))) !== t.sha256) bad(t.file, 'content does not match the manifest');
  }
  for (const b of manifest.blobs) {
    if (!existsSync(path.join(dir, b.file))) bad(b.file, 'missing');
    if ((await sha256File(path.join(dir, b.file))) !== b.fileSha256) bad(b.file, 'content does not match the manifest');
  }

  await migrate(open.db);
  const any = open.db as unknown as Kysely<any>;
  for (const t of TABLES) {
    const n = await any
      .selectFrom(t.name)
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirst();
    if (Number((n as { n: unknown } | undefined)?.n ?? 0) > 0) {
      throw new CoreError('RESTORE_TARGET_NOT_EMPTY', `the target database already holds ${t.name}; restore into an empty database`, { table: t.name });
    }
  }
  // Blobs go into the vault first (each decrypted and re-hashed with this key, so a wrong key
  // stops here); they are content-addressed, so an interrupted restore can simply be re-run.
  for (const b of manifest.blobs) {
    if (!vault.has(b.sha256)) {
      const target = vault.fileOf(b.sha256);
      mkdirSync(path.dirname(target), { recursive: true });
      copyFileSync(path.join(dir, b.file), `${target}.restore`);
      renameSync(`${target}.restore`, target);
    }
    await vault.verify(b.sha256);
  }
  await open.db.transaction().execute(async (tx) => {
    const db = tx as unknown as Kysely<any>;
    for (const t of manifest.tables) {
      const lines = readFileSync(path.join(dir, t.file), 'utf8')
        .split('\n')
        .filter((l) => l !== '');
      for (let i = 0; i < lines.length; i += 200) {
        const rows = lines.slice(i, i + 200).map((l) => JSON.parse(l) as Record<string, unknown>);
        await db.insertInto(t.name).values(rows).execute();
      }
    }
    // Checked before the commit: a backup whose trail does not verify restores nothing.
    const check = await assertAuditIntact(tx, 'restore');
    if (check.head !== manifest.auditHead) bad('manifest.json', `the restored audit trail ends at ${check.head}, the manifest says ${manifest.auditHead}`);
  });
  return { manifest, verified: true };
}
/* eslint-enable @typescript-eslint/no-explicit-any */
