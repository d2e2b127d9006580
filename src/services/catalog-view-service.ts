import type { CatalogNode } from '../core/catalog/catalog-node.js';
import type { CatalogVersion } from '../core/catalog/catalog-version.js';
import { diffVersions, type CatalogChange } from '../core/catalog/diff-versions.js';
import { isCoreError } from '../core/errors.js';
import type { CatalogStore, StoredVersion } from '../storage/catalog-store.js';
import { offlineCatalogStore } from './catalog-service.js';
import { latestIn, versionIn } from './firm-service.js';
import { InspectionService } from './inspection-service.js';

/**
 * Runs `fn` with the installation's catalog: through the database when it is set up (shipped
 * versions and every import in it), else the shipped versions only, so that reading the catalog
 * works on a fresh machine. A server that cannot be reached is an error, not an empty catalog.
 */
export async function withCatalog<T>(home: string, env: NodeJS.ProcessEnv, fn: (store: CatalogStore) => Promise<T> | T): Promise<T> {
  let service: InspectionService;
  try {
    service = await InspectionService.connect(home, env);
  } catch (e) {
    if (isCoreError(e) && e.code === 'STORE_NOT_INITIALISED') return fn(offlineCatalogStore(home));
    throw e;
  }
  try {
    return await fn(service.catalog);
  } finally {
    await service.close();
  }
}

/**
 * Every catalog version this installation knows (shipped and imported), oldest first. Each read
 * asks the database, so an import by another process or machine is seen at once; the hash check
 * of content already verified byte for byte is skipped (catalog-store, catalog-version.repository).
 */
export function catalogVersions(store: CatalogStore): Promise<StoredVersion[]> {
  return store.list();
}

/** One version by id or hash prefix (CATALOG_VERSION_NOT_FOUND otherwise). */
export async function catalogVersion(store: CatalogStore, ref: string): Promise<CatalogVersion> {
  return versionIn(await store.list(), ref);
}

/**
 * The version a firm works against: the latest in force (firm-service's latestIn). An imported
 * OSCAL catalog is another framework and never becomes it silently.
 */
export async function currentVersion(store: CatalogStore): Promise<CatalogVersion> {
  return latestIn(await store.list());
}

export interface SideBySideChange extends CatalogChange {
  readonly before: CatalogNode | null;
  readonly after: CatalogNode | null;
}

/** Diffs are pure functions of two immutable versions: computed once per pair. */
const diffs = new Map<string, { from: CatalogVersion; to: CatalogVersion; changes: SideBySideChange[] }>();

/** The amendment diff side by side: each change with the node as it was and as it is (and the rationale it carries). */
export async function catalogDiff(
  store: CatalogStore,
  fromRef: string,
  toRef: string,
): Promise<{ from: CatalogVersion; to: CatalogVersion; changes: SideBySideChange[] }> {
  const list = await store.list();
  const from = versionIn(list, fromRef);
  const to = versionIn(list, toRef);
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
