import path from 'node:path';
import { importAmendmentTable, type AmendmentImport } from '../core/catalog/amendment/import-amendment.js';
import { applyChecklist, readChecklistRows, type ChecklistImport } from '../core/catalog/checklist/apply-checklist.js';
import type { CatalogVersion } from '../core/catalog/catalog-version.js';
import type { IsoDate } from '../core/dates.js';
import {
  builtinVersionsDir,
  catalogDataDir,
  knownSource,
  loadAllCorrections,
  loadCorrections,
  loadEnglish,
  loadMechanismReference,
  loadSources,
} from '../io/catalog-data.js';
import { readTableFile } from '../io/read-table-file.js';
import { readTextFile, type TextEncoding } from '../io/read-text-file.js';
import { CatalogStore } from '../storage/catalog-store.js';
import { KyselyCatalogVersionRepository, type AuditedStore } from '../storage/repositories/catalog-version.repository.js';

export { resolveHome } from '../io/locations.js';
export type { CatalogStore, StoredVersion } from '../storage/catalog-store.js';

/** Where ccheck before ADR-0003 kept imported versions; moved into the database on first use. */
const onDiskImports = (home: string) => path.join(home, 'catalog');

/**
 * The catalog without a database (a fresh machine, before `ccheck init`): the shipped versions
 * and any imports an earlier ccheck left on disk, read only.
 */
export function offlineCatalogStore(home: string): CatalogStore {
  return new CatalogStore(builtinVersionsDir(), null, onDiskImports(home));
}

/** The catalog of an open database: shipped versions plus the imports in it (every process on the store sees the same). */
export function catalogStoreOn(store: AuditedStore, clock: { now(): string }, home: string): CatalogStore {
  return new CatalogStore(builtinVersionsDir(), new KyselyCatalogVersionRepository(store, clock), onDiskImports(home));
}

/** What a user may give; everything left out is derived from the file. */
export interface AmendmentFileOptions {
  readonly amendedId?: string;
  readonly amendedEffectiveDate?: IsoDate;
  readonly currentId?: string;
  readonly currentEffectiveDate?: IsoDate;
  readonly encoding?: TextEncoding;
}

/**
 * Reads and imports an amendment comparison table; stores nothing. A file ccheck ships a version
 * of (the 2023 seed) imports under the same ids, dates and notes, so re-importing it is
 * recognised as "unchanged" instead of a conflict; otherwise the amended version's id defaults to
 * its effective date and the current one's to `before-<id>`.
 */
export async function importAmendmentFile(file: string, options: AmendmentFileOptions = {}): Promise<AmendmentImport> {
  const source = await readTextFile(file, options.encoding);
  const known = knownSource(source.sha256);
  const effectiveDate = options.amendedEffectiveDate ?? known?.amended.effective_date ?? null;
  const amendedId = options.amendedId ?? known?.amended.id ?? effectiveDate ?? `amendment-${source.sha256.slice(0, 8)}`;
  return importAmendmentTable({
    text: source.text,
    fileName: file,
    sha256: source.sha256,
    reference: loadMechanismReference(),
    corrections: loadAllCorrections(),
    english: known?.english ? loadEnglish(path.join(catalogDataDir(), known.english)) : undefined,
    amended: {
      id: amendedId,
      effectiveDate,
      effectiveDateNote: options.amendedEffectiveDate ? null : (known?.amended.effective_date_note ?? null),
    },
    current: {
      id: options.currentId ?? (options.amendedId ? undefined : known?.current.id) ?? `before-${amendedId}`,
      effectiveDate: options.currentEffectiveDate ?? known?.current.effective_date ?? null,
      effectiveDateNote: options.currentEffectiveDate ? null : (known?.current.effective_date_note ?? null),
    },
  });
}

/** Reads a firm's checklist (XLSX/CSV) and derives a version from `base`; stores nothing. */
export async function importChecklistFile(
  file: string,
  base: CatalogVersion,
  target: { id: string; effectiveDate?: IsoDate | null; sheet?: string; encoding?: TextEncoding },
): Promise<ChecklistImport> {
  const table = await readTableFile(file, { sheet: target.sheet, encoding: target.encoding });
  const rows = readChecklistRows(table);
  return applyChecklist(base, rows, { id: target.id, effectiveDate: target.effectiveDate, fileName: file, sha256: table.sha256 }, loadMechanismReference());
}

/**
 * Rebuilds the committed catalog versions from the sources listed in data/catalog/sources.yaml,
 * which ship in the repository beside it (data/catalog/seed/), so a fresh clone needs nothing
 * else. Used by `npm run catalog:build` and by the test that proves the committed data equal to
 * a fresh import.
 */
export async function buildCommittedVersions(): Promise<{ versions: CatalogVersion[]; imports: AmendmentImport[] }> {
  const dataDir = catalogDataDir();
  const sources = loadSources(dataDir);
  const imports: AmendmentImport[] = [];
  for (const a of sources.amendments) {
    const file = path.join(dataDir, a.file);
    const source = await readTextFile(file);
    if (source.sha256 !== a.sha256) throw new Error(`${file}: SHA-256 ${source.sha256} differs from sources.yaml (${a.sha256})`);
    imports.push(
      importAmendmentTable({
        text: source.text,
        fileName: path.basename(file),
        sha256: source.sha256,
        reference: loadMechanismReference(dataDir),
        corrections: a.corrections ? [loadCorrections(path.join(dataDir, a.corrections))] : [],
        english: a.english ? loadEnglish(path.join(dataDir, a.english)) : undefined,
        current: { id: a.current.id, effectiveDate: a.current.effective_date, effectiveDateNote: a.current.effective_date_note ?? null },
        amended: { id: a.amended.id, effectiveDate: a.amended.effective_date, effectiveDateNote: a.amended.effective_date_note ?? null },
      }),
    );
  }
  return { versions: imports.flatMap((i) => [i.current, i.amended]), imports };
}
