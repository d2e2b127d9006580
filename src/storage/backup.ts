import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import type { Witness } from '../core/audit/audit-auth.js';
import { CoreError } from '../core/errors.js';
import { verifyAuditTrail } from './audited-writer.js';
import { migrate, type OpenDatabase } from './database.js';
import type { EvidenceVault } from './evidence-vault.js';
import type { Database } from './schema.js';

/** Tables in the order a restore inserts them: parents before children, the chain last. */
const TABLES: { name: keyof Database; order: string[] }[] = [
  { name: 'firms', order: ['id'] },
  { name: 'catalog_versions', order: ['id'] },
  { name: 'catalog_imports', order: ['id'] },
  { name: 'inspection_runs', order: ['id'] },
  { name: 'item_results', order: ['id'] },
  { name: 'result_recordings', order: ['id'] },
  { name: 'evidence', order: ['id'] },
  { name: 'result_evidence', order: ['result_id', 'evidence_id'] },
  { name: 'approvals', order: ['id'] },
  { name: 'rejections', order: ['id'] },
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
  /** What the audit check before the backup could not prove (no audit key here: MACs unchecked); empty when everything verified. */
  readonly auditFlags?: readonly string[];
  readonly tables: readonly { readonly name: string; readonly file: string; readonly rows: number; readonly sha256: string }[];
  readonly blobs: readonly { readonly sha256: string; readonly file: string; readonly fileSha256: string }[];
  /** Files kept outside the database (signed packages, the signing key), each with its SHA-256. Absent in backups before issue 12. */
  readonly files?: readonly BackupFile[];
}

export interface BackupFile {
  readonly kind: 'package' | 'signing-public-key' | 'signing-private-key-sealed';
  readonly file: string;
  readonly sha256: string;
}

/** The audit key and the witnessed heads, both kept outside the database (issue 12, item 4). */
export interface AuditAuth {
  readonly key: Uint8Array | null;
  readonly witnesses: readonly Witness[];
}

/** Where the installation keeps what a backup carries besides the database. */
export interface InstallationFiles {
  /** The signed packages the installation kept (`<home>/packages`). */
  readonly packagesDir: string;
  /** The package-signing key's two halves (the private one only restored, never backed up in clear). */
  readonly signingKey: { readonly privateKey: string; readonly publicKey: string };
}

const PUBLIC_KEY_FILE = 'package-signing.pub';
const SEALED_KEY_FILE = 'package-signing.key.sealed';

const sha256File = (file: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(file)
      .on('data', (c) => h.update(c))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')));
  });

/* eslint-disable @typescript-eslint/no-explicit-any -- tables are iterated by name */
/** Runs `fn` in one read transaction: every read sees the same committed state while writers go on. */
export async function readSnapshot<T>(open: OpenDatabase, fn: (db: Kysely<any>) => Promise<T>): Promise<T> {
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
export async function backup(
  open: OpenDatabase,
  vault: EvidenceVault,
  dir: string,
  now: string,
  options: { auth?: AuditAuth; extras?: BackupExtras } = {},
): Promise<BackupManifest> {
  if (existsSync(dir) && readdirSync(dir).length > 0) throw new CoreError('OUTPUT_EXISTS', `${dir} is not empty; back up into a new folder`, {}, { file: dir });
  const existed = existsSync(dir);
  try {
    return await writeBackup(open, vault, dir, now, options);
  } catch (e) {
    // A backup that cannot be trusted is not left behind to be trusted later.
    if (existed) for (const f of readdirSync(dir)) rmSync(path.join(dir, f), { recursive: true, force: true });
    else rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

/**
 * The audit trail as one error naming its first problem, or its head when it is intact. Given the
 * audit key and the witnesses, each event's MAC and each witnessed head are checked too: a chain
 * rewritten from genesis with fresh hashes, or cut after a witnessed head, is refused like a
 * broken link. What cannot be checked here (MACs without the audit key) is returned as a flag;
 * `tolerate` turns other kinds into flags (a restore of an older backup lacks later witnessed events).
 */
export async function assertAuditIntact(
  db: Kysely<Database>,
  doing: string,
  auth?: AuditAuth,
  tolerate: readonly string[] = [],
): Promise<{ head: string; events: number; flags: string[] }> {
  const check = await verifyAuditTrail(db, auth);
  const flagged = (kind: string) => kind === 'mac_unverifiable' || tolerate.includes(kind);
  const refused = check.problems.filter((p) => !flagged(p.kind));
  const first = refused[0];
  if (first) {
    throw new CoreError(
      'AUDIT_CHAIN_BROKEN',
      `${doing} refused: the audit trail has ${refused.length} problem(s), the first: ${first.kind}${first.seq !== null ? ` #${first.seq}` : ''} ${first.entity ?? ''}${first.label ? ` (${first.label})` : ''} ${first.detail}`,
      { problems: refused.length, first: `${first.kind} ${first.entity ?? ''} ${first.label ?? first.entityId ?? ''}`.trim() },
    );
  }
  return { head: check.head, events: check.events, flags: check.problems.filter((p) => flagged(p.kind)).map((p) => `${p.kind}: ${p.detail}`) };
}

/** What a backup carries besides the database: the signed packages, the public key, and the sealed private key only when asked. */
export interface BackupExtras {
  readonly packagesDir: string;
  readonly signingPublicKeyPem: string | null;
  /** The private half sealed with the vault key (AES-256-GCM), or null: only when asked. */
  readonly sealedSigningKey: string | null;
}

/** Copies the extras into the backup folder (files 0600) and lists them with their SHA-256 for the manifest. */
function writeExtras(dir: string, extras: BackupExtras): BackupFile[] {
  const files: BackupFile[] = [];
  const put = (kind: BackupFile['kind'], file: string, body: Buffer | string) => {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true, mode: 0o700 });
    writeFileSync(path.join(dir, file), body, { mode: 0o600 });
    files.push({ kind, file, sha256: createHash('sha256').update(body).digest('hex') });
  };
  if (existsSync(extras.packagesDir))
    for (const name of readdirSync(extras.packagesDir).sort())
      if (name.endsWith('.zip')) put('package', path.join('packages', name), readFileSync(path.join(extras.packagesDir, name)));
  if (extras.signingPublicKeyPem) put('signing-public-key', PUBLIC_KEY_FILE, extras.signingPublicKeyPem);
  if (extras.sealedSigningKey) put('signing-private-key-sealed', SEALED_KEY_FILE, `${extras.sealedSigningKey}\n`);
  return files;
}

async function writeBackup(
  open: OpenDatabase,
  vault: EvidenceVault,
  dir: string,
  now: string,
  options: { auth?: AuditAuth; extras?: BackupExtras },
): Promise<BackupManifest> {
  // Backups are data at rest too: the folder for its owner only, files 0600.
  mkdirSync(path.join(dir, 'tables'), { recursive: true, mode: 0o700 });
  const { tables, shas, flags } = await readSnapshot(open, async (db) => {
    // Verified first, in the same snapshot that is copied: a tampered store is not backed up as if
    // intact, nor one whose MACs or witnessed heads fail (a chain rewritten by a database writer).
    // eslint-disable-next-line @typescript-eslint/no-unsafe-argument -- the snapshot is the same database, typed loosely to iterate tables by name
    const { flags } = await assertAuditIntact(db, 'backup', options.auth);
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
    return { tables: out, shas, flags };
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
  const files = options.extras ? writeExtras(dir, options.extras) : [];
  const audit = tables.find((t) => t.name === 'audit_events')!;
  const lastEvent = readFileSync(path.join(dir, audit.file), 'utf8').trim().split('\n').pop();
  const manifest: BackupManifest = {
    format: 'ccheck-backup/1',
    createdAt: now,
    source: { dialect: open.dialect, location: open.location },
    auditHead: lastEvent ? String((JSON.parse(lastEvent) as { hash: string }).hash) : 'none',
    auditEvents: audit.rows,
    auditFlags: flags,
    tables,
    blobs,
    files,
  };
  const text = `${JSON.stringify(manifest, null, 2)}\n`;
  writeFileSync(path.join(dir, 'manifest.json'), text, { mode: 0o600 });
  writeFileSync(path.join(dir, 'manifest.sha256'), `${createHash('sha256').update(text).digest('hex')}  manifest.json\n`, { mode: 0o600 });
  return manifest;
}

/** What a restore did besides the database, and what it could not prove. */
export interface RestoreOutcome {
  readonly manifest: BackupManifest;
  readonly verified: boolean;
  /** Audit problems that do not refuse a restore: MACs without the audit key here, events witnessed after the backup was made. */
  readonly flags: readonly string[];
  /** Signed packages put back into the installation (those already there with the same bytes are not counted). */
  readonly packages: number;
  /** The signing key: both halves restored, only the public half, the installation's own kept, or none in the backup. */
  readonly signingKey: 'restored' | 'public-only' | 'kept' | 'none';
}

/**
 * Restores a backup into an empty database. Every hash is checked first — the manifest, each
 * table file, each blob file, each package and key file, and each blob's decrypted content with
 * the vault key — and only then is anything written, in one transaction; the audit trail is
 * verified before the commit (chain, and with the audit key and witnesses, MACs and heads).
 * Then the signed packages and the signing key go back into the installation, never over a file
 * it already has.
 */
export async function restore(
  open: OpenDatabase,
  vault: EvidenceVault,
  dir: string,
  options: { auth?: AuditAuth; installation?: InstallationFiles } = {},
): Promise<RestoreOutcome> {
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
  for (const f of manifest.files ?? []) {
    if (path.isAbsolute(f.file) || f.file.split(/[\\/]/).includes('..')) bad('manifest.json', `${f.file}: not a file inside the backup`);
    if (!existsSync(path.join(dir, f.file))) bad(f.file, 'missing');
    if ((await sha256File(path.join(dir, f.file))) !== f.sha256) bad(f.file, 'content does not match the manifest');
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
  const flags = await open.db.transaction().execute(async (tx) => {
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
    // Checked before the commit: a backup whose trail does not verify restores nothing. Events
    // witnessed after the backup was made are flagged, not refused: restoring last night's backup
    // after losing the database is what backups are for, and the lost events stay on record.
    const check = await assertAuditIntact(tx, 'restore', options.auth, ['tail_cut']);
    if (check.head !== manifest.auditHead) bad('manifest.json', `the restored audit trail ends at ${check.head}, the manifest says ${manifest.auditHead}`);
    return check.flags;
  });
  const files = options.installation
    ? restoreInstallationFiles(vault, dir, manifest.files ?? [], options.installation)
    : { packages: 0, signingKey: 'none' as const, flags: [] as string[] };
  return { manifest, verified: true, flags: [...flags, ...files.flags], packages: files.packages, signingKey: files.signingKey };
}

/** Puts the packages and the signing key back, each through a temporary file and a rename, never over an existing file. */
function restoreInstallationFiles(
  vault: EvidenceVault,
  dir: string,
  files: readonly BackupFile[],
  to: InstallationFiles,
): { packages: number; signingKey: RestoreOutcome['signingKey']; flags: string[] } {
  const flags: string[] = [];
  const place = (target: string, body: Buffer | string, mode: number) => {
    mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
    writeFileSync(`${target}.restore`, body, { mode });
    renameSync(`${target}.restore`, target);
  };
  let packages = 0;
  for (const f of files.filter((x) => x.kind === 'package')) {
    const target = path.join(to.packagesDir, path.basename(f.file));
    const body = readFileSync(path.join(dir, f.file));
    if (!existsSync(target)) {
      place(target, body, 0o600); // decrypted evidence inside: owner only
      packages++;
    } else if (createHash('sha256').update(readFileSync(target)).digest('hex') !== f.sha256) {
      flags.push(`package ${path.basename(f.file)}: the installation holds another file of that name; it was kept, the backup's copy is in ${dir}`);
    }
  }
  const pub = files.find((x) => x.kind === 'signing-public-key');
  const sealed = files.find((x) => x.kind === 'signing-private-key-sealed');
  if (!pub) return { packages, signingKey: 'none', flags };
  const pem = readFileSync(path.join(dir, pub.file), 'utf8');
  const own = existsSync(to.signingKey.publicKey) ? readFileSync(to.signingKey.publicKey, 'utf8') : null;
  if (own !== null && own.trim() !== pem.trim()) {
    flags.push(`the installation signs with another key than the backup's; its own key was kept (the backup's public key is ${path.join(dir, pub.file)})`);
    return { packages, signingKey: 'kept', flags };
  }
  if (own === null && !existsSync(to.signingKey.privateKey)) place(to.signingKey.publicKey, pem, 0o644);
  if (sealed && !existsSync(to.signingKey.privateKey)) {
    // Sealed with the vault key at backup time; the key was checked on every blob above.
    const privatePem = vault.openText(readFileSync(path.join(dir, sealed.file), 'utf8').trim(), 'the package-signing key in the backup');
    place(to.signingKey.privateKey, privatePem, 0o600);
    return { packages, signingKey: 'restored', flags };
  }
  return { packages, signingKey: existsSync(to.signingKey.privateKey) ? 'kept' : 'public-only', flags };
}
/* eslint-enable @typescript-eslint/no-explicit-any */
