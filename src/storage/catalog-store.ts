import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { verifyVersionHash, type CatalogVersion } from '../core/catalog/catalog-version.js';
import { CoreError } from '../core/errors.js';

/** The one file format of a stored version: pretty JSON, so that a diff of data/ in git is readable. */
export function serializeVersion(version: CatalogVersion): string {
  return `${JSON.stringify(version, null, 2)}\n`;
}

export type VersionOrigin = 'builtin' | 'user';

export interface StoredVersion {
  readonly version: CatalogVersion;
  readonly origin: VersionOrigin;
  readonly file: string;
}

/**
 * Catalog versions as JSON files: the curated ones shipped in `data/catalog/versions` (read
 * only) and those a user imported, under the ccheck home. Versions are immutable: saving an id
 * that exists with other content is refused, and every read re-checks the content hash so that a
 * file edited by hand is reported, not trusted.
 */
export class CatalogStore {
  constructor(
    private readonly builtinDir: string,
    private readonly userDir: string,
  ) {}

  private readDir(dir: string, origin: VersionOrigin): StoredVersion[] {
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => {
        const file = path.join(dir, f);
        let version: CatalogVersion;
        try {
          version = JSON.parse(readFileSync(file, 'utf8')) as CatalogVersion;
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
        return { version, origin, file };
      });
  }

  list(): StoredVersion[] {
    const all = [...this.readDir(this.builtinDir, 'builtin'), ...this.readDir(this.userDir, 'user')];
    return all.sort((a, b) => (a.version.effectiveDate ?? '0000').localeCompare(b.version.effectiveDate ?? '0000') || a.version.id.localeCompare(b.version.id));
  }

  /** By id, or by a hash prefix of at least 8 hex digits (`sha256:` optional). */
  get(ref: string): StoredVersion {
    const all = this.list();
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

  /**
   * Saves versions all or nothing. Returns what was written; a version already stored with the
   * same hash is left alone. Conflicts are checked for every version before anything is written.
   */
  save(versions: readonly CatalogVersion[], dir: string = this.userDir): { written: CatalogVersion[]; unchanged: CatalogVersion[] } {
    const existing = new Map(this.list().map((s) => [s.version.id, s.version]));
    const written: CatalogVersion[] = [];
    const unchanged: CatalogVersion[] = [];
    for (const v of versions) {
      const old = existing.get(v.id);
      if (old && old.hash !== v.hash) {
        throw new CoreError(
          'CATALOG_VERSION_CONFLICT',
          `catalog version "${v.id}" already exists with other content (${old.hash.slice(0, 19)}…); versions are immutable: import under another id`,
          { id: v.id },
        );
      }
      (old ? unchanged : written).push(v);
    }
    if (written.length === 0) return { written, unchanged };
    mkdirSync(dir, { recursive: true });
    // Write every file beside its final name first, then rename: a crash or a full disk leaves
    // either nothing new or, for versions renamed before the failure, complete files only.
    const staged: { tmp: string; final: string }[] = [];
    const renamed: string[] = [];
    try {
      for (const v of written) {
        const final = path.join(dir, `${v.id}.json`);
        const tmp = `${final}.${process.pid}.tmp`;
        writeFileSync(tmp, serializeVersion(v), { flag: 'wx' });
        staged.push({ tmp, final });
      }
      for (const s of staged) {
        renameSync(s.tmp, s.final);
        renamed.push(s.final);
      }
    } catch (e) {
      for (const s of staged) rmSync(s.tmp, { force: true });
      for (const f of renamed) rmSync(f, { force: true }); // all or nothing: these ids were new
      throw e;
    }
    return { written, unchanged };
  }
}
