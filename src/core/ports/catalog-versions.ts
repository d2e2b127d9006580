import type { CatalogVersion } from '../catalog/catalog-version.js';

/** An imported catalog version as the store keeps it: who imported it, and when. */
export interface ImportedVersion {
  readonly version: CatalogVersion;
  readonly importedAt: string;
  readonly importedBy: string;
}

/**
 * The catalog versions users imported (ADR-0003: in the database, so every process on one store
 * sees the same catalog; the curated versions ccheck ships stay files). Versions are immutable:
 * an id is stored once, with one content. Every read re-checks the content hash and refuses a
 * version whose stored content was changed (CATALOG_VERSION_CORRUPT).
 */
export interface CatalogVersionRepository {
  /** Every imported version, oldest import first. */
  list(): Promise<ImportedVersion[]>;
  get(id: string): Promise<ImportedVersion | null>;
  /**
   * Stores the versions all or nothing, as one audited write under `by`. A version already
   * stored with the same hash is left as it is (`unchanged`); one stored with other content
   * refuses the whole save (CATALOG_VERSION_CONFLICT) before anything is written. `reserved`
   * are versions the store must not be given under another content (the shipped ones).
   */
  save(
    versions: readonly CatalogVersion[],
    by: string,
    reserved?: ReadonlyMap<string, string>,
  ): Promise<{ written: CatalogVersion[]; unchanged: CatalogVersion[] }>;
}
