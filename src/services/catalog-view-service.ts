import type { CatalogNode } from '../core/catalog/catalog-node.js';
import type { CatalogVersion } from '../core/catalog/catalog-version.js';
import { diffVersions, type CatalogChange } from '../core/catalog/diff-versions.js';
import type { StoredVersion } from '../storage/catalog-store.js';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { builtinVersionsDir } from '../io/catalog-data.js';
import { openCatalogStore } from './catalog-service.js';

const listed = new Map<string, { key: string; versions: StoredVersion[] }>();

/** The version files' names, sizes and times: a new import or an edited file changes it. */
function filesKey(home: string): string {
  return [builtinVersionsDir(), path.join(home, 'catalog')]
    .flatMap((dir) =>
      existsSync(dir)
        ? readdirSync(dir)
            .filter((f) => f.endsWith('.json'))
            .sort()
            .map((f) => {
              const st = statSync(path.join(dir, f));
              return `${dir}/${f}:${st.size}:${st.mtimeMs}`;
            })
        : [],
    )
    .join('\n');
}

/**
 * Every catalog version this installation knows (shipped and imported), oldest first. Reading
 * them re-checks every version's hash, which costs tens of milliseconds: a server keeps the
 * checked list until a file is added or changed (same names, sizes and times: same content).
 */
export function catalogVersions(home: string): StoredVersion[] {
  const key = filesKey(home);
  const known = listed.get(home);
  if (known?.key === key) return known.versions;
  const versions = openCatalogStore(home).list();
  listed.set(home, { key, versions });
  return versions;
}

/** One version by id or hash prefix (CATALOG_VERSION_NOT_FOUND otherwise). */
export function catalogVersion(home: string, ref: string): CatalogVersion {
  return catalogVersions(home).find((v) => v.version.id === ref)?.version ?? openCatalogStore(home).get(ref).version;
}

/**
 * The version a firm works against: the latest in force (firm-service's latestVersion, on the
 * checked list). An imported OSCAL catalog is another framework and never becomes it silently.
 */
export function currentVersion(home: string): CatalogVersion {
  const all = catalogVersions(home);
  const dated = all.filter((s) => s.version.effectiveDate !== null && s.version.source.kind !== 'oscal_catalog');
  const latest = dated[dated.length - 1] ?? all[all.length - 1];
  if (!latest) throw new Error('ccheck: no catalog versions installed');
  return latest.version;
}

export interface SideBySideChange extends CatalogChange {
  readonly before: CatalogNode | null;
  readonly after: CatalogNode | null;
}

/** Diffs are pure functions of two immutable versions: computed once per pair. */
const diffs = new Map<string, { from: CatalogVersion; to: CatalogVersion; changes: SideBySideChange[] }>();

/** The amendment diff side by side: each change with the node as it was and as it is (and the rationale it carries). */
export function catalogDiff(home: string, fromRef: string, toRef: string): { from: CatalogVersion; to: CatalogVersion; changes: SideBySideChange[] } {
  const from = catalogVersion(home, fromRef);
  const to = catalogVersion(home, toRef);
  const key = `${from.hash}>${to.hash}`;
  const known = diffs.get(key);
  if (known) return known;
  const before = new Map(from.nodes.map((n) => [n.path, n]));
  const after = new Map(to.nodes.map((n) => [n.path, n]));
  const changes = diffVersions(from, to).changes.map((c) => ({
    ...c,
    before: c.oldPath ? (before.get(c.oldPath) ?? null) : null,
    after: c.path ? (after.get(c.path) ?? null) : null,
  }));
  const out = { from, to, changes };
  if (diffs.size > 16) diffs.clear();
  diffs.set(key, out);
  return out;
}
