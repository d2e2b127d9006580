import type { CatalogNode } from '../core/catalog/catalog-node.js';
import type { CatalogVersion } from '../core/catalog/catalog-version.js';
import { diffVersions, type CatalogChange } from '../core/catalog/diff-versions.js';
import type { StoredVersion } from '../storage/catalog-store.js';
import { openCatalogStore } from './catalog-service.js';

/** Every catalog version this installation knows (shipped and imported), oldest first. */
export function catalogVersions(home: string): StoredVersion[] {
  return openCatalogStore(home).list();
}

/** One version by id or hash prefix (CATALOG_VERSION_NOT_FOUND otherwise). */
export function catalogVersion(home: string, ref: string): CatalogVersion {
  return openCatalogStore(home).get(ref).version;
}

export interface SideBySideChange extends CatalogChange {
  readonly before: CatalogNode | null;
  readonly after: CatalogNode | null;
}

/** Diffs are pure functions of two immutable versions: computed once per pair. */
const diffs = new Map<string, { from: CatalogVersion; to: CatalogVersion; changes: SideBySideChange[] }>();

/** The amendment diff side by side: each change with the node as it was and as it is (and the rationale it carries). */
export function catalogDiff(home: string, fromRef: string, toRef: string): { from: CatalogVersion; to: CatalogVersion; changes: SideBySideChange[] } {
  const store = openCatalogStore(home);
  const from = store.get(fromRef).version;
  const to = store.get(toRef).version;
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
