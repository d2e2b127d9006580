import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { canonicalJson, verifyVersionHash, type CatalogVersion } from '../../core/catalog/catalog-version.js';
import { CoreError } from '../../core/errors.js';
import type { CatalogVersionRepository, ImportedVersion } from '../../core/ports/catalog-versions.js';
import type { AuditedWriter } from '../audited-writer.js';
import type { CatalogImportsTable, Database } from '../schema.js';

/** What the repository needs of the inspection store: its connection and its one audited write transaction. */
export interface AuditedStore {
  readonly db: Kysely<Database>;
  writeRows<T>(actorLabel: string, fn: (w: AuditedWriter, tx: Kysely<Database>) => Promise<T>): Promise<T>;
}

/**
 * Rows already parsed and checked, by the SHA-256 of their stored text: a row whose text is
 * byte for byte one already verified needs no second parse, and a row edited in any way has
 * other text, misses this cache and is checked again (the check is on every read; only its
 * cost is saved).
 */
const verified = new Map<string, CatalogVersion>();

function versionOf(row: Pick<CatalogImportsTable, 'id' | 'hash' | 'content_json'>): CatalogVersion {
  const digest = createHash('sha256').update(row.content_json).digest('hex');
  const known = verified.get(digest);
  if (known && known.id === row.id && known.hash === row.hash) return known;
  const where = `catalog version "${row.id}" in the database`;
  let version: CatalogVersion;
  try {
    version = JSON.parse(row.content_json) as CatalogVersion;
  } catch {
    throw new CoreError('CATALOG_VERSION_CORRUPT', `${where}: its stored content is not valid JSON`, { id: row.id });
  }
  // The row's columns and its content must agree, and the content must hash to what it claims:
  // a row edited in the database (content, id or hash) is refused, never trusted.
  if (typeof version.hash !== 'string' || version.id !== row.id || version.hash !== row.hash || !verifyVersionHash(version)) {
    throw new CoreError('CATALOG_VERSION_CORRUPT', `${where}: its content does not match its hash ${row.hash}; it was changed after import`, { id: row.id });
  }
  if (verified.size > 64) verified.clear();
  verified.set(digest, version);
  return version;
}

const importedOf = (row: CatalogImportsTable): ImportedVersion => ({ version: versionOf(row), importedAt: row.imported_at, importedBy: row.imported_by });

const conflict = (id: string, hash: string) =>
  new CoreError(
    'CATALOG_VERSION_CONFLICT',
    `catalog version "${id}" already exists with other content (${hash.slice(0, 19)}…); versions are immutable: import under another id`,
    { id },
  );

/** Imported catalog versions in `catalog_imports` (migration 0007), written through the audit chain. */
export class KyselyCatalogVersionRepository implements CatalogVersionRepository {
  constructor(
    private readonly store: AuditedStore,
    private readonly clock: { now(): string },
  ) {}

  async list(): Promise<ImportedVersion[]> {
    const rows = await this.store.db.selectFrom('catalog_imports').selectAll().orderBy('imported_at').orderBy('id').execute();
    return rows.map(importedOf);
  }

  async get(id: string): Promise<ImportedVersion | null> {
    const row = await this.store.db.selectFrom('catalog_imports').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? importedOf(row) : null;
  }

  async save(
    versions: readonly CatalogVersion[],
    by: string,
    reserved: ReadonlyMap<string, string> = new Map(),
  ): Promise<{ written: CatalogVersion[]; unchanged: CatalogVersion[] }> {
    // Checked before the transaction too, so that a refused import never creates an audit key or waits for the write lock.
    const classify = (stored: ReadonlyMap<string, string>) => {
      const written: CatalogVersion[] = [];
      const unchanged: CatalogVersion[] = [];
      const seen = new Map<string, string>();
      for (const v of versions) {
        if (!verifyVersionHash(v))
          throw new CoreError('CATALOG_VERSION_CORRUPT', `catalog version "${v.id}": its content does not match its hash ${v.hash}`, { id: v.id });
        const old = reserved.get(v.id) ?? stored.get(v.id) ?? seen.get(v.id);
        if (old !== undefined && old !== v.hash) throw conflict(v.id, old);
        if (old === undefined) written.push(v);
        else unchanged.push(v);
        seen.set(v.id, v.hash);
      }
      return { written, unchanged };
    };
    const ids = versions.map((v) => v.id);
    const hashesIn = async (db: Kysely<Database>) =>
      new Map(
        ids.length ? (await db.selectFrom('catalog_imports').select(['id', 'hash']).where('id', 'in', ids).execute()).map((r) => [r.id, r.hash] as const) : [],
      );
    const outside = classify(await hashesIn(this.store.db));
    if (outside.written.length === 0) return outside;
    // Inside the one write transaction (other writers, in this process or another, wait for it):
    // two imports of the same version at once store one row; the second finds it and reports it unchanged.
    return this.store.writeRows(by, async (w, tx) => {
      const result = classify(await hashesIn(tx));
      const at = this.clock.now();
      for (const v of result.written) {
        await w.insert(
          'catalog_imports',
          {
            id: v.id,
            hash: v.hash,
            title: v.title,
            effective_date: v.effectiveDate,
            source_kind: v.source.kind,
            content_json: canonicalJson(v),
            imported_at: at,
            imported_by: by,
          },
          'catalog.import',
        );
      }
      return result;
    });
  }
}
