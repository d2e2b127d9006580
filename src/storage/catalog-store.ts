import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { verifyVersionHash, type CatalogVersion } from '../core/catalog/catalog-version.js';
import { CoreError } from '../core/errors.js';
import type { CatalogVersionRepository } from '../core/ports/catalog-versions.js';

/** The one file format of a shipped version: pretty JSON, so that a diff of data/ in git is readable. */
export function serializeVersion(version: CatalogVersion): string {
  return `${JSON.stringify(version, null, 2)}\n`;
}

/** `builtin`: shipped with ccheck (data/catalog/versions); `user`: imported. */
export type VersionOrigin = 'builtin' | 'user';

export interface StoredVersion {
  readonly version: CatalogVersion;
  readonly origin: VersionOrigin;
  /** The file it is read from: a shipped version, or an import not (yet) in a database; null for one in the database. */
  readonly file: string | null;
  /** Who imported it and when (imports in the database; null otherwise). */
  readonly importedAt: string | null;
  readonly importedBy: string | null;
}

/** What an earlier ccheck's on-disk import becomes once it is in the database: renamed, never deleted. */
export const MOVED_SUFFIX = '.moved-to-database';

/** Files already parsed and checked, by the SHA-256 of their bytes (other bytes are checked again). */
const verifiedFiles = new Map<string, CatalogVersion>();

function readVersionFile(file: string): CatalogVersion {
  const text = readFileSync(file, 'utf8');
  const digest = createHash('sha256').update(text).digest('hex');
  const known = verifiedFiles.get(digest);
  if (known) return known;
  let version: CatalogVersion;
  try {
    version = JSON.parse(text) as CatalogVersion;
  } catch {
    throw new CoreError('CATALOG_VERSION_CORRUPT', `${file}: not valid JSON`, {}, { file });
  }
  if (typeof version.hash !== 'string' || !verifyVersionHash(version)) {
    throw new CoreError(
      'CATALOG_VERSION_CORRUPT',
      `${file}: content does not match its hash ${version.hash}; the file was changed after import`,
      { id: version.id },
      { file },
    );
  }
  if (verifiedFiles.size > 64) verifiedFiles.clear();
  verifiedFiles.set(digest, version);
  return version;
}

const gone = (e: unknown) => (e as NodeJS.ErrnoException).code === 'ENOENT';

function readDir(dir: string | null): { version: CatalogVersion; file: string }[] {
  if (!dir || !existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .flatMap((f) => {
      try {
        return [{ file: path.join(dir, f), version: readVersionFile(path.join(dir, f)) }];
      } catch (e) {
        if (gone(e)) return []; // moved into the database by another ccheck just now
        throw e;
      }
    });
}

const byDate = (a: StoredVersion, b: StoredVersion) =>
  (a.version.effectiveDate ?? '0000').localeCompare(b.version.effectiveDate ?? '0000') || a.version.id.localeCompare(b.version.id);

/**
 * Every catalog version an installation knows: the curated ones shipped in `data/catalog/versions`
 * (read-only files) and those users imported, kept in the database (ADR-0003) so that every
 * process and machine on one store agrees. Versions are immutable: saving an id that exists with
 * other content is refused, and every read re-checks the content hash, so a file or a row edited
 * by hand is reported, not trusted.
 *
 * Without a database (`imports` null: a fresh machine, before `ccheck init`) the store lists the
 * shipped versions and the imports an earlier ccheck left on disk, and refuses to import. With
 * one, those on-disk imports are moved into it on first use: checked by hash, then the file is
 * renamed (`.moved-to-database`), never deleted.
 */
export class CatalogStore {
  private adopted: Promise<void> | null = null;

  constructor(
    private readonly builtinDir: string,
    private readonly imports: CatalogVersionRepository | null,
    /** Where an earlier ccheck kept imports ($CCHECK_HOME/catalog). */
    private readonly legacyDir: string | null,
  ) {}

  /** True when imports go to a database (false: shipped versions and on-disk imports only, read-only). */
  get hasDatabase(): boolean {
    return this.imports !== null;
  }

  private shipped(): StoredVersion[] {
    return readDir(this.builtinDir).map(({ version, file }) => ({ version, origin: 'builtin', file, importedAt: null, importedBy: null }));
  }

  /** Moves an earlier ccheck's on-disk imports into the database, once per store object (and again harmlessly if it was interrupted). */
  private ready(): Promise<void> {
    this.adopted ??= this.adoptOnDiskImports().catch((e: unknown) => {
      this.adopted = null; // a refused move is reported on every use until it is resolved
      throw e;
    });
    return this.adopted;
  }

  private async adoptOnDiskImports(): Promise<void> {
    if (!this.imports) return;
    const files = readDir(this.legacyDir);
    if (files.length === 0) return;
    const reserved = new Map(this.shipped().map((s) => [s.version.id, s.version.hash]));
    // One audited write, all or nothing; a version already in the database with the same hash is unchanged.
    const toStore = files.filter((f) => reserved.get(f.version.id) !== f.version.hash);
    await this.imports.save(
      toStore.map((f) => f.version),
      'ccheck',
      reserved,
    );
    for (const f of files) {
      // Renamed only once the database holds exactly this content (or ships it): nothing is lost.
      const stored = reserved.get(f.version.id) ?? (await this.imports.get(f.version.id))?.version.hash;
      if (stored !== f.version.hash) continue;
      try {
        renameSync(f.file, `${f.file}${MOVED_SUFFIX}`);
      } catch (e) {
        if (!gone(e)) throw e; // another ccheck opening the same home moved it first
      }
    }
  }

  async list(): Promise<StoredVersion[]> {
    const shipped = this.shipped();
    if (!this.imports) {
      const onDisk = readDir(this.legacyDir).map(({ version, file }): StoredVersion => ({ version, origin: 'user', file, importedAt: null, importedBy: null }));
      return [...shipped, ...onDisk].sort(byDate);
    }
    await this.ready();
    const shippedIds = new Set(shipped.map((s) => s.version.id));
    const imported = (await this.imports.list())
      .filter((i) => !shippedIds.has(i.version.id)) // never stored: save refuses them; kept out of the list to be sure
      .map((i): StoredVersion => ({ version: i.version, origin: 'user', file: null, importedAt: i.importedAt, importedBy: i.importedBy }));
    return [...shipped, ...imported].sort(byDate);
  }

  /** By id, or by a hash prefix of at least 8 hex digits (`sha256:` optional). */
  async get(ref: string): Promise<StoredVersion> {
    return pickVersion(await this.list(), ref);
  }

  /**
   * Imports versions all or nothing, as one audited write by `by`. Returns what was written; a
   * version already stored with the same hash is left alone. Conflicts (with a shipped version
   * or an import) are checked for every version before anything is written.
   */
  async save(versions: readonly CatalogVersion[], by: string): Promise<{ written: CatalogVersion[]; unchanged: CatalogVersion[] }> {
    const reserved = new Map(this.shipped().map((s) => [s.version.id, s.version.hash]));
    // Re-importing what ccheck ships (the 2023 seed) stores nothing, with or without a database.
    const shippedSame = versions.filter((v) => reserved.get(v.id) === v.hash);
    if (shippedSame.length === versions.length) return { written: [], unchanged: [...versions] };
    if (!this.imports) {
      throw new CoreError('STORE_NOT_INITIALISED', 'imported catalog versions are kept in the ccheck database, which is not set up', {
        location: this.legacyDir ?? '',
      });
    }
    await this.ready();
    const r = await this.imports.save(
      versions.filter((v) => !shippedSame.includes(v)),
      by,
      reserved,
    );
    return { written: r.written, unchanged: versions.filter((v) => !r.written.includes(v)) };
  }
}

/** A version of a list by id, or by a hash prefix of at least 8 hex digits (`sha256:` optional). */
export function pickVersion(all: readonly StoredVersion[], ref: string): StoredVersion {
  const byId = all.find((s) => s.version.id === ref);
  if (byId) return byId;
  const hex = ref.replace(/^sha256:/, '').toLowerCase();
  if (/^[0-9a-f]{8,64}$/.test(hex)) {
    const hits = all.filter((s) => s.version.hash.slice('sha256:'.length).startsWith(hex));
    if (hits.length === 1) return hits[0]!;
    if (hits.length > 1) throw new CoreError('CATALOG_VERSION_AMBIGUOUS', `hash prefix ${ref} matches ${hits.length} versions`, { ref });
  }
  throw new CoreError('CATALOG_VERSION_NOT_FOUND', `no catalog version "${ref}"`, {
    ref,
    known: all.map((s) => s.version.id),
  });
}
